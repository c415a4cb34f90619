"""What the web app does, as plain methods on file paths and options; the tabs only wire them.

Every method raises FacemotionError subclasses with a one-line message; the UI layer shows that
line to the user. Output files get generated names inside the caller's session folder.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from facemotion.errors import InputError, Interrupted, ModelError
from facemotion.export.registry import FORMATS
from facemotion.models.base import AnimationModel
from facemotion.models.registry import DEFAULT_MODEL, FOMM, MODELS
from facemotion.pipeline.options import AnimateOptions, ModelOptions
from facemotion.web.options import ServeOptions
from facemotion.web.sessions import SessionStore

FrameCallback = Callable[[int, int | None], None]
ModelLoader = Callable[[ModelOptions], AnimationModel]


def pipeline_loader(choice: ModelOptions) -> AnimationModel:
    """Load with the pipeline, never downloading: that is the Download button's job (a
    missing checkpoint raises ModelNotDownloaded, which the UI words as that button)."""
    from facemotion.pipeline.load import load_model

    return load_model(choice, download=False)


@dataclass(frozen=True)
class CaptureFiles:
    """What a capture wrote: the previews and the downloads (csv, json, bvh, glb, and the
    animated character with its .vrma when one was given)."""

    overlay: Path
    plots: Path
    glb: Path
    downloads: list[Path]
    summary: str
    character: Path | None = None
    character_animation: Path | None = None


def progress_text(what: str, done: int, total: int | None, seconds: float) -> str:
    """One line: 'animate: 40/120 frames, 12.5 frames/s, 6 s left' (no total: no time left)."""
    rate = done / seconds if seconds > 0 else 0.0
    text = f"{what}: {done}/{total if total else '?'} frames, {rate:.1f} frames/s"
    if total and rate > 0:
        text += f", {max(0.0, (total - done) / rate):.0f} s left"
    return text


class FrameProgress:
    """An on_frame(done, total) callback: reports progress and stops the job when cancelled."""

    def __init__(
        self,
        what: str,
        cancel: threading.Event,
        report: Callable[[int, int | None, str], None] | None = None,
    ):
        self.what, self.cancel, self.report = what, cancel, report
        self.started = time.perf_counter()

    def __call__(self, done: int, total: int | None) -> None:
        if self.cancel.is_set():
            raise Interrupted(f"{self.what} cancelled; nothing was written")
        if self.report is not None:
            seconds = time.perf_counter() - self.started
            self.report(done, total, progress_text(self.what, done, total, seconds))


class Jobs:
    """The app's jobs for one server: models, limits and the session folders they write to."""

    def __init__(
        self,
        options: ServeOptions,
        store: SessionStore,
        load_model: ModelLoader = pipeline_loader,
    ):
        self.options, self.store, self._load_model = options, store, load_model
        self._models: dict[ModelOptions, AnimationModel] = {}
        self._model_lock = threading.Lock()

    # models -----------------------------------------------------------------------------

    def model_names(self) -> list[str]:
        return list(MODELS)

    def is_cached(self, name: str) -> bool:
        """True for embedded models and for released models whose checkpoint is cached."""
        if MODELS[name].embedded:
            return True
        from facemotion.models.download import cached_checkpoint_path

        return cached_checkpoint_path(name).is_file()

    def model_label(self, name: str) -> str:
        """The dropdown text: what the model animates and whether it is cached."""
        entry = MODELS[name]
        if entry.embedded:
            return f"{name}: {entry.description}"
        state = "cached" if self.is_cached(name) else "to be downloaded"
        return f"{name}: {entry.description} ({state})"

    def model_choices(self) -> list[tuple[str, str]]:
        return [(self.model_label(name), name) for name in self.model_names()]

    def animate_options(
        self,
        model: str = DEFAULT_MODEL,
        relative: bool = True,
        adapt_scale: bool = True,
        find_best_frame: bool = False,
        crop: str = "auto",
        paste_back: bool = False,
        expression: str = "retarget",
        scene: str = "still",
    ) -> AnimateOptions:
        """The Animate tab's controls as the job's options (defaults: the FOMM demo's). The
        server's device goes to FOMM models, the Expression and Background (`scene`) controls
        to the landmark model (the tab shows each only where it applies; an API caller's
        expression and scene are not sent to a FOMM model, which would refuse them)."""
        if model not in self.model_names():
            raise ModelError(f"unknown model '{model}'; choose one from the list")
        if MODELS[model].kind == FOMM:
            choice = ModelOptions(name=model, device=self.options.device)
        else:
            choice = ModelOptions(name=model, expression=expression, scene=scene)
        return AnimateOptions(
            model=choice,
            relative=relative,
            adapt_scale=adapt_scale,
            find_best_frame=find_best_frame,
            crop=crop,
            paste_back=paste_back,
        )

    def model(self, choice: ModelOptions) -> AnimationModel:
        """The model `choice`, loaded once and kept while it is the one in use."""
        if choice.name not in self.model_names():
            raise ModelError(f"unknown model '{choice.name}'; choose one from the list")
        with self._model_lock:
            if choice not in self._models:
                self._models.clear()  # one model in memory at a time
                self._models[choice] = self._load_model(choice)
            return self._models[choice]

    def download_model(self, name: str) -> Path:
        """Download a released checkpoint into the cache (tqdm progress); its path."""
        from facemotion.models.download import download_checkpoint

        if name not in self.model_names():
            raise ModelError(f"unknown model '{name}'; choose one from the list")
        if MODELS[name].embedded:
            raise InputError(f"the {name} model is embedded; there is nothing to download")
        return download_checkpoint(name, progress=True)

    # limits -----------------------------------------------------------------------------

    def check_file(self, path: str | Path | None, what: str) -> Path:
        """The upload's path, refusing a missing file or one over the size limit."""
        if not path:
            raise InputError(f"no {what} given; pick one from the gallery or upload one")
        path = Path(path)
        if not path.is_file():
            raise InputError(f"the {what} is no longer on the server; upload it again")
        megabytes = path.stat().st_size / 1e6
        if megabytes > self.options.max_upload_mb:
            raise InputError(
                f"the {what} is {megabytes:.0f} MB; the limit is {self.options.max_upload_mb:g} MB "
                "(facemotion serve --max-upload-mb)"
            )
        return path

    def check_total(self, *paths: Path) -> None:
        """Refuse a request whose files together pass the upload limit (each alone may not)."""
        megabytes = sum(path.stat().st_size for path in paths) / 1e6
        if megabytes > self.options.max_upload_mb:
            raise InputError(
                f"the {len(paths)} files of this request are {megabytes:.0f} MB together; the "
                f"limit is {self.options.max_upload_mb:g} MB (facemotion serve --max-upload-mb)"
            )

    def check_video(self, path: str | Path | None, what: str) -> tuple[Path, int | None]:
        """As check_file, and refuse unreadable videos and ones over the duration limit;
        the path and the frame count (None when unknown)."""
        from facemotion.io.video import VideoReader, count_frames

        path = self.check_file(path, what)
        with VideoReader(path) as reader:
            fps, duration = reader.fps, reader.duration
        # frames are counted, never taken from the container: a raw .h264 stream has no
        # duration, and a header can say anything
        limit = int(self.options.max_seconds * (fps or 30)) + 1
        counted = count_frames(path, stop_after=limit)
        seconds = max(duration or 0.0, counted / (fps or 30))
        if counted > limit or seconds > self.options.max_seconds:
            raise InputError(
                f"the {what} is {'over ' if counted > limit else ''}{seconds:.0f} s long; the "
                f"limit is {self.options.max_seconds:g} s (facemotion serve --max-seconds): "
                "trim it first"
            )
        return path, counted

    # jobs -------------------------------------------------------------------------------

    def animate(
        self,
        session: str | None,
        source: str | Path | None,
        driving: str | Path | None,
        options: AnimateOptions,
        on_frame: FrameCallback | None = None,
    ) -> Path:
        """Animate `source` with `driving` into a new mp4 in the session folder; its path."""
        from facemotion.io.images import load_image
        from facemotion.pipeline.animate import animate_video

        self.store.adopt(session, source, driving)
        source_path = self.check_file(source, "source image")
        driving_path, frames = self.check_video(driving, "driving video")
        self.check_total(source_path, driving_path)
        load_image(source_path)  # refuse a file that is not an image before loading the model
        model = self.model(options.model)
        output = self.store.new_path(session, "animation", ".mp4")
        animate_video(
            model, source_path, driving_path, output, options, progress=False, on_frame=on_frame
        )
        return output

    def convert(
        self, session: str | None, result: str | Path | None, on_frame: FrameCallback | None = None
    ) -> Path:
        """The result at 1920x1080 (Lanczos, centred on black), same fps and audio."""
        from facemotion.web.convert import convert_to_full_hd

        result_path = self.check_file(result, "animation")
        output = self.store.new_path(session, "animation-1920x1080", ".mp4")
        return convert_to_full_hd(result_path, output, on_frame=on_frame)

    def compare(
        self,
        session: str | None,
        source: str | Path | None,
        driving: str | Path | None,
        result: str | Path | None,
        on_frame: FrameCallback | None = None,
    ) -> Path:
        """One video: source still | driving | result, in sync, with the result's audio."""
        from facemotion.io.images import load_image
        from facemotion.web.compare import side_by_side

        self.store.adopt(session, source, driving)
        source_path = self.check_file(source, "source image")
        driving_path = self.check_file(driving, "driving video")
        result_path = self.check_file(result, "animation")
        self.check_total(source_path, driving_path, result_path)
        image = load_image(source_path)
        output = self.store.new_path(session, "comparison", ".mp4")
        return side_by_side(image, driving_path, result_path, output, on_frame=on_frame)

    def capture(
        self, session: str | None, video: str | Path | None, character: str | Path | None = None
    ) -> CaptureFiles:
        """Capture the face in `video`; overlay, plots and CSV/JSON/BVH/glb in a new folder,
        and with a `character` (.glb, .gltf, .vrm) that character animated (docs/characters.md)."""
        from facemotion.pipeline.capture import IMAGE_SUFFIXES, capture
        from facemotion.pipeline.retarget import check_character

        self.store.adopt(session, video, character)
        video_path = self.check_file(video, "capture video")
        if video_path.suffix.lower() in IMAGE_SUFFIXES:  # a still, as `facemotion capture` takes
            from facemotion.io.images import load_image

            load_image(video_path)  # one line for a file that is not an image
        else:
            video_path, _ = self.check_video(video, "capture video")
        character_path = None
        if character:
            character_path = check_character(self.check_file(character, "character"))
        result = capture(video_path, progress=True)
        folder = self.store.new_folder(session, "capture")
        paths = result.save(folder, stem="capture", onto=character_path)
        written = {path.name: path for path in paths}

        def output(name: str) -> Path:
            if name == "overlay" and "capture_overlay.png" in written:  # a still's overlay
                return written["capture_overlay.png"]
            return written[f"capture{FORMATS[name].suffix}"]

        downloads = [output(name) for name in ("csv", "json", "bvh", "glb")]
        summary, animated = result.summary, paths[len(FORMATS) :]
        if character_path is not None:
            downloads += animated
            summary += f". {character_path.name}: {result.character_summary}"
        return CaptureFiles(
            overlay=output("overlay"),
            plots=output("plots"),
            glb=output("glb"),
            downloads=downloads,
            summary=summary,
            character=animated[0] if animated else None,
            character_animation=animated[1] if len(animated) > 1 else None,
        )
