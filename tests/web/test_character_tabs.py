"""The Capture and Live tabs with the user's character, in Debian's chromium: the animated
character plays in the page (the viewer's three-vrm, served by the app: nothing from a CDN)
and is offered for download; live, it follows the face of chromium's fake camera (the carphone
sample fed as a y4m file)."""

from __future__ import annotations

import shutil
import time

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from tests.conftest import DATA
from tests.web.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, job_result, open_page
from tests.web.test_character_jobs import carphone_start

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def fake_camera(path):
    """The carphone sample as a y4m file, what chromium's fake camera plays."""
    import av

    from facemotion.assets import sample_path
    from facemotion.io.video import VideoReader

    with VideoReader(sample_path("carphone.mp4")) as reader, av.open(str(path), "w") as out:
        stream = out.add_stream("rawvideo", rate=30)
        stream.width, stream.height, stream.pix_fmt = 176, 144, "yuv420p"
        for frame in reader:
            out.mux(stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")))
        out.mux(stream.encode())
    return path


@pytest.fixture(scope="module")
def driver():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="module")
def chromium(driver):
    browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def viewer_frame(page):
    """The viewer's iframe once its page has loaded (generous: a loaded machine serves the
    viewer's 2.5 MB of modules slowly)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        frame = next((f for f in page.frames if "character.html" in f.url), None)
        if frame is not None:
            frame.wait_for_function("window.viewer !== undefined", timeout=120_000)
            return frame
        # Playwright's sync API takes in the browser's events (the iframe's navigation) only
        # inside its own calls: time.sleep here would leave `page.frames` as it was for good.
        page.wait_for_timeout(200)
    raise AssertionError("the character viewer did not load")


def test_capture_onto_a_vrm_plays_it_and_offers_it(chromium, served_app, tmp_path):
    short_clip = carphone_start(tmp_path / "talk.mp4")
    character = tmp_path / "avatar.vrm"
    shutil.copy(DATA / "characters" / "vrm0_simple_morph.vrm", character)
    with open_page(chromium, served_app[1]) as page:
        page.get_by_role("tab", name="Capture").first.click()
        page.set_input_files("#capture-video input[type=file]", str(short_clip))
        page.wait_for_selector("#capture-video video", timeout=30_000)
        page.set_input_files("#capture-character input[type=file]", str(character))
        page.get_by_text("avatar.vrm").first.wait_for(timeout=30_000)
        page.click("#capture")
        job_result(page, "#capture-character-view iframe")
        listed = page.inner_text("#capture-files").replace("\n", "")
        for name in ("capture.glb", "capture_avatar.glb", "capture_avatar.vrma"):
            assert name in listed, listed
        assert "avatar.vrm: 1 of the 52 ARKit shapes drive" in page.inner_text("#capture-summary")
        frame = viewer_frame(page)
        shown = frame.evaluate(
            """async () => {
                const viewer = await window.viewer.ready;
                return {duration: viewer.duration, vrm: viewer.vrm !== null,
                        aa: viewer.setTime(0.2).expressions.aa};
            }"""
        )
        assert shown["vrm"] and shown["duration"] == pytest.approx(9 / 30, abs=1e-3)
        assert 0.0 <= shown["aa"] <= 1.0
        page.screenshot(path=ARTIFACTS / "capture-character.png", full_page=True)
        assert page.external == []


def test_live_tab_moves_the_character_with_the_face(driver, served_app, tmp_path):
    camera = fake_camera(tmp_path / "camera.y4m")
    fake = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={camera}"]  # fmt: skip
    character = DATA / "characters" / "rpm_preview_5_morphs.glb"
    browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + fake)
    try:
        with open_page(browser, served_app[1]) as page:
            page.get_by_role("tab", name="Live").first.click()
            page.locator("#live-portrait button[aria-label='Remove Image']").click()
            page.set_input_files("#live-character input[type=file]", str(character))
            page.wait_for_selector("#live-character-view iframe", timeout=60_000)
            frame = viewer_frame(page)
            rest = frame.evaluate("async () => (await window.viewer.ready).applyPose({}).head")
            assert rest is not None
            page.locator("#live-webcam div[title='grant webcam access'] button").click()
            page.locator("#live-webcam button[aria-label='capture photo']").click()
            frame.wait_for_function("(window.posesReceived ?? 0) > 5", timeout=120_000)
            page.wait_for_timeout(1000)
            shown = frame.evaluate("async () => (await window.viewer.ready).applyPose({})")
            page.screenshot(path=ARTIFACTS / "live-character.png", full_page=True)
            assert page.external == []
    finally:
        browser.close()
    # The tracked face turned the avatar's head away from its rest pose.
    turned = Rotation.from_quat(shown["head"]) * Rotation.from_quat(rest).inv()
    assert np.degrees(turned.magnitude()) > 2
