"""The animation job: a still image and a driving video (or frames) in, frames or a file out."""

from __future__ import annotations

import itertools
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from facemotion.errors import InputError, NoFaceError, Remedy
from facemotion.io.images import (
    Box,
    as_float_image,
    as_uint8_image,
    center_box,
    crop_to_box,
    load_image,
    resize_square,
)
from facemotion.models.base import AnimationModel, PassReport
from facemotion.pipeline.options import AnimateOptions, build

FrameCallback = Callable[[int, int | None], None]  # (frames done, total or None)


@dataclass(frozen=True)
class AnimationReport:
    """What `animate_video` wrote and how long it took."""

    output: Path
    frames: int
    fps: float
    seconds: float
    best_frame: int
    size: tuple[int, int]
    has_audio: bool
    lost_frames: int = 0  # driving frames without a face (the landmark model held the last pose)
    crop_box: Box | None = None  # the square of the source that was animated: x0, y0, side
    variable_rate: bool = False  # the driving video's uneven frame times were kept (fps: mean)
    replaced: bool = False  # an existing output (another run's, maybe) was replaced

    @property
    def frames_per_second(self) -> float:
        return self.frames / self.seconds if self.seconds > 0 else float("inf")


def fit_frame(image: np.ndarray, size: int | None, box: Box | None = None) -> np.ndarray:
    """A model input (S, S, 3) float32 in [0, 1] from an (H, W, 3) uint8 or float image.

    Float32 arrays already (S, S, 3) pass through untouched, so numeric results equal the
    reference function; others are cropped to `box` (default: the centred square) and resized
    with Lanczos. `size` None keeps the crop's own resolution.
    """
    if image.dtype == np.float32 and image.ndim == 3 and image.shape == (size, size, 3):
        return image
    image = as_float_image(image)
    crop = crop_to_box(image, box or center_box(*image.shape[:2]))
    if size is not None and crop.shape[0] != size:
        crop = resize_square(crop, size)
    return np.ascontiguousarray(crop, dtype=np.float32)


def _read_source(source: str | Path | np.ndarray) -> np.ndarray:
    return load_image(source) if isinstance(source, str | Path) else np.asarray(source)


def _driving_frames(driving: str | Path | Iterable[np.ndarray]) -> Iterator[np.ndarray]:
    if isinstance(driving, str | Path):
        from facemotion.io.video import VideoReader

        with VideoReader(driving) as reader:
            yield from reader
    else:
        yield from driving


def animate_with_reference(
    model: AnimationModel,
    source: np.ndarray,
    driving: Iterable[np.ndarray],
    *,
    relative: bool = True,
    adapt_scale: bool = True,
    best_frame: int = 0,
    on_pass: Callable[[PassReport | None], None] | None = None,
) -> Iterator[np.ndarray]:
    """Animate with driving frame `best_frame` as the relative reference.

    Frames best_frame..0 are animated backwards and frames best_frame..end forwards, each with
    its first frame as reference, then stitched in order. Holds frames 0..best_frame in memory
    (they are needed in reverse); everything after streams. on_pass: called with the model's
    `last_report` as each (one, or two with a best frame) pass ends.
    """
    frames = iter(driving)
    options = {"relative": relative, "adapt_scale": adapt_scale}

    def run_pass(driving_pass: Iterable[np.ndarray]) -> Iterator[np.ndarray]:
        try:
            yield from model.animate(source, driving_pass, **options)
        finally:
            if on_pass is not None:
                on_pass(model.last_report)

    if best_frame <= 0:
        yield from run_pass(frames)
        return
    head = list(itertools.islice(frames, best_frame + 1))
    if len(head) <= best_frame:
        raise InputError(
            f"best_frame {best_frame} is past the end of the driving video ({len(head)} frames)",
            Remedy("best_frame", len(head) - 1),
        )
    backward = list(run_pass(reversed(head)))
    yield from reversed(backward)
    forward = run_pass(itertools.chain(head[-1:], frames))
    next(forward)  # the reference frame itself, already produced by the backward pass
    yield from forward


def animate(
    model: AnimationModel,
    source: str | Path | np.ndarray,
    driving: str | Path | Iterable[np.ndarray],
    *,
    relative: bool = True,
    adapt_scale: bool = True,
    best_frame: int = 0,
) -> Iterator[np.ndarray]:
    """Animate a still image with driving frames; yields (S, S, 3) float32 frames in [0, 1].

    source: an (H, W, 3) array (uint8, or float32 in [0, 1]) or an image path; driving: an
    iterable of such arrays or a video path. Both are centre-cropped and resized to the
    model's size (float32 arrays already at that size pass through unchanged).
    """
    size = model.frame_size
    source_image = fit_frame(_read_source(source), size)
    frames = (fit_driving_frame(frame, size) for frame in _driving_frames(driving))
    yield from animate_with_reference(
        model,
        source_image,
        frames,
        relative=relative,
        adapt_scale=adapt_scale,
        best_frame=best_frame,
    )


def animate_video(
    model: AnimationModel,
    source: str | Path | np.ndarray,
    driving: str | Path,
    output: str | Path,
    options: AnimateOptions | None = None,
    *,
    progress: bool = True,
    on_frame: FrameCallback | None = None,
    **keywords: Any,
) -> AnimationReport:
    """Animate `source` with the video `driving` and write `output` (an mp4, or a folder of
    PNGs when it is a directory); fps and audio come from the driving video.

    options: the job's `AnimateOptions` (pipeline/options.py: crop, size, paste_back, best
    frame, which faces, ...), or its fields as keyword arguments (`crop="auto"`); its `model`
    part says how `model` was loaded and is not read here (the landmark model follows its own
    driving face: `load_model("landmarks", face=N)`; `driving_face` picks the face of the
    best-frame search).
    on_frame(done, total): called after each frame is written (total: the driving video's frame
    count, None when unknown); it may raise (e.g. Interrupted) to stop the job, and nothing is
    left behind.
    """
    options = build(AnimateOptions, options, **keywords)
    crop, size, paste_back, face = options.crop, options.size, options.paste_back, options.face
    best_frame, driving_face = options.best_frame, options.driving_face
    from facemotion.io.video import VideoReader, open_video_writer

    started = time.perf_counter()
    source_name = str(source) if isinstance(source, str | Path) else "source image"
    full_source = as_float_image(_read_source(source))
    face_points = None
    needs_face = crop == "auto" or options.find_best_frame or model.needs_source_face
    if face is not None and needs_face:
        face_points = _face_landmarks(full_source, source_name, face)
    box = _source_box(full_source, crop, source_name, face_points)
    model_size = model.frame_size
    source_image = fit_frame(full_source, model_size if model_size else size, box)
    crop_points = None
    if face_points is not None:
        crop_points = _crop_points(face_points, box, source_image.shape[0], source_name, crop)
    _check_source_face(model, source_image, source_name, crop, crop_points)
    if options.find_best_frame:
        best_frame = _find_best_frame(
            full_source, box, driving, source_name, driving_face, crop_points
        )
    passes = _PassTotals()
    mask, background = None, full_source
    if paste_back:
        from facemotion.motion.crop import feather_mask

        # uint8: each output frame is one cheap copy, and the writer takes it as it is
        mask, background = feather_mask(box[2]), as_uint8_image(full_source)
    with VideoReader(driving) as reader:
        fps, total = reader.fps, reader.frame_count
        has_audio = reader.has_audio
        # Each driving frame's time, taken back in order as its result is written (results
        # come one for one, in order): a variable frame rate keeps its timing against the sound.
        times: deque[float] = deque()
        frames = _noting_times(reader.timed_frames(), model_size, times)
        results = animate_with_reference(
            model,
            source_image,
            frames,
            relative=options.relative,
            adapt_scale=options.adapt_scale,
            best_frame=best_frame,
            on_pass=passes.add,
        )
        count = 0
        with open_video_writer(output, fps, audio_from=driving if has_audio else None) as writer:
            bar = tqdm(results, total=total, unit="frame", disable=not progress, desc="animate")
            for frame in bar:
                writer.write(_finish(frame, background, box, size, mask), times.popleft())
                count += 1
                if on_frame is not None:
                    on_frame(count, total)
            if count == 0:  # raised inside the writer, so no empty output is left behind
                raise InputError(f"driving video {driving} has no frames")
            if passes.lost_frames and passes.lost_frames == passes.seen_frames:
                raise _no_driving_face(driving, driving_face)
            variable_rate = writer.variable_rate
        replaced = writer.replaced
    out_height, out_width = (
        full_source.shape[:2] if paste_back else (size or source_image.shape[0],) * 2
    )
    return AnimationReport(
        output=Path(output),
        frames=count,
        fps=float(fps),
        seconds=time.perf_counter() - started,
        best_frame=best_frame,
        size=(out_width, out_height),
        has_audio=has_audio,
        lost_frames=passes.lost_frames,
        crop_box=box,
        variable_rate=variable_rate,
        replaced=replaced,
    )


@dataclass
class _PassTotals:
    """Driving frames seen and lost, summed over the passes of one run."""

    seen_frames: int = 0
    lost_frames: int = 0

    def add(self, report: PassReport | None) -> None:
        if report is not None:
            self.seen_frames += report.frames
            self.lost_frames += report.lost_frames


def _no_driving_face(driving: str | Path, face: int | None) -> NoFaceError:
    if face is None:
        return NoFaceError(f"no face found in any frame of the driving video {driving}")
    from facemotion.pipeline.faces import missing_face_error

    return missing_face_error(driving, face, "the driving video", "driving_face")


def _face_landmarks(image: np.ndarray, name: str, face: int) -> np.ndarray:
    """(478, 3) landmarks of face number `face` (from the left) in the whole source image."""
    from facemotion.landmarks import detect_image_landmarks

    return detect_image_landmarks(as_uint8_image(image), name=name, face=face)


def _crop_points(points: np.ndarray, box: Box, side: int, name: str, crop: str) -> np.ndarray:
    """Landmarks (478, 3) of the whole image moved into the (side, side) crop of `box`;
    NoFaceError when the face's centre is outside the crop."""
    x0, y0, box_side = box
    scale = side / box_side
    moved = np.asarray(points, dtype=np.float32).copy()
    moved[:, :2] = (moved[:, :2] - np.float32([x0, y0])) * np.float32(scale)
    moved[:, 2] *= np.float32(scale)
    centre = (moved[:, :2].min(axis=0) + moved[:, :2].max(axis=0)) / 2
    if np.any(centre < 0) or np.any(centre >= side):
        where = "the centred square" if crop == "center" else "the crop"
        raise NoFaceError(f"the chosen face of {name} lies outside {where}", Remedy("crop", "auto"))
    return moved


def _check_source_face(
    model: AnimationModel,
    source: np.ndarray,
    name: str,
    crop: str,
    points: np.ndarray | None = None,
) -> None:
    """Fail before any output when a model that needs landmarks finds no face in the source
    crop, naming the file (the landmarks are remembered for the run). points: the chosen
    face's landmarks in the crop (`face`), handed to the model instead of a new search."""
    if not model.needs_source_face:
        return
    try:
        model.check_source(source, points)
    except NoFaceError as exc:
        where, remedies = "", (Remedy("model", "vox"),)
        if crop == "center":
            where, remedies = " (its centred square)", (Remedy("crop", "auto"), *remedies)
        raise NoFaceError(f"no face found in {name}{where}", *remedies) from exc


def _source_box(image: np.ndarray, crop: str, name: str, points: np.ndarray | None = None) -> Box:
    """The square to animate; `points`: the chosen face's landmarks when already found."""
    if crop == "center":
        return center_box(*image.shape[:2])
    if crop == "auto":
        from facemotion.landmarks import detect_image_landmarks
        from facemotion.motion.crop import face_box

        if points is None:
            points = detect_image_landmarks(as_uint8_image(image), name=name)
        return face_box(points, image.shape[:2])
    raise InputError(f"unknown crop '{crop}' (center or auto)", Remedy("crop", "auto"))


def fit_driving_frame(frame: np.ndarray, model_size: int | None) -> np.ndarray:
    """A driving frame as the model wants it: (S, S, 3) float32 for FOMM, which sees the centred
    square as the original demo does; the whole frame for the landmark model, whose landmarks
    are found wherever the face is."""
    if model_size is None:
        return np.ascontiguousarray(as_float_image(frame), dtype=np.float32)
    return fit_frame(frame, model_size)


def _noting_times(
    timed: Iterable[tuple[float, np.ndarray]], model_size: int | None, times: deque[float]
) -> Iterator[np.ndarray]:
    """The driving frames fitted for the model; each one's time (s) appended to `times`."""
    for time_s, frame in timed:
        times.append(time_s)
        yield fit_driving_frame(frame, model_size)


def _find_best_frame(
    image: np.ndarray,
    box: Box,
    driving: str | Path,
    name: str,
    face: int | None = None,
    crop_points: np.ndarray | None = None,
) -> int:
    """crop_points: the chosen source face's landmarks in the crop (any scale: best-frame
    search normalises them), else the largest face of the crop is used."""
    from facemotion.io.video import VideoReader
    from facemotion.landmarks import detect_image_landmarks, detect_landmarks
    from facemotion.motion.best_frame import find_best_frame

    if crop_points is not None:
        source_points = crop_points
    else:
        source_points = detect_image_landmarks(as_uint8_image(crop_to_box(image, box)), name=name)
    with VideoReader(driving) as reader:
        driving_points = (
            points[:, :2] if found else None
            for points, found in detect_landmarks(reader, face=face)
        )
        return find_best_frame(source_points[:, :2], driving_points)


def _finish(
    frame: np.ndarray, full_source: np.ndarray, box: Box, size: int | None, mask: np.ndarray | None
) -> np.ndarray:
    if mask is not None:
        from facemotion.motion.crop import paste_back

        return paste_back(full_source, frame, box, mask)
    if size is not None and frame.shape[0] != size:
        return resize_square(frame, size)
    return frame
