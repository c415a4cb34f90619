"""The Capture tab: a video (and optionally the user's character) in; overlay, plots, a 3D
preview, the character animated in the browser and CSV/JSON/BVH/glb (and character) out."""

from __future__ import annotations

import gradio as gr

from facemotion.web.animate_tab import gallery_tabs
from facemotion.web.character import viewer_html
from facemotion.web.galleries import Galleries
from facemotion.web.handlers import Jobs
from facemotion.web.ui import session_id, user_errors


def add_capture_tab(jobs: Jobs, videos: Galleries, concurrency: int) -> None:
    """Create the tab's components in the current Blocks."""
    with gr.Row(equal_height=False):
        with gr.Column():
            video = gr.Video(
                label="Video of a face",
                sources=["upload", "webcam"],
                include_audio=True,
                height=300,
                elem_id="capture-video",
            )
            gallery_tabs(videos, video, "Sample videos")
            character = gr.File(
                label="Your character (optional): .glb, .gltf or .vrm, animated with the capture",
                file_types=[".glb", ".gltf", ".vrm"],
                height=90,
                elem_id="capture-character",
            )
            run = gr.Button("Capture", variant="primary", elem_id="capture")
            summary = gr.Markdown("", elem_id="capture-summary", min_height=40)
        with gr.Column():
            overlay = gr.Video(
                label="Landmarks, head pose and blendshapes",
                interactive=False,
                elem_id="capture-overlay",
            )
            model3d = gr.Model3D(
                label="Animated head (glTF)",
                height=360,
                clear_color=(0.16, 0.17, 0.2, 1.0),
                elem_id="capture-3d",
            )
    character_view = gr.HTML("", elem_id="capture-character-view")
    # The character file is the endpoint's second, optional input (API clients may leave it
    # out). It once went through session state set by the file's change event, which a click
    # on Capture right after the upload could overtake: the character was then left out.
    character_page = gr.State("")
    plots = gr.Image(
        label="Head pose and blendshapes over time", type="filepath", interactive=False
    )
    files = gr.File(
        label="Downloads: Live Link Face CSV, JSON, BVH, glTF binary (and your animated character)",
        file_count="multiple",
        interactive=False,
        elem_id="capture-files",
    )

    def on_capture(
        path,
        character_file=None,  # a default: API clients may leave the character out
        request: gr.Request = None,  # given by Gradio
        progress=gr.Progress(track_tqdm=True),  # noqa: B008
    ):
        with user_errors():
            result = jobs.capture(session_id(request), path, character_file)
        view = ""
        if result.character is not None:
            view = viewer_html(result.character, result.character_animation)
        # a still image's overlay is a picture: shown where the plots go (a one-frame video
        # would play nothing)
        still = result.overlay.suffix == ".png"
        return (
            None if still else str(result.overlay),
            str(result.overlay if still else result.plots),
            str(result.glb),
            [str(p) for p in result.downloads],
            result.summary,
            view,
        )

    run.click(
        on_capture,
        [video, character],
        [overlay, plots, model3d, files, summary, character_page],
        api_name="capture",
        show_progress_on=[summary],
        concurrency_limit=concurrency,
        concurrency_id="jobs",
    ).then(lambda page: page, character_page, character_view, api_visibility="private")
