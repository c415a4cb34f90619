"""The Animate tab: source and driving galleries, model, options, Generate, and the result view
(Download, Convert to 1920x1080, side-by-side comparison, Back)."""

from __future__ import annotations

import gradio as gr

from facemotion.models.registry import DEFAULT_MODEL, FOMM, MODELS
from facemotion.web.galleries import Galleries
from facemotion.web.handlers import FrameProgress, Jobs
from facemotion.web.ui import frame_reporter, session_id, user_errors, with_one_line_errors

RELATIVE_INFO = (
    "Move the source as the video moves from its first frame, keeping the source's own face "
    "shape and proportions. Off: copy the video's absolute pose."
)
ADAPT_INFO = (
    "Scale the movement by the size of the face in the source compared with the video. "
    "Leave it on unless you know why you need it off."
)
BEST_FRAME_INFO = (
    "Start from the video frame whose face pose is closest to the source (slower; needs a "
    "face in both)."
)
CROP_CHOICES = [("Auto: a square around the face", "auto"), ("Centre square", "center")]
EXPRESSION_CHOICES = [
    ("Retarget: mouth and eyes open as far as the video's", "retarget"),
    ("Relative: mouth and eyes move as the video's move from its first frame", "relative"),
]
EXPRESSION_INFO = "How the embedded landmark model moves the mouth and eyes."
SCENE_CHOICES = [
    ("Still: the person moves, the photo's scene behind stays as it is", "still"),
    ("Follow: the surroundings move with the driving video's motion", "follow"),
]
# the words of `facemotion animate --scene`'s help
SCENE_INFO = (
    "Landmark model: still (default) moves the person and keeps the photo's scene behind as it "
    "is; follow moves the surroundings with the driving video's motion."
)
PASTE_INFO = "Blend the animated square back into the whole source image."
LIGHT = {"concurrency_limit": None, "api_visibility": "private"}


def gallery_tabs(galleries: Galleries, target: gr.components.Component, label: str) -> None:
    """One tab per category; clicking a picture puts its file into `target`."""
    if not galleries:
        return
    with gr.Tabs():
        for category, items in galleries.items():
            with gr.Tab(category):
                gallery = gr.Gallery(
                    value=[(str(item.thumbnail), item.title) for item in items],
                    label=f"{label}: {category}",
                    show_label=False,
                    columns=4,
                    fit_columns=False,
                    height=200,
                    allow_preview=False,
                    buttons=[],
                    interactive=False,
                    object_fit="cover",
                    elem_classes=["facemotion-gallery"],
                )
                paths = [str(item.path) for item in items]

                def pick(evt: gr.SelectData, paths: list[str] = paths) -> str:
                    return paths[evt.index]

                gallery.select(pick, None, target, queue=False, **LIGHT)


def model_info(jobs: Jobs, name: str) -> tuple[str, dict, dict]:
    """The line under the model dropdown, the Download button's visibility and that of the
    landmark model's own controls (Expression, Background), which FOMM models refuse."""
    if MODELS[name].embedded:
        text = f"Embedded {name} model: {MODELS[name].description}; no download."
    elif jobs.is_cached(name):
        text = f"**{name}** is cached and ready."
    else:
        text = (
            f"**{name}** is not downloaded yet. Press *Download model* (needs the internet) or "
            f"run `facemotion download {name}`."
        )
    return (
        text,
        gr.update(visible=not jobs.is_cached(name)),
        gr.update(visible=MODELS[name].kind != FOMM),
    )


def add_animate_tab(jobs: Jobs, images: Galleries, videos: Galleries, concurrency: int) -> dict:
    """Create the tab's components in the current Blocks; the named ones, for tests."""
    heavy = {"concurrency_limit": concurrency, "concurrency_id": "jobs"}
    job = gr.State(None)  # {"result", "source", "driving"}: server-side paths of the last run
    with gr.Column(visible=True) as inputs_view:
        with gr.Row(equal_height=False):
            with gr.Column():
                gr.Markdown("### Source image")
                source = with_one_line_errors(
                    gr.Image(
                        label="Source image",
                        type="filepath",
                        sources=["upload", "webcam", "clipboard"],
                        height=300,
                        elem_id="source-image",
                    )
                )
                gallery_tabs(images, source, "Source images")
            with gr.Column():
                gr.Markdown("### Driving video")
                driving = gr.Video(
                    label="Driving video",
                    sources=["upload", "webcam"],
                    include_audio=True,
                    height=300,
                    elem_id="driving-video",
                )
                gallery_tabs(videos, driving, "Driving videos")
        with gr.Row(equal_height=True):
            model = gr.Dropdown(
                choices=jobs.model_choices(),
                value=DEFAULT_MODEL,
                label="Model",
                scale=3,
                elem_id="model",
            )
            with gr.Column(scale=2):
                info_text, _, _ = model_info(jobs, DEFAULT_MODEL)
                info = gr.Markdown(info_text)
                download_model = gr.Button("Download model", visible=False, size="sm")
        with gr.Row():
            relative = gr.Checkbox(True, label="Relative keypoint displacement", info=RELATIVE_INFO)
            adapt = gr.Checkbox(True, label="Adapt movement scale", info=ADAPT_INFO)
            best = gr.Checkbox(False, label="Find best frame", info=BEST_FRAME_INFO)
        with gr.Row():
            crop = gr.Radio(CROP_CHOICES, value="auto", label="Crop", info="The square animated")
            paste = gr.Checkbox(False, label="Paste back", info=PASTE_INFO)
        with gr.Row(visible=MODELS[DEFAULT_MODEL].kind != FOMM) as landmark_controls:
            expression = gr.Radio(
                EXPRESSION_CHOICES, value="retarget", label="Expression", info=EXPRESSION_INFO
            )
            scene = gr.Radio(
                SCENE_CHOICES, value="still", label="Background", info=SCENE_INFO, elem_id="scene"
            )
        with gr.Row():
            generate = gr.Button("Generate", variant="primary", elem_id="generate")
            cancel = gr.Button("Cancel", variant="stop", elem_id="cancel")
        status = gr.Markdown("", elem_id="animate-status", min_height=40)
    with gr.Column(visible=False) as result_view:
        result = gr.Video(
            label="Animation", interactive=False, autoplay=True, height=480, elem_id="result-video"
        )
        with gr.Row():
            download = gr.DownloadButton("Download", variant="primary", elem_id="download")
            convert = gr.Button("Convert to 1920x1080", elem_id="convert")
            compare = gr.Button("Compare side by side", elem_id="compare")
            back = gr.Button("Back", elem_id="back")
        full_hd = gr.DownloadButton(
            "Download 1920x1080", visible=False, variant="primary", elem_id="download-hd"
        )
        comparison = gr.Video(
            label="Source | driving | result",
            visible=False,
            interactive=False,
            elem_id="comparison-video",
        )

    def on_model(name: str):
        return model_info(jobs, name)

    def on_download(name: str, progress=gr.Progress(track_tqdm=True)):  # noqa: B008
        with user_errors():
            jobs.download_model(name)
        text, button, _ = model_info(jobs, name)
        return gr.update(choices=jobs.model_choices(), value=name), text, button

    def refresh_models(name: str):
        return gr.update(choices=jobs.model_choices(), value=name), *model_info(jobs, name)

    def on_generate(
        source_path, driving_path, name, relative_on, adapt_on, best_on, crop_mode, paste_on,
        expression_mode, scene_mode, request: gr.Request, progress=gr.Progress(),  # noqa: B008
    ):  # fmt: skip
        session = session_id(request)
        progress(0, desc=f"loading {name}")
        with user_errors(), jobs.store.job(session) as cancel_flag:
            options = jobs.animate_options(
                name, relative_on, adapt_on, best_on, crop_mode, paste_on, expression_mode,
                scene_mode,
            )  # fmt: skip
            on_frame = FrameProgress("animate", cancel_flag, frame_reporter(progress))
            path = jobs.animate(session, source_path, driving_path, options, on_frame)
        state = {"result": str(path), "source": source_path, "driving": driving_path}
        return str(path), state

    def show_result(state: dict):
        return (
            gr.update(visible=False),
            gr.update(visible=True),
            gr.update(value=state["result"]),
            gr.update(visible=False, value=None),
            gr.update(visible=False, value=None),
            "",
        )

    def on_convert(state: dict | None, request: gr.Request, progress=gr.Progress()):  # noqa: B008
        session = session_id(request)
        with user_errors(), jobs.store.job(session) as flag:
            on_frame = FrameProgress("convert", flag, frame_reporter(progress))
            path = jobs.convert(session, (state or {}).get("result"), on_frame)
        return gr.update(value=str(path), visible=True)

    def on_compare(state: dict | None, request: gr.Request, progress=gr.Progress()):  # noqa: B008
        session = session_id(request)
        state = state or {}
        with user_errors(), jobs.store.job(session) as flag:
            on_frame = FrameProgress("compare", flag, frame_reporter(progress))
            path = jobs.compare(
                session, state.get("source"), state.get("driving"), state.get("result"), on_frame
            )
        return gr.update(value=str(path), visible=True)

    def on_cancel(request: gr.Request):
        jobs.store.cancel(session_id(request))
        return "Cancelled."

    def on_back():
        return gr.update(visible=True), gr.update(visible=False)

    model.change(on_model, model, [info, download_model, landmark_controls], **LIGHT)
    download_model.click(
        on_download, model, [model, info, download_model], api_visibility="private", **heavy
    )
    # API callers pass these by position: new inputs go at the end (docs/web.md)
    inputs = [source, driving, model, relative, adapt, best, crop, paste, expression, scene]
    generate_event = generate.click(
        on_generate, inputs, [result, job], api_name="animate", show_progress_on=[status], **heavy
    )
    generate_event.success(
        show_result, job, [inputs_view, result_view, download, full_hd, comparison, status], **LIGHT
    )
    cancel.click(on_cancel, None, status, cancels=[generate_event], **LIGHT)
    convert.click(on_convert, job, full_hd, api_visibility="private", **heavy)
    compare.click(on_compare, job, comparison, api_visibility="private", **heavy)
    back.click(on_back, None, [inputs_view, result_view], queue=False, **LIGHT)
    return {
        "refresh": (refresh_models, [model], [model, info, download_model, landmark_controls]),
        "source": source,
        "driving": driving,
        "result": result,
    }
