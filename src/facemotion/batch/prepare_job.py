"""The prepare job, one training video a task: a folder of frames in OUT/train or OUT/test."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from facemotion.batch.jobs import Task
from facemotion.errors import InputError
from facemotion.pipeline.options import PrepareOptions


def split_of(video: Path, test_fraction: float) -> str:
    """'train' or 'test', fixed by the video's name alone (adding videos moves no other)."""
    from facemotion.train.data import stable_fraction

    return "test" if stable_fraction(video.stem) < test_fraction else "train"


def plan(videos: Sequence[Path], out: Path, options: PrepareOptions) -> list[Task]:
    """One task a video: out/<split>/<name>/."""
    out = out.absolute()
    return [
        Task(
            video.absolute(),
            (video.absolute(),),
            (out / split_of(video, options.test_fraction) / video.stem,),
        )
        for video in videos
    ]


def run(task: Task, options: PrepareOptions) -> tuple[int, Sequence[Path]]:
    from facemotion.train.data import probe
    from facemotion.train.prepare import prepare_video

    video = task.inputs[0]
    entry = probe(video)
    if entry is None:
        raise InputError(f"{video} is no video (mp4, mov, gif, ... or a folder of frames)")
    out = task.outputs[0].parent.parent
    result = prepare_video(entry, out, options.size, options.test_fraction, options.crop_mode)
    if result.skipped:
        raise InputError(result.skipped)  # the report names the file
    return result.frames, task.outputs
