"""Bad input to `facemotion serve`: its options at the CLI, and requests to the running app's
API through gradio_client (refused with one line, never Gradio's generic error)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from fractions import Fraction
from pathlib import Path

import av
import pytest
from PIL import Image

from facemotion.io.signals import Stopped
from tests.bad_input.harness import assert_refused, one_line, run_main
from tests.media import moving_frames, write_video

SRC = str(Path(__file__).resolve().parents[2] / "src")


@pytest.fixture
def busy_port():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


def test_busy_port_names_the_port_option(work, capsys, busy_port):
    line = assert_refused(["serve", "--port", busy_port], work, capsys, "in use")
    assert f"--port {busy_port + 1}" in line and "GRADIO" not in line


def test_host_not_of_this_machine(work, capsys):
    # TEST-NET-1 (RFC 5737): never an address of this machine
    line = assert_refused(["serve", "--host", "192.0.2.1"], work, capsys, "192.0.2.1")
    assert "--host 127.0.0.1" in line


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        (["--port", "70000"], "--port"),
        (["--max-upload-mb", "0"], "--max-upload-mb"),
        (["--max-seconds", "-1"], "--max-seconds"),
        (["--concurrency", "0"], "--concurrency"),
        (["--gallery", "nope"], "nope"),
    ],
    ids=["port-out-of-range", "upload-limit-zero", "seconds-negative", "no-concurrency", "gallery"],
)
def test_bad_serve_options(work, capsys, argv, match):
    assert_refused(["serve", *argv], work, capsys, match)


def _raw_h264(path: Path, seconds: int, fps: int = 25) -> Path:
    """A raw H.264 stream: no container, so no duration to read."""
    frames = moving_frames(seconds * fps, 64, 64)
    with av.open(str(path), "w", format="h264") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width = stream.height = 64
        stream.pix_fmt = "yuv420p"
        for frame in frames:
            container.mux(stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")))
        container.mux(stream.encode())
    return path


@pytest.fixture(scope="module")
def small_limits_app():
    """The app with a 2 s clip limit and a 0.1 MB upload limit, at a free port."""
    from facemotion.web.app import build_app, launch
    from facemotion.web.options import ServeOptions

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    options = ServeOptions(port=port, max_seconds=2, max_upload_mb=0.1, concurrency=1)
    app = build_app(options)
    launch(app, block=False)
    yield f"http://127.0.0.1:{port}/"
    app.blocks.close()
    app.store.close()


def _animate(url: str, source, driving):
    from gradio_client import Client

    client = Client(url, verbose=False)
    args = (source, driving, "landmarks", True, True, False, "auto", False)
    return client.predict(*args, api_name="/animate")


@pytest.mark.slow
def test_api_refusals(small_limits_app, media, tmp_path):
    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    portrait, clip = handle_file(str(media / "grace.jpg")), str(media / "drive.mp4")
    long_clip = _raw_h264(tmp_path / "long.h264", 12)
    big_clip = write_video(tmp_path / "d.mp4", moving_frames(100, 224, 224, 1), Fraction(50))
    sizes = {path.name: path.stat().st_size for path in (media / "grace.jpg", long_clip, big_clip)}
    # each file alone is within the 0.1 MB limit, the portrait and big_clip together are not
    assert max(sizes.values()) < 100_000 < sizes["grace.jpg"] + sizes["d.mp4"], sizes
    cases = {
        "text as the source image": (
            handle_file(str(media / "text.txt")),
            handle_file(clip),
            r"^text\.txt is not an image Pillow can read",
        ),
        "raw .h264 past --max-seconds": (
            portrait,
            handle_file(str(long_clip)),
            r"over \d+ s long; the limit is 2 s",
        ),
        "files together past --max-upload-mb": (
            portrait,
            handle_file(str(big_clip)),
            r"files of this request are .* together; the limit is 0.1 MB",
        ),
        "no source image": (None, handle_file(clip), "no source image given"),
    }
    for name, (source, driving, match) in cases.items():
        with pytest.raises(AppError, match=match) as refused:
            _animate(small_limits_app, source, driving)
        message = str(refused.value)
        assert "\n" not in message and "upstream" not in message, name


@pytest.mark.slow
def test_live_frame_api(small_limits_app, media):
    """/live_frame through gradio_client: a valid call works (the streaming event it was
    failed client-side with KeyError 'process_streaming'), a text file as the frame is one
    facemotion line (was Gradio's generic 'upstream' error), and the API description holds
    no internet URL (it showed one as the default portrait)."""
    import json

    from gradio_client import Client, handle_file
    from gradio_client.exceptions import AppError

    client = Client(small_limits_app, verbose=False)
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert "https://" not in json.dumps(endpoints["/live_frame"])
    image, weights, status = client.predict(
        handle_file(str(media / "grace.jpg")), api_name="/live_frame"
    )
    assert image is None and len(weights) == 52 and "face tracked" in status
    assert all(0.0 <= value <= 1.0 for value in weights.values())
    portrait = handle_file(str(media / "grace.jpg"))  # within the app's 0.1 MB limit
    image, _, _ = client.predict(
        handle_file(str(media / "grace.jpg")), portrait, api_name="/live_frame"
    )
    assert Image.open(image).format == "JPEG"
    with pytest.raises(AppError, match=r"^text\.txt is not an image") as refused:
        client.predict(handle_file(str(media / "text.txt")), api_name="/live_frame")
    assert "\n" not in str(refused.value) and "upstream" not in str(refused.value)


class _FakeBlocks:
    local_url, share_url = "http://0.0.0.0:7860/", None


class _FakeApp:
    blocks = _FakeBlocks()


@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM], ids=["sigint", "sigterm"])
def test_stopped_serve_exits_like_every_command(work, capsys, monkeypatch, number):
    """A stop signal while serving: 128 + its number and one line (the web app itself is
    replaced here; test_serve_process_stopped runs the real one)."""
    import facemotion.web.app

    def serve(options, ready):
        ready(_FakeApp())
        raise Stopped(number)

    monkeypatch.setattr(facemotion.web.app, "serve", serve)
    capsys.readouterr()
    code = run_main(["serve", "--host", "0.0.0.0", "--port", "7861"])
    captured = capsys.readouterr()
    assert code == 128 + number
    warning, error = captured.err.splitlines()
    assert "reachable from other machines" in warning and "--host 127.0.0.1" in warning
    assert "web app stopped" in error
    assert "share=True" not in captured.out and "launch()" not in captured.out
    assert "--share" in captured.out


def test_local_host_gives_no_network_warning(work, capsys, monkeypatch):
    import facemotion.web.app

    def serve(options, ready):
        ready(_FakeApp())
        raise Stopped(signal.SIGINT)

    monkeypatch.setattr(facemotion.web.app, "serve", serve)
    capsys.readouterr()
    assert run_main(["serve", "--host", "localhost", "--port", "7861"]) == 130
    one_line(capsys.readouterr().err)


@pytest.mark.slow
@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM], ids=["sigint", "sigterm"])
def test_serve_process_stopped(tmp_path, number):
    """The real server in its own process: 130 / 143, one line, no asyncio noise."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    process = subprocess.Popen(
        [sys.executable, "-m", "facemotion.cli", "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            break
        except OSError:
            assert process.poll() is None and time.monotonic() < deadline, process.communicate()
            time.sleep(0.2)
    urllib.request.urlopen(f"http://127.0.0.1:{port}/config", timeout=30).read()
    process.send_signal(number)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 128 + number, err
    assert "web app stopped" in one_line(err)
    assert "share=True" not in out


@pytest.mark.parametrize("before", [None, "user-temp"], ids=["unset", "set"])
def test_a_stopped_serve_puts_gradio_temp_dir_back(work, capsys, monkeypatch, tmp_path, before):
    """serve points GRADIO_TEMP_DIR at a folder of its run while it serves, and puts it back
    when it stops: a later server in the same process must not nest its folder in the removed
    one."""
    import os

    import facemotion.web.app

    if before is None:
        monkeypatch.delenv("GRADIO_TEMP_DIR", raising=False)
    else:
        monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / before))
    while_serving = []

    def serve(options, ready):
        while_serving.append(os.environ["GRADIO_TEMP_DIR"])
        raise Stopped(signal.SIGINT)

    monkeypatch.setattr(facemotion.web.app, "serve", serve)
    assert run_main(["serve", "--port", "7861"]) == 130
    assert "facemotion-serve-" in while_serving[0]
    assert os.environ.get("GRADIO_TEMP_DIR") == (None if before is None else str(tmp_path / before))
