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
from PIL import Image

from facemotion.assets import sample_path
from tests.fakes import FaceFreeModel
from tests.media import moving_frames
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
        # (Not a sample: the galleries' copies stay, test_a_sample_uploaded_...)
        other = tmp_path / "portrait.png"
        Image.fromarray(moving_frames(1, 80, 100, seed=11)[0]).save(other)
        for name, portrait in (("ends", other), ("expires", still)):
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


def test_a_sample_uploaded_by_a_session_that_ends_stays_for_the_galleries(
    tiny_loader, clip, tmp_path, monkeypatch
):
    """Gradio names an upload and its copy of a gallery picture by the content's hash: a session
    that uploaded a sample, when it ended, took the picture every other page shows and picks
    with it (their thumbnails broke and their jobs failed with "Error"). Its own clip goes."""
    from gradio_client import Client

    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio"))
    app, url = start_app(tiny_loader)
    store = app.store
    sample = sample_path("grace_hopper.jpg")
    try:
        client = Client(url, verbose=False, download_files=str(tmp_path / "client"))
        before = set(store.sessions())
        _animate(client, sample, clip)
        (session,) = set(store.sessions()) - before
        held = _files(store.uploads)
        copies = [path for path in held if path.read_bytes() == sample.read_bytes()]
        uploaded_clip = [path for path in held if path.read_bytes() == clip.read_bytes()]
        assert len(copies) == 1 and len(uploaded_clip) == 1
        store.release(session)
        assert copies[0].exists()
        assert not uploaded_clip[0].exists()
    finally:
        app.blocks.close()
        store.close()


class HeldModel(FaceFreeModel):
    """Moves nothing, and holds its first frame until `release` is set: a job that stays
    running for as long as the test needs. `started` is set when a job reaches it."""

    name = "held"
    frame_size = 64

    def __init__(self) -> None:
        self.started, self.release = threading.Event(), threading.Event()

    def animate(self, source, driving, *, relative=True, adapt_scale=True):
        for _ in driving:
            self.started.set()
            self.release.wait(120)
            yield np.asarray(source, dtype=np.float32)


def _wait_for(condition, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_a_full_queue_refuses_new_jobs_and_the_page_still_answers(clip, still):
    from gradio_client import Client, handle_file
    from gradio_client.utils import QueueError, Status

    model = HeldModel()
    app, url = start_app(lambda choice: model, max_queue=1)
    arguments = (handle_file(str(still)), handle_file(str(clip)), *ANIMATE_DEFAULTS)
    try:
        running = Client(url, verbose=False).submit(*arguments, api_name="/animate")
        assert model.started.wait(120)
        waiting = Client(url, verbose=False).submit(*arguments, api_name="/animate")
        _wait_for(lambda: waiting.status().code == Status.IN_QUEUE)
        refused = Client(url, verbose=False).submit(*arguments, api_name="/animate")
        with pytest.raises(QueueError, match="(?i)queue is full"):
            refused.result(timeout=120)
        started = time.perf_counter()
        with urllib.request.urlopen(url, timeout=30) as page:  # while a job runs and one waits
            assert page.status == 200 and b"facemotion" in page.read()
        page_seconds = time.perf_counter() - started
        model.release.set()
        assert Path(running.result(timeout=300)).is_file()
        assert Path(waiting.result(timeout=300)).is_file()
    finally:
        model.release.set()
        app.blocks.close()
        app.store.close()
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
