"""The Gradio Blocks app behind `facemotion serve`: Animate, Capture and Live tabs.

Nothing is fetched from the internet at run time: analytics are off, the theme's fonts ship
with Gradio, and released models are downloaded only from the Download button.
"""

from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import atexit  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

import gradio as gr  # noqa: E402
from gradio.processing_utils import hash_file  # noqa: E402
from gradio.utils import get_upload_folder  # noqa: E402
from gradio_client.utils import strip_invalid_filename_characters  # noqa: E402

from facemotion.assets import SAMPLES_DIR  # noqa: E402
from facemotion.web.animate_tab import add_animate_tab  # noqa: E402
from facemotion.web.capture_tab import add_capture_tab  # noqa: E402
from facemotion.web.character import STATIC_DIR  # noqa: E402
from facemotion.web.galleries import folder_galleries, merge, sample_galleries  # noqa: E402
from facemotion.web.handlers import Jobs, ModelLoader, pipeline_loader  # noqa: E402
from facemotion.web.options import ServeOptions  # noqa: E402
from facemotion.web.sessions import SessionStore  # noqa: E402
from facemotion.web.ui import session_id  # noqa: E402

__all__ = ["ServeOptions", "WebApp", "build_app", "launch", "serve"]

TITLE = "facemotion"
INTRO = (
    "# facemotion\n"
    "Animate a portrait with a driving video, or capture a face's motion as ARKit blendshapes "
    "and head pose. Everything runs on this machine."
)
CSS = (
    ".facemotion-gallery img { cursor: pointer; } .facemotion-hidden { display: none !important; }"
)


@dataclass
class WebApp:
    """The built app: its Blocks, the jobs behind it and the session folders it writes to."""

    blocks: gr.Blocks
    jobs: Jobs
    store: SessionStore
    allowed_paths: list[str]
    options: ServeOptions


def build_app(options: ServeOptions, *, load_model: ModelLoader = pipeline_loader) -> WebApp:
    """Build the Blocks (not launched); `load_model(name, device)` is replaceable for tests."""
    # Gradio's upload folder (GRADIO_TEMP_DIR; `facemotion serve` points it at a folder of its
    # own), where it also keeps copies of the results it serves.
    uploads = Path(get_upload_folder())
    store = SessionStore(uploads=uploads, cached_copy=_gradio_copy(uploads))
    jobs = Jobs(options, store, load_model)
    thumbnails = store.root / "thumbnails"
    images = sample_galleries("image", thumbnails)
    videos = sample_galleries("video", thumbnails)
    allowed = [str(SAMPLES_DIR), str(store.root), str(STATIC_DIR)]
    if options.gallery is not None:
        images = merge(images, folder_galleries(options.gallery, "image", thumbnails))
        videos = merge(videos, folder_galleries(options.gallery, "video", thumbnails))
        allowed.append(str(options.gallery.resolve()))
    # A session that uploads a sample (or picks one: Gradio copies it to the same place) must
    # not take the copy every other page shows and picks with it when it ends.
    store.keep(
        *(
            store.cached_copy(path)
            for galleries in (images, videos)
            for items in galleries.values()
            for item in items
            for path in (item.path, item.thumbnail)
        )
    )
    with gr.Blocks(title=TITLE, delete_cache=(1800, 3600)) as blocks:
        gr.Markdown(INTRO)
        with gr.Tabs():
            with gr.Tab("Animate", id="animate"):
                animate = add_animate_tab(jobs, images, videos, options.concurrency)
            with gr.Tab("Capture", id="capture"):
                add_capture_tab(jobs, videos, options.concurrency)
            with gr.Tab("Live", id="live"):
                add_live(options, store.root / "live")
        refresh, refresh_inputs, refresh_outputs = animate["refresh"]
        blocks.load(refresh, refresh_inputs, refresh_outputs, api_visibility="private")

        def end_session(request: gr.Request) -> None:
            store.release(session_id(request))

        blocks.unload(end_session)
    return WebApp(blocks, jobs, store, allowed, options)


def _gradio_copy(uploads: Path) -> Callable[[Path], Path]:
    """Where Gradio keeps its copy of a result it served: `uploads/<content hash>/<name>`, as
    gradio.processing_utils.save_file_to_cache names it (in this process: the hash is seeded
    per process). A session's copies are removed with it; tests/web/test_cleanup.py checks
    that this still finds them."""

    def copy(path: Path) -> Path:
        return uploads / hash_file(path) / strip_invalid_filename_characters(path.name)

    return copy


def add_live(options: ServeOptions, folder: Path) -> None:
    """The Live tab (facemotion.web.live_tab); `folder`: where its API writes frames."""
    from facemotion.web.live_tab import add_live_tab

    add_live_tab(options, folder=folder)


def launch(app: WebApp, *, block: bool = True) -> None:
    """Start serving `app`; with `block`, wait until a stop signal (which raises
    KeyboardInterrupt and closes the server). Gradio's own banner stays off: its hints name
    `launch()` arguments, not facemotion's flags (the CLI prints its own), and its own wait
    swallows Ctrl-C, which would make `serve` exit 0 instead of 130 / 143."""
    options = app.options
    # A full queue refuses new jobs at once (Gradio says "Queue is full"), rather than letting
    # a crowd wait without end.
    app.blocks.queue(default_concurrency_limit=options.concurrency, max_size=options.max_queue)
    app.blocks.launch(
        server_name=options.host,
        server_port=options.port,
        share=options.share,
        max_file_size=int(options.max_upload_mb * 1_000_000),
        allowed_paths=app.allowed_paths,
        show_error=False,
        quiet=True,
        prevent_thread_lock=True,
        inbrowser=False,
        ssr_mode=False,
        pwa=False,
        mcp_server=False,
        footer_links=["api", "settings"],
        css=CSS,
    )
    if block:
        wait_until_stopped(app)


def serve(options: ServeOptions, ready: Callable[[WebApp], None] = lambda app: None) -> None:
    """`facemotion serve`: build, serve until a stop signal (KeyboardInterrupt, raised on), then
    remove every session folder. `ready(app)` runs once the server listens (the banner)."""
    from facemotion.web.address import address_error

    app = build_app(options)
    atexit.register(app.store.close)
    # Idle API sessions (which never close a page) go within a tenth of their time to live.
    app.store.sweep_every(app.store.max_idle_s / 10)
    try:
        try:
            launch(app, block=False)
        except OSError as exc:  # taken between the check and the start
            raise address_error(options.host, options.port, exc) from exc
        ready(app)
        wait_until_stopped(app)
    finally:
        app.store.close()


def wait_until_stopped(app: WebApp) -> None:
    """Block until the server stops or a stop signal arrives; close the server either way."""
    try:
        while app.blocks.is_running:
            time.sleep(0.1)
    finally:
        app.blocks.close(verbose=False)
