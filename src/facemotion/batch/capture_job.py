"""The capture job, one video (or image) a task: its six outputs named after it, in one folder."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from facemotion.batch.jobs import Task
from facemotion.export.registry import FORMATS
from facemotion.pipeline.capture import IMAGE_SUFFIXES
from facemotion.pipeline.options import CaptureOptions


def output_paths(
    video: Path, outdir: Path, formats: Sequence[str], onto: Path | None = None
) -> tuple[Path, ...]:
    """What `Capture.save` writes for `video` into `outdir` (a format drawn on the frames of
    an image is an image itself: a .png), and the animated character `onto` when given."""
    from facemotion.pipeline.capture import output_stem
    from facemotion.pipeline.retarget import character_output
    from facemotion.pipeline.retarget import output_paths as character_paths

    stem = output_stem(video.stem, formats, outdir)  # cut when too long, as `Capture.save` cuts
    paths = []
    for entry in (entry for name, entry in FORMATS.items() if name in formats):
        suffix = entry.suffix
        if entry.needs_frames and video.suffix.lower() in IMAGE_SUFFIXES:
            suffix = str(Path(suffix).with_suffix(".png"))
        paths.append(outdir / f"{stem}{suffix}")
    if onto is not None:
        paths += character_paths(onto, character_output(outdir, stem, onto))
    return tuple(paths)


def plan(videos: Sequence[Path], outdir: Path, options: CaptureOptions) -> list[Task]:
    """One task a video; paths made absolute."""
    outdir = outdir.absolute()
    return [
        Task(
            video.absolute(),
            (video.absolute(),),
            output_paths(video, outdir, options.formats, options.onto),
        )
        for video in videos
    ]


def run(task: Task, options: CaptureOptions) -> tuple[int, Sequence[Path]]:
    from facemotion.pipeline.capture import capture

    result = capture(task.inputs[0], options)
    written = result.save(
        task.outputs[0].parent,
        options.formats,
        include_landmarks=options.include_landmarks,
        onto=options.onto,
        character_map=options.character_map,
    )
    return len(result), written
