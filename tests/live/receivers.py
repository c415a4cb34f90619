"""UDP receivers on 127.0.0.1 that decode our packets with independent libraries:
`pylivelinkface` for Live Link Face, python-osc's server for VMC."""

from __future__ import annotations

import socket
import threading
import time

from pylivelinkface import PyLiveLinkFace
from pythonosc.dispatcher import Dispatcher
from pythonosc.osc_server import ThreadingOSCUDPServer


class LiveLinkReceiver:
    """Collects decoded PyLiveLinkFace objects sent to `port`."""

    def __init__(self) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.settimeout(0.1)
        self.port = self.socket.getsockname()[1]
        self.faces: list[PyLiveLinkFace] = []
        self.raw: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                data = self.socket.recv(65536)
            except TimeoutError:
                continue
            found, face = PyLiveLinkFace.decode(data)
            assert found
            self.raw.append(data)
            self.faces.append(face)

    def wait_for(self, count: int, timeout_s: float = 5.0) -> None:
        deadline = time.monotonic() + timeout_s
        while len(self.faces) < count and time.monotonic() < deadline:
            time.sleep(0.01)

    def __enter__(self) -> LiveLinkReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()
        self.socket.close()


class VmcReceiver:
    """Collects VMC messages per bundle: a list of frames, each {address: [args, ...]}."""

    def __init__(self) -> None:
        self.frames: list[dict[str, list[tuple]]] = []
        self._current: dict[str, list[tuple]] = {}
        self._lock = threading.Lock()
        dispatcher = Dispatcher()
        dispatcher.set_default_handler(self._handle)
        self.server = ThreadingOSCUDPServer(("127.0.0.1", 0), dispatcher)
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _handle(self, address: str, *args) -> None:
        with self._lock:
            # /VMC/Ext/OK opens each frame's bundle.
            if address == "/VMC/Ext/OK":
                self._current = {}
                self.frames.append(self._current)
            self._current.setdefault(address, []).append(args)

    def complete_frames(self) -> list[dict[str, list[tuple]]]:
        with self._lock:
            return [frame for frame in self.frames if "/VMC/Ext/Bone/Pos" in frame]

    def wait_for(self, count: int, timeout_s: float = 5.0) -> None:
        deadline = time.monotonic() + timeout_s
        while len(self.complete_frames()) < count and time.monotonic() < deadline:
            time.sleep(0.01)

    def __enter__(self) -> VmcReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join()
