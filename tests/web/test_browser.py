"""The web app in Debian's chromium, driven by Playwright, with every non-local request aborted.

Screenshots go to test-artifacts/web/: animate.png, progress.png, result.png (with the comparison)
and capture.png with the default model and the samples; the others come from the tiny test model.
"""

from __future__ import annotations

import contextlib
import io
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.media import probe

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
JOB_TIMEOUT_MS = 120_000
# Every toast the page shows, kept in window.toastsSeen: a toast goes after a few seconds, long
# before a job's timeout, and its message is what says why the job failed.
RECORD_TOASTS = """
window.toastsSeen = [];
new MutationObserver(() => {
    for (const toast of document.querySelectorAll('[data-testid="toast-body"]')) {
        if (!toast.dataset.seen) {
            toast.dataset.seen = "1";
            window.toastsSeen.push(toast.innerText.trim().replace(/\\s+/g, " "));
        }
    }
}).observe(document, {childList: true, subtree: true});
"""
# The bytes the page's MediaRecorders have handed out, in window.recordedBytes. Gradio's
# recorder keeps only the chunks handed out before its Stop click, so a recording stopped before
# the first one is an empty file ("Video not playable"); headless chromium under load can take
# seconds to hand out the first.
COUNT_RECORDED = """
window.recordedBytes = 0;
window.MediaRecorder = class extends window.MediaRecorder {
    constructor(...args) {
        super(...args);
        this.addEventListener("dataavailable", (event) => {
            window.recordedBytes += event.data.size;
        });
    }
};
"""


@pytest.fixture(scope="module")
def playwright():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="module")
def browser(playwright):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@contextlib.contextmanager
def open_page(browser, url: str, *scripts: str):
    """A page on the app, with `scripts` run first in it; requests leaving 127.0.0.1 are
    aborted and listed in page.external."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.external = []

    def only_local(route):
        if route.request.url.startswith(url.rstrip("/")):
            route.continue_()
        else:
            page.external.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    for script in (RECORD_TOASTS, *scripts):
        page.add_init_script(script)
    page.goto(url)
    page.wait_for_selector("#generate", timeout=60_000)
    yield page
    context.close()


@pytest.fixture
def page(browser, served_app):
    with open_page(browser, served_app[1]) as page:
        yield page


def job_result(page, selector: str) -> None:
    """Wait for a job's result at `selector` to show; when it does not, fail with what the page
    says (its toasts and progress text) and a screenshot in test-artifacts/web/, not only
    Playwright's timeout."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_selector(selector, state="visible", timeout=JOB_TIMEOUT_MS)
    except PlaywrightTimeout:
        name = "".join(ch if ch.isalnum() else "-" for ch in selector).strip("-")
        page.screenshot(path=ARTIFACTS / f"timeout-{name}.png", full_page=True)
        said = page.evaluate(
            """() => [...document.querySelectorAll('.progress-text, .eta-bar, .error,'
                + ' [data-testid="status-tracker"]')]
                .map(e => e.innerText.trim()).filter(Boolean).join(' | ')"""
        )
        toasts = page.evaluate("window.toastsSeen ?? []")
        raise AssertionError(
            f"{selector} did not show in {JOB_TIMEOUT_MS // 1000} s; "
            f"the page said: {said or 'nothing'}; its toasts: {' | '.join(toasts) or 'none'}"
        ) from None


def download(page, selector: str, folder: Path) -> Path:
    with page.expect_download(timeout=JOB_TIMEOUT_MS) as info:
        page.click(selector)
    path = folder / info.value.suggested_filename
    info.value.save_as(path)
    return path


def plays(page, selector: str) -> bool:
    """The <video> under `selector` has decoded data and a duration."""
    page.wait_for_function(
        f"document.querySelector('{selector} video')?.readyState >= 2", timeout=30_000
    )
    return page.evaluate(f"document.querySelector('{selector} video').duration") > 0


def recording_plays(page, selector: str) -> bool:
    """The webcam recording under `selector` plays; when it does not, fail with what the server
    holds at its address (status and size), telling a broken recording from a lost file."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        return plays(page, selector)
    except PlaywrightTimeout:
        src = page.evaluate(f"document.querySelector('{selector} video').src")
        response = page.request.get(src)
        raise AssertionError(
            f"the recording at {src} does not play: the server answers {response.status} "
            f"with {len(response.body())} bytes; toasts: {page.evaluate('window.toastsSeen')}"
        ) from None


@pytest.fixture(autouse=True, scope="module")
def artifacts():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)


def drawn_3d(page, path: Path, seconds: float = 20) -> bool:
    """Whether the Model3D canvas shows a mesh: its screenshot is not one flat colour."""
    canvas = page.locator("#capture-3d canvas")
    canvas.scroll_into_view_if_needed()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        shot = Image.open(io.BytesIO(canvas.screenshot(path=path))).convert("L")
        pixels = np.asarray(shot)[40:-10, 10:-10]  # not the label and buttons drawn over it
        if (np.abs(pixels.astype(int) - int(np.median(pixels))) > 40).mean() > 0.01:
            return True
        time.sleep(0.5)
    return False


def test_animate_convert_download_compare_back(page, served_app, tiny_loader, tmp_path):
    page.click("#generate")
    page.get_by_text("no source image given").first.wait_for(timeout=30_000)
    page.get_by_test_id("toast-close").first.click()

    page.get_by_alt_text("Astronaut").first.click()
    page.wait_for_selector("#source-image img", timeout=30_000)
    page.get_by_role("tab", name="Clips").first.click()
    page.get_by_alt_text("short").first.click()
    page.wait_for_selector("#driving-video video", timeout=30_000)
    page.get_by_text("Centre square").click()
    page.get_by_text("Follow: the surroundings").click()
    page.screenshot(path=ARTIFACTS / "animate-gallery-folder.png", full_page=True)

    page.click("#generate")
    job_result(page, "#result-video video")
    assert plays(page, "#result-video")
    assert tiny_loader.choices[-1].scene == "follow"  # the Background control reached the model

    result = download(page, "#download", tmp_path)
    info = probe(result)
    assert info["frames"] == 12 and info["fps"] == Fraction(25) and info["audio_seconds"] > 0.4

    page.click("#convert")
    job_result(page, "#download-hd")
    full_hd = probe(download(page, "#download-hd", tmp_path))
    assert full_hd["size"] == (1920, 1080)
    assert full_hd["fps"] == Fraction(25) and full_hd["frames"] == 12
    assert abs(full_hd["audio_seconds"] - info["audio_seconds"]) < 0.05

    page.click("#compare")
    job_result(page, "#comparison-video video")
    assert plays(page, "#comparison-video")
    page.screenshot(path=ARTIFACTS / "result-tiny-model.png", full_page=True)

    page.click("#back")
    page.wait_for_selector("#generate", state="visible")
    assert page.is_visible("#source-image img") and page.is_visible("#driving-video video")
    assert page.is_checked("input[value='center']")
    assert page.external == []


def test_capture_tab_shows_3d_preview_and_downloads(page, served_app):
    app, _ = served_app
    before = set(app.store.sessions())
    page.get_by_role("tab", name="Capture").first.click()
    page.locator("img[alt='Carphone']:visible").first.click()
    page.wait_for_selector("#capture-video video", timeout=30_000)
    page.click("#capture")
    job_result(page, "#capture-3d canvas")
    assert plays(page, "#capture-overlay")
    assert page.locator("#capture-files a[download]").count() == 4
    listed = page.inner_text("#capture-files").replace("\n", "")
    for name in ("capture.csv", "capture.json", "capture.bvh", "capture.glb"):
        assert name in listed, listed
    page.get_by_text("frames at 29.97 fps").first.wait_for()
    assert drawn_3d(page, ARTIFACTS / "capture-3d.png"), "the 3D preview stays empty"
    page.screenshot(path=ARTIFACTS / "capture.png", full_page=True)
    assert page.external == []

    ours = set(app.store.sessions()) - before
    assert len(ours) == 1
    page.close()
    deadline = time.monotonic() + 30
    while ours & set(app.store.sessions()) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not ours & set(app.store.sessions()), "closing the page keeps its session folder"


def test_default_model_on_the_sample_portrait_and_clip(browser, default_app):
    """What a new user does first: astronaut + carphone with the embedded default model."""
    with open_page(browser, default_app[1]) as page:
        page.get_by_alt_text("Astronaut").first.click()
        page.wait_for_selector("#source-image img", timeout=30_000)
        page.locator("img[alt='Carphone']:visible").first.click()
        page.wait_for_selector("#driving-video video", timeout=30_000)
        page.screenshot(path=ARTIFACTS / "animate.png", full_page=True)
        page.click("#generate")
        page.get_by_text("frames/s").first.wait_for(timeout=JOB_TIMEOUT_MS)
        page.screenshot(path=ARTIFACTS / "progress.png")
        page.click("#cancel")
        page.get_by_text("Cancelled.").wait_for(timeout=10_000)
        assert page.is_visible("#generate") and not page.is_visible("#result-video")
        root, deadline = default_app[0].store.root, time.monotonic() + 10
        while [p for p in root.rglob("*") if "animation" in p.name] and time.monotonic() < deadline:
            time.sleep(0.2)  # the job stops at its next frame and removes its partial output
        assert not [p for p in root.rglob("*") if "animation" in p.name]

        started = time.perf_counter()
        page.click("#generate")
        job_result(page, "#result-video video")
        assert plays(page, "#result-video")
        seconds = time.perf_counter() - started
        (ARTIFACTS / "generate-seconds.txt").write_text(f"{seconds:.1f}\n")
        print(f"Generate -> result on carphone with the default model: {seconds:.1f} s")
        duration = page.evaluate("document.querySelector('#result-video video').duration")
        assert abs(duration - 4.0) < 0.2
        page.click("#compare")
        job_result(page, "#comparison-video video")
        assert plays(page, "#comparison-video")
        page.evaluate("document.querySelectorAll('video').forEach(v => { v.currentTime = 2; })")
        time.sleep(0.5)
        page.screenshot(path=ARTIFACTS / "result.png", full_page=True)
        assert page.external == []


def test_uncached_model_offers_a_download_that_fails_clearly_offline(
    browser, served_app, tmp_path, monkeypatch
):
    monkeypatch.setenv("FACEMOTION_HOME", str(tmp_path / "empty-cache"))
    monkeypatch.setenv("FACEMOTION_DOWNLOAD_API", "http://127.0.0.1:9/")
    with open_page(browser, served_app[1]) as page:
        assert not page.is_visible("text=Download model") and page.is_visible("#scene")
        page.click("#model input")
        page.get_by_role("option", name="vox: faces (VoxCeleb) (to be downloaded)").click()
        page.get_by_text("is not downloaded yet").wait_for(timeout=10_000)
        # FOMM refuses the landmark model's Background and Expression: they are hidden
        page.wait_for_selector("#scene", state="hidden", timeout=10_000)
        page.get_by_role("button", name="Download model").click()
        page.locator("[data-testid='toast-body']").first.wait_for(timeout=30_000)
        message = page.locator("[data-testid='toast-body']").first.inner_text()
        assert "could not reach 127.0.0.1:9" in message and "Traceback" not in message
        assert "copy vox-cpk.pth.tar into" in message  # what to do without a network
        assert page.external == []


def test_webcam_snapshot_and_recording_animate(playwright, served_app, tmp_path):
    """Chromium's fake camera and microphone stand in for a webcam: a snapshot as the source,
    a two-second recording (webm with sound) as the driving video."""
    fake_media = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + fake_media)
    try:
        with open_page(browser, served_app[1], COUNT_RECORDED) as page:
            page.locator("#source-image button[aria-label='Capture from camera']").click()
            page.locator("#source-image").get_by_text("Click to Access Webcam").click()
            page.locator("#driving-video button[aria-label='Capture from camera']").click()
            page.locator("#driving-video").get_by_text("Click to Access Webcam").click()
            page.locator("#driving-video button[aria-label='start recording']").click()
            page.wait_for_function("window.recordedBytes > 0", timeout=30_000)
            # Not time.sleep: Playwright's sync API handles the page's events only inside its
            # own calls, so the recorder's data would wait until after the Stop click.
            page.wait_for_timeout(2000)
            page.locator("#driving-video button", has_text="Stop").click()
            page.wait_for_selector("#driving-video video[src]", timeout=30_000)
            assert recording_plays(page, "#driving-video")
            page.locator("#source-image button[aria-label='capture photo']").click()
            page.wait_for_selector("#source-image img", timeout=30_000)
            page.get_by_text("Centre square").click()
            page.click("#generate")
            job_result(page, "#result-video video")
            assert plays(page, "#result-video")
            info = probe(download(page, "#download", tmp_path))
            # headless chromium's recorder keeps only a few frames of the fake camera
            assert info["frames"] >= 2 and info["size"] == (64, 64) and info["audio_seconds"] > 0
            assert page.external == []
    finally:
        browser.close()
