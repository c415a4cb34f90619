"""The Live tab: the browser's webcam streams to the server, the animated portrait and the
face's blendshapes stream back, frame by frame, as `facemotion live` computes them; with the
user's character, its pose too (web/character.py), which the page's viewer applies."""

from __future__ import annotations

import hashlib
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import gradio as gr
import numpy as np
from gradio.data_classes import FileData

from facemotion.assets import sample_path, samples
from facemotion.errors import InputError
from facemotion.landmarks.arkit import ARKIT_NAMES
from facemotion.solver.streaming import FrameSolution, StreamingSolver
from facemotion.web.character import POST_POSE_JS, LivePoses, viewer_html
from facemotion.web.options import ServeOptions
from facemotion.web.ui import session_id, user_errors

STREAM_EVERY_S = 0.05  # how often the browser sends a webcam frame, at most
MAX_SESSIONS = 4  # browsers streaming at once; the longest idle one is closed beyond this
IDLE_S = 120.0  # a session unused this long is closed
BAR_ROW_PX, BAR_WIDTH_PX, LABEL_WIDTH_PX = 9, 150, 130

INTRO = (
    "Allow the camera and start streaming: the portrait follows your face, and the bars show "
    "your 52 ARKit blendshapes. The first frame with a face is the reference: look at the "
    "camera with a neutral face when you start, or press Recalibrate. Add your own character "
    "(.glb, .gltf, .vrm) to see it move with you."
)


def blendshape_bars(weights: np.ndarray, names: tuple[str, ...] = ARKIT_NAMES) -> np.ndarray:
    """A bar chart of blendshape weights: (52,) in [0, 1] -> (H, W, 3) uint8 RGB image, one
    labelled row per name, two columns."""
    half = (len(names) + 1) // 2
    column = LABEL_WIDTH_PX + BAR_WIDTH_PX + 10
    image = np.full((half * BAR_ROW_PX + 4, 2 * column, 3), 255, np.uint8)
    for index, (name, value) in enumerate(zip(names, weights, strict=True)):
        x = (index // half) * column
        y = (index % half) * BAR_ROW_PX + 2
        cv2.putText(image, name, (x + 2, y + BAR_ROW_PX - 2), cv2.FONT_HERSHEY_PLAIN, 0.6,
                    (60, 60, 60), 1, cv2.LINE_AA)  # fmt: skip
        left = x + LABEL_WIDTH_PX
        cv2.rectangle(image, (left, y + 1), (left + BAR_WIDTH_PX, y + BAR_ROW_PX - 2),
                      (230, 230, 230), -1)  # fmt: skip
        length = int(round(float(np.clip(value, 0.0, 1.0)) * BAR_WIDTH_PX))
        if length:
            cv2.rectangle(image, (left, y + 1), (left + length, y + BAR_ROW_PX - 2),
                          (40, 110, 220), -1)  # fmt: skip
    return image


@dataclass
class LiveState:
    """One browser's stream: its tracker, solver and animated portrait."""

    tracker: object
    solver: StreamingSolver
    portrait: object | None
    portrait_path: str | None
    frame_size: tuple[int, int]
    started: float = field(default_factory=time.perf_counter)
    last_used: float = field(default_factory=time.perf_counter)
    frames: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def close(self) -> None:
        for part in (self.tracker, self.portrait):
            if part is not None and hasattr(part, "close"):
                part.close()


class LiveSessions:
    """The live state of each browser session; idle and surplus ones are closed."""

    def __init__(self, load_model: Callable[[str], object]) -> None:
        self.load_model = load_model
        self._states: dict[str, LiveState] = {}
        self._lock = threading.Lock()

    def _new_state(self, frame: np.ndarray, portrait_path: str | None) -> LiveState:
        from facemotion.landmarks import LandmarkTracker

        portrait = None
        if portrait_path:
            from facemotion.io.images import load_image
            from facemotion.live.portrait import LivePortrait

            portrait = LivePortrait(self.load_model("landmarks"), load_image(portrait_path))
        size = tuple(frame.shape[:2])
        return LiveState(LandmarkTracker(static=False), StreamingSolver(size), portrait,
                         portrait_path, size)  # fmt: skip

    def _state(self, key: str, frame: np.ndarray, portrait_path: str | None) -> LiveState:
        with self._lock:
            now = time.perf_counter()
            for other in [k for k, s in self._states.items() if now - s.last_used > IDLE_S]:
                self._states.pop(other).close()
            state = self._states.get(key)
            stale = state is not None and (
                state.portrait_path != portrait_path or state.frame_size != frame.shape[:2]
            )
            if stale:
                self._states.pop(key).close()
                state = None
            if state is None:
                while len(self._states) >= MAX_SESSIONS:
                    oldest = min(self._states, key=lambda k: self._states[k].last_used)
                    self._states.pop(oldest).close()
                state = self._new_state(frame, portrait_path)
                self._states[key] = state
            state.last_used = now
            return state

    def reset(self, key: str) -> None:
        with self._lock:
            state = self._states.pop(key, None)
        if state is not None:
            state.close()

    def close(self) -> None:
        with self._lock:
            states, self._states = list(self._states.values()), {}
        for state in states:
            state.close()

    def process(
        self, key: str, frame: np.ndarray, portrait_path: str | None
    ) -> tuple[np.ndarray | None, FrameSolution, str]:
        """One webcam frame (H, W, 3) uint8 RGB -> (animated portrait or None, the solved
        frame, a status line)."""
        started = time.perf_counter()
        state = self._state(key, frame, portrait_path)
        with state.lock:
            now_s = time.perf_counter() - state.started
            observation = state.tracker.observe(frame, now_s)
            solution = state.solver.step(observation, now_s)
            animated = None
            if state.portrait is not None:
                animated = state.portrait(frame, observation)
            state.frames += 1
            frames = state.frames
        face = "face tracked" if solution.detected else "no face: holding, then easing to neutral"
        status = f"frame {frames}: {face}, {1000 * (time.perf_counter() - started):.0f} ms"
        return animated, solution, status


def _sample_portraits() -> list[str]:
    return [str(sample_path(sample.name)) for sample in samples("image")]


def add_live_tab(
    options: ServeOptions,
    *,
    load_model: Callable[[str], object] | None = None,
    folder: Path | None = None,
) -> None:
    """Create the tab's components in the current Blocks. load_model(name): the animation
    model (default `facemotion.pipeline.load.load_model`), replaceable for tests. folder:
    where the /live_frame endpoint writes each session's latest animated frame (one file a
    session, replaced each frame; default: a new temporary folder)."""
    if load_model is None:
        from facemotion.pipeline.load import load_model as pipeline_load_model

        def load_model(name: str) -> object:  # the embedded model runs on the CPU
            return pipeline_load_model(name)

    sessions = LiveSessions(load_model)
    poses = LivePoses()
    portraits = _sample_portraits()
    gr.Markdown(INTRO)
    with gr.Row(equal_height=False):
        with gr.Column():
            webcam = gr.Image(
                label="Webcam",
                sources=["webcam"],
                streaming=True,
                type="numpy",
                height=300,
                elem_id="live-webcam",
            )
            recalibrate = gr.Button("Recalibrate", elem_id="live-recalibrate")
        with gr.Column():
            portrait = gr.Image(
                label="Portrait (pick a sample or upload)",
                sources=["upload"],
                type="filepath",
                value=portraits[0] if portraits else None,
                height=300,
                elem_id="live-portrait",
            )
            if portraits:
                gr.Examples([[path] for path in portraits], inputs=portrait, label="Samples")
            character = gr.File(
                label="Your character (optional): .glb, .gltf or .vrm, moving with your face",
                file_types=[".glb", ".gltf", ".vrm"],
                height=90,
                elem_id="live-character",
            )
        with gr.Column():
            animated = gr.Image(
                label="Animated portrait",
                interactive=False,
                format="jpeg",
                height=300,
                elem_id="live-animated",
            )
    character_view = gr.HTML("", elem_id="live-character-view")
    # The pose travels as JSON to the page, which hands it to the viewer (POST_POSE_JS).
    pose = gr.JSON(None, elem_id="live-character-pose", elem_classes=["facemotion-hidden"])
    bars = gr.Image(label="Blendshapes", interactive=False, format="png", elem_id="live-bars")
    status = gr.Markdown("", elem_id="live-status", min_height=30)

    def on_frame(frame, portrait_path, character_path, request: gr.Request):
        if frame is None:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        with user_errors():
            image, solution, text = sessions.process(
                session_id(request) or "default", np.asarray(frame), portrait_path
            )
            posed = gr.skip()
            if character_path:
                posed = poses.pose(character_path, solution.blendshapes, solution.rotation)
        return (image if image is not None else gr.skip(), blendshape_bars(solution.blendshapes),
                text, posed)  # fmt: skip

    def on_character(character_path) -> str:
        if not character_path:
            return ""
        with user_errors():
            poses.pose(character_path, np.zeros(len(ARKIT_NAMES)), np.eye(3))  # read it now
        return viewer_html(Path(character_path), live=True)

    def on_recalibrate(request: gr.Request) -> str:
        sessions.reset(session_id(request) or "default")
        return "recalibrating: the next frame with a face is the new reference"

    chosen_character = gr.State(None)  # session state: /live_frame keeps its two inputs
    character.change(on_character, character, character_view, api_visibility="private")
    character.change(lambda path: path, character, chosen_character, api_visibility="private")
    pose.change(None, pose, None, js=POST_POSE_JS % "#live-character-view")
    webcam.stream(
        on_frame,
        [webcam, portrait, chosen_character],
        [animated, bars, status, pose],
        stream_every=STREAM_EVERY_S,
        time_limit=None,
        concurrency_limit=MAX_SESSIONS,
        show_progress="hidden",
        api_name="live_stream",
        api_visibility="private",
    )
    recalibrate.click(on_recalibrate, None, status, api_visibility="private")
    add_live_frame_api(sessions, folder or Path(tempfile.mkdtemp(prefix="facemotion-live-")))


def add_live_frame_api(sessions: LiveSessions, folder: Path) -> None:
    """The /live_frame endpoint for API clients (gradio_client, HTTP): one frame a call. The
    webcam stream above is private: gradio_client cannot call a streaming event (it fails
    with KeyError 'process_streaming'), and its components' preprocessing would turn a file
    that is no image into Gradio's generic error rather than facemotion's one line."""
    folder.mkdir(parents=True, exist_ok=True)

    def live_frame(
        frame: FileData, portrait: FileData | None = None, request: gr.Request = None
    ) -> tuple[FileData | None, dict[str, float], str]:
        """One webcam frame (an image file) -> the animated portrait (a JPEG; None without a
        portrait), the 52 ARKit blendshapes by name, and a status line. portrait: the image
        to animate (none by default: blendshapes only). Frames of one client session are
        tracked together, the first with a face being the neutral reference."""
        from facemotion.io.images import load_image, save_image

        with user_errors():
            image = load_image(_upload_path(frame, "frame"))
            portrait_path = str(_upload_path(portrait, "portrait")) if portrait else None
            key = session_id(request) or "api"
            animated, solution, text = sessions.process(key, image, portrait_path)
            written = None
            if animated is not None:
                digest = hashlib.sha1(key.encode()).hexdigest()[:16]
                path = folder / f"live-{digest}.jpg"
                save_image(animated, path)
                written = FileData(path=str(path))
        weights = {name: round(float(value), 5) for name, value in
                   zip(ARKIT_NAMES, solution.blendshapes, strict=True)}  # fmt: skip
        return written, weights, text

    gr.api(live_frame, api_name="live_frame", concurrency_limit=MAX_SESSIONS)


def _upload_path(upload: FileData | dict, what: str) -> Path:
    """The server path of an uploaded file, as Gradio hands it to a gr.api function."""
    path = upload.get("path") if isinstance(upload, dict) else getattr(upload, "path", None)
    if not path:
        raise InputError(f"no {what} file given; send an image file")
    return Path(path)
