"""The Capture tab with the user's character, in Debian's chromium: the animated character
plays in the page (the viewer's three-vrm, served by the app: nothing from a CDN) and is
offered for download."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import DATA
from tests.web.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, JOB_TIMEOUT_MS, open_page
from tests.web.test_character_jobs import carphone_start

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


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
        page.wait_for_selector("#capture-character-view iframe", timeout=JOB_TIMEOUT_MS)
        listed = page.inner_text("#capture-files").replace("\n", "")
        for name in ("capture.glb", "capture_avatar.glb", "capture_avatar.vrma"):
            assert name in listed, listed
        assert "avatar.vrm: 1 of the 52 ARKit shapes drive" in page.inner_text("#capture-summary")
        frame = next(f for f in page.frames if "character.html" in f.url)
        frame.wait_for_function("window.viewer !== undefined", timeout=30_000)
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
