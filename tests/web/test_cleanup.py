"""What the web app leaves on disk: nothing of a session once it ends or expires, nothing at all
once the server stops; and a full queue refuses new jobs in words."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from facemotion.assets import sample_path
from tests.fakes import FaceFreeModel
from tests.web.conftest import start_app

pytestmark = pytest.mark.slow

ANIMATE_DEFAULTS = ("vox", True, True, False, "center", False)


def _files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def _animate(client, source: Path, driving: Path):
    from gradio_client import handle_file

    return client.predict(
        handle_file(str(source)), handle_file(str(driving)), *ANIMATE_DEFAULTS, api_name="/animate"
    )


def test_a_session_that_ends_or_expires_leaves_no_upload_and_no_result(
    tiny_loader, clip, still, tmp_path, monkeypatch
):
    from gradio_client import Client

    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio"))  # this app's alone
    app, url = start_app(tiny_loader)
    store = app.store
    try:
        files = {}
        # Two sessions, two portraits, one clip: Gradio keeps one copy of the clip for both.
        for name, portrait in (("ends", sample_path("astronaut.png")), ("expires", still)):
            client = Client(url, verbose=False, download_files=str(tmp_path / name))
            before = set(store.sessions())
            result = Path(_animate(client, portrait, clip))
            (session,) = set(store.sessions()) - before
            held = {path: path.read_bytes() for path in _files(store.uploads)}
            wanted = (portrait.read_bytes(), clip.read_bytes(), result.read_bytes())
            kept = [path for path, data in held.items() if data in wanted]
            assert len(kept) == 3, kept  # the two uploads and Gradio's copy of the result
            files[name] = (session, kept + _files(store.folder(session)))
        ends, expires = files["ends"], files["expires"]
        shared = set(ends[1]) & set(expires[1])
        assert [path.read_bytes() for path in shared] == [clip.read_bytes()]
        store.release(ends[0])  # what closing the page does (Blocks.unload)
        assert [path for path in ends[1] if path.exists()] == list(shared)
        assert all(path.exists() for path in expires[1])
        store.max_idle_s = 0  # API clients never close a page: their sessions expire
        time.sleep(0.01)
        store.sweep()
        assert store.sessions() == []
        assert [path for path in expires[1] if path.exists()] == []
    finally:
        app.blocks.close()
        store.close()


class SlowModel(FaceFreeModel):
    """Moves nothing, slowly: 0.5 s a frame, so that jobs pile up in the queue."""

    name = "slow"
    frame_size = 64

    def animate(self, source, driving, *, relative=True, adapt_scale=True):
        for _ in driving:
            time.sleep(0.5)
            yield np.asarray(source, dtype=np.float32)


def test_a_full_queue_refuses_new_jobs_and_the_page_still_answers(clip, still):
    from gradio_client import Client

    app, url = start_app(lambda name, device, **options: SlowModel(), max_queue=1)
    outcomes: list[str] = []

    def job() -> None:
        try:
            _animate(Client(url, verbose=False), still, clip)
            outcomes.append("done")
        except Exception as exc:  # what a refused or failed job says, whatever its type
            outcomes.append(f"{type(exc).__name__}: {exc}")

    try:
        threads = [threading.Thread(target=job) for _ in range(4)]
        for thread in threads:
            thread.start()
            time.sleep(0.3)
        started = time.perf_counter()
        with urllib.request.urlopen(url, timeout=30) as page:
            assert page.status == 200
        page_seconds = time.perf_counter() - started
        for thread in threads:
            thread.join(timeout=300)
    finally:
        app.blocks.close()
        app.store.close()
    refused = [text for text in outcomes if "queue is full" in text.lower()]
    assert outcomes.count("done") >= 1 and len(refused) >= 1, outcomes
    assert len(outcomes) == 4 and set(outcomes) - set(refused) == {"done"}, outcomes
    assert page_seconds < 10


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_served(url: str, server: subprocess.Popen, timeout_s: float = 300) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        assert server.poll() is None, "facemotion serve ended before it served"
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(1)
    raise AssertionError(f"facemotion serve did not answer at {url} in {timeout_s} s")


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_stopping_the_server_deletes_every_upload_and_result(tmp_path, clip, stop):
    from gradio_client import Client, handle_file
    from gradio_client.exceptions import AppError

    temporary = tmp_path / "server-tmp"  # the server's TMPDIR: all it writes goes there
    temporary.mkdir()
    env = {key: value for key, value in os.environ.items() if key != "GRADIO_TEMP_DIR"}
    env["TMPDIR"] = str(temporary)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "facemotion.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/"
        _wait_until_served(url, server)
        client = Client(url, verbose=False, download_files=str(tmp_path / "client"))
        portrait = handle_file(str(sample_path("astronaut.png")))
        with pytest.raises(AppError, match="no video stream"):
            client.predict(portrait, portrait, *ANIMATE_DEFAULTS, api_name="/animate")
        if stop == signal.SIGTERM:  # a finished job too: results, and Gradio's copies
            downloads = client.predict(
                handle_file(str(sample_path("carphone.mp4"))), None, api_name="/capture"
            )[3]
            assert len(downloads) == 4
        written = [path.name for path in _files(temporary)]
        assert "astronaut.png" in written
        server.send_signal(stop)
        _, stderr = server.communicate(timeout=120)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    assert server.returncode == 128 + stop, stderr
    assert _files(temporary) == [], stderr
    assert list(temporary.iterdir()) == []
