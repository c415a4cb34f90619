"""The demo job: both shipped portraits animated by the shipped talking-head clip, a
side-by-side comparison video and a PNG grid of the frames that show the most (the first, the
driver's widest open mouth, its blink, its largest head turn). Needs no network."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from tqdm import tqdm

from facemotion.assets import sample_path
from facemotion.errors import OutputError
from facemotion.io.images import as_uint8_image, save_image
from facemotion.io.video import VideoReader, open_video_writer
from facemotion.models.base import AnimationModel
from facemotion.pipeline.animate import AnimationReport, animate_video

PORTRAITS = ("astronaut.png", "grace_hopper.jpg")
DRIVING = "carphone.mp4"
COLUMN_TITLES = ("driving", "astronaut", "grace hopper")
GRID_STEPS = 4
GRID_HEIGHT = 192  # pixels per row of frames.png
MAX_COMPARISON_HEIGHT = 512


@dataclass(frozen=True)
class DemoResult:
    """What `run_demo` wrote: the folder, the files in it, one report per portrait."""

    outdir: Path
    paths: tuple[Path, ...]
    reports: tuple[AnimationReport, ...]
    seconds: float


def run_demo(
    model: AnimationModel,
    outdir: str | Path = "facemotion-demo",
    *,
    size: int | None = None,
    progress: bool = True,
) -> DemoResult:
    """Animate astronaut.png and grace_hopper.jpg with carphone.mp4 (crop around the face) and
    write into `outdir`: astronaut.mp4, grace_hopper.mp4, comparison.mp4 (driving | astronaut |
    grace hopper, same fps and audio as the driving clip) and frames.png (GRID_STEPS time
    steps x the three columns). Each file is written atomically."""
    started = time.perf_counter()
    folder = prepare_folder(Path(outdir))
    driving = sample_path(DRIVING)
    reports = tuple(
        animate_video(
            model,
            sample_path(name),
            driving,
            folder / f"{Path(name).stem}.mp4",
            crop="auto",
            size=size,
            progress=progress,
        )
        for name in PORTRAITS
    )
    comparison, grid = folder / "comparison.mp4", folder / "frames.png"
    frame_count = min(report.frames for report in reports)
    write_comparison(
        [driving, *(report.output for report in reports)],
        comparison,
        grid,
        frame_count=frame_count,
        progress=progress,
        steps=telling_frames(driving, frame_count),
    )
    paths = (*(report.output for report in reports), comparison, grid)
    return DemoResult(folder, paths, reports, time.perf_counter() - started)


def write_comparison(
    videos: Sequence[Path],
    output: Path,
    grid_output: Path,
    *,
    frame_count: int,
    progress: bool = True,
    steps: Sequence[int] | None = None,
) -> None:
    """Write the videos side by side, frame by frame (synced by index), at the first video's
    fps with its audio, plus a PNG grid of the frames `steps` (GRID_STEPS indices; default
    evenly spaced).

    All columns are scaled to one even height: the tallest input's, at most
    MAX_COMPARISON_HEIGHT. Stops at the shortest video.
    """
    readers = [VideoReader(path) for path in videos]
    with contextlib.ExitStack() as stack:
        for reader in readers:
            stack.enter_context(reader)
        height = min(max(reader.height for reader in readers), MAX_COMPARISON_HEIGHT)
        height -= height % 2
        widths = [_even(reader.width * height / reader.height) for reader in readers]
        if steps is None:
            steps = evenly_spaced(frame_count)
        steps = set(steps)
        rows: list[np.ndarray] = []
        driving = readers[0]
        audio = videos[0] if driving.has_audio else None
        with open_video_writer(output, driving.rate, audio_from=audio) as writer:
            frames = tqdm(
                zip(*readers, strict=False),
                total=frame_count,
                unit="frame",
                disable=not progress,
                desc="comparison",
            )
            for index, columns in enumerate(frames):
                pairs = zip(columns, widths, strict=True)
                scaled = [_resize(frame, width, height) for frame, width in pairs]
                combined = np.concatenate(scaled, axis=1)
                writer.write(combined)
                if index in steps:
                    grid_width = _even(combined.shape[1] * GRID_HEIGHT / height)
                    rows.append(_resize(combined, grid_width, GRID_HEIGHT))
    save_image(frame_grid(rows, _column_edges(widths, GRID_HEIGHT / height)), grid_output)


def evenly_spaced(frame_count: int) -> list[int]:
    """GRID_STEPS frame indices spread evenly over a clip of frame_count frames."""
    return sorted({int(i) for i in np.linspace(0, max(frame_count - 1, 0), GRID_STEPS).round()})


def telling_frames(driving: Path, frame_count: int) -> list[int]:
    """GRID_STEPS frame indices of the driving clip that show what the animation does: the
    first, the widest open mouth, the most closed eyes (a blink) and the largest head turn
    (measured with the landmark layer); evenly spaced ones fill in where frames coincide or
    no face is found."""
    from facemotion.landmarks import LandmarkTracker
    from facemotion.motion.expression import measure, yaw_proxy

    mouths, eyes, yaws = [], [], []
    with VideoReader(driving) as reader, LandmarkTracker() as tracker:
        for _, frame in zip(range(frame_count), reader, strict=False):
            points, found = tracker(as_uint8_image(np.asarray(frame)))
            if not found:
                mouths.append(-np.inf), eyes.append(np.inf), yaws.append(0.0)
                continue
            expression = measure(points)
            mouths.append(expression.mouth_open)
            eyes.append(expression.eye_open_right + expression.eye_open_left)
            yaws.append(abs(yaw_proxy(points)))
    chosen = [0]
    if mouths:
        for index in (int(np.argmax(mouths)), int(np.argmin(eyes)), int(np.argmax(yaws))):
            if index not in chosen:
                chosen.append(index)
    for index in evenly_spaced(frame_count):
        if len(chosen) >= GRID_STEPS:
            break
        if index not in chosen:
            chosen.append(index)
    return sorted(chosen[:GRID_STEPS])


def frame_grid(rows: Sequence[np.ndarray], column_edges: Sequence[int]) -> np.ndarray:
    """Stack (h, w, 3) uint8 rows under a title strip naming each column; 4-pixel gaps."""
    gap = 4
    width = rows[0].shape[1]
    title = np.full((28, width, 3), 255, np.uint8)
    for text, left in zip(COLUMN_TITLES, column_edges, strict=True):
        origin = (left + 6, 20)
        cv2.putText(title, text, origin, cv2.FONT_HERSHEY_SIMPLEX, 0.6, (0, 0, 0), 1, cv2.LINE_AA)
    parts = [title]
    for row in rows:
        parts += [np.full((gap, width, 3), 255, np.uint8), row]
    return np.concatenate(parts, axis=0)


def _column_edges(widths: Sequence[int], scale: float) -> list[int]:
    return [int(round(sum(widths[:i]) * scale)) for i in range(len(widths))]


def _resize(frame: np.ndarray, width: int, height: int) -> np.ndarray:
    if frame.shape[:2] == (height, width):
        return frame
    shrinking = height < frame.shape[0]
    interpolation = cv2.INTER_AREA if shrinking else cv2.INTER_CUBIC
    return cv2.resize(as_uint8_image(frame), (width, height), interpolation=interpolation)


def _even(value: float) -> int:
    return max(2, int(round(value / 2)) * 2)


def prepare_folder(folder: Path) -> Path:
    """Create the output folder (and its parents) if missing; OutputError when it cannot be."""
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder} exists and is not a folder; choose another -o")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {folder}: {exc.strerror or exc}") from exc
    return folder
