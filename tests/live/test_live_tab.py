"""The web Live tab in Chromium with a fake camera that shows the carphone clip: frames stream
to the server, the animated portrait and the blendshape bars stream back."""

from __future__ import annotations

import re
import shutil
import socket
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from facemotion.landmarks.arkit import ARKIT_NAMES
from facemotion.web.live_tab import LiveSessions, blendshape_bars

CHROMIUM = "/usr/bin/chromium"


def write_y4m(path: Path, frames: list[np.ndarray], fps: tuple[int, int] = (30000, 1001)) -> Path:
    """Frames (H, W, 3) uint8 RGB as a YUV4MPEG2 file, the format Chromium's fake camera reads."""
    height, width = frames[0].shape[:2]
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F{fps[0]}:{fps[1]} Ip A1:1 C420jpeg\n".encode())
        for frame in frames:
            out.write(b"FRAME\n" + cv2.cvtColor(frame, cv2.COLOR_RGB2YUV_I420).tobytes())
    return path


def test_blendshape_bars_grow_with_the_weights():
    empty = blendshape_bars(np.zeros(52))
    full = blendshape_bars(np.ones(52))
    assert empty.shape == full.shape and empty.dtype == np.uint8
    assert (full != empty).sum() > 1000
    assert len(ARKIT_NAMES) == 52


def test_sessions_keep_one_state_per_browser_and_reset(carphone_frames):
    frames, _ = carphone_frames
    sessions = LiveSessions(load_model=lambda name: None)
    try:
        for frame in frames[:3]:
            image, solution, status = sessions.process("a", frame, None)
        assert image is None and solution.detected and status.startswith("frame 3: face")
        sessions.process("b", frames[0], None)
        sessions.reset("a")
        _, _, status = sessions.process("a", frames[3], None)
        assert status.startswith("frame 1:")
    finally:
        sessions.close()


@pytest.fixture(scope="module")
def live_app():
    from facemotion.web.app import build_app, launch
    from facemotion.web.options import ServeOptions

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = build_app(ServeOptions(port=port))
    launch(app, block=False)
    yield f"http://127.0.0.1:{port}/"
    app.blocks.close()
    app.store.close()


@pytest.mark.slow
@pytest.mark.browser
def test_live_tab_animates_the_portrait_from_the_fake_webcam(live_app, carphone_frames, tmp_path):
    from playwright.sync_api import sync_playwright

    assert shutil.which(CHROMIUM), "Debian's chromium is needed for the browser tests"
    frames, _ = carphone_frames
    y4m = write_y4m(tmp_path / "camera.y4m", [cv2.resize(f, (352, 288)) for f in frames])
    args = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream", f"--use-file-for-fake-video-capture={y4m}",
    ]  # fmt: skip
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        try:
            page = browser.new_page()
            page.goto(live_app)
            page.get_by_role("tab", name="Live").click()
            webcam = page.locator("#live-webcam")
            webcam.get_by_text("Click to Access Webcam").click()
            webcam.locator("button[aria-label='capture photo']").click()
            status = page.locator("#live-status")
            animated = page.locator("#live-animated img")
            shots = []
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and len(shots) < 2:
                text = status.inner_text()
                if "face tracked" in text and animated.count():
                    shots.append(animated.first.screenshot())
                    time.sleep(1.0)
                else:
                    time.sleep(0.2)
            text = status.inner_text()
            assert len(shots) == 2, f"no animated frames came back; status: {text!r}"
            frame_number = int(re.search(r"frame (\d+)", text).group(1))
            assert frame_number >= 5, text
            assert shots[0] != shots[1]  # the portrait moves with the clip
            assert page.locator("#live-bars img").count() == 1
        finally:
            browser.close()
