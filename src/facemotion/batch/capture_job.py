"""The capture job, one video (or image) a task: its six outputs named after it, in one folder."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from facemotion.batch.jobs import Task
from facemotion.export.registry import FORMATS
from facemotion.landmarks.smoothing import DEFAULT_BETA, DEFAULT_MIN_CUTOFF_HZ
from facemotion.pipeline.capture import FORMAT_NAMES, IMAGE_SUFFIXES
from facemotion.solver.pose import DEFAULT_FOV_DEG, DEFAULT_IPD_CM


@dataclass(frozen=True)
class CaptureBatchOptions:
    """`facemotion.capture`'s options and `Capture.save`'s, for every file of a batch.

    neutral: a frame index, a neutral image's path or None (the clip's most neutral frames).
    """

    formats: tuple[str, ...] = FORMAT_NAMES
    face: int | None = None
    smooth: bool = True
    smoothing: tuple[float, float] = (DEFAULT_MIN_CUTOFF_HZ, DEFAULT_BETA)
    neutral: int | Path | None = None
    ipd_cm: float = DEFAULT_IPD_CM
    fov_deg: float = DEFAULT_FOV_DEG
    include_landmarks: bool = False


def output_paths(video: Path, outdir: Path, formats: Sequence[str]) -> tuple[Path, ...]:
    """What `Capture.save` writes for `video` into `outdir` (a format drawn on the frames of
    an image is an image itself: a .png)."""
    paths = []
    for entry in (entry for name, entry in FORMATS.items() if name in formats):
        suffix = entry.suffix
        if entry.needs_frames and video.suffix.lower() in IMAGE_SUFFIXES:
            suffix = str(Path(suffix).with_suffix(".png"))
        paths.append(outdir / f"{video.stem}{suffix}")
    return tuple(paths)


def plan(videos: Sequence[Path], outdir: Path, options: CaptureBatchOptions) -> list[Task]:
    """One task a video; paths made absolute."""
    outdir = outdir.absolute()
    return [
        Task(video.absolute(), (video.absolute(),), output_paths(video, outdir, options.formats))
        for video in videos
    ]


def run(task: Task, options: CaptureBatchOptions) -> tuple[int, Sequence[Path]]:
    from facemotion.pipeline.capture import capture

    result = capture(
        task.inputs[0],
        face=options.face,
        smooth=options.smooth,
        smoothing=options.smoothing,
        neutral=options.neutral,
        ipd_cm=options.ipd_cm,
        fov_deg=options.fov_deg,
    )
    written = result.save(
        task.outputs[0].parent, options.formats, include_landmarks=options.include_landmarks
    )
    return len(result), written
