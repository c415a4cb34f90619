"""The animate job, one (source image, driving video) pair a task, each written as
SOURCE-STEM_DRIVING-STEM.mp4 (the single-file command's default name) in one folder."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from facemotion.batch.jobs import Task
from facemotion.io.atomic import fitted_name
from facemotion.models.base import AnimationModel
from facemotion.pipeline.options import AnimateOptions, ModelOptions


def output_name(source: Path, driving: Path, outdir: Path = Path(".")) -> str:
    """SOURCE-STEM_DRIVING-STEM.mp4, cut to the length a file name in `outdir` may have."""
    return fitted_name(f"{source.stem}_{driving.stem}", ".mp4", outdir)


def plan(pairs: Sequence[tuple[Path, Path]], outdir: Path) -> list[Task]:
    """One task a pair. The report names each by what varies: the driving clip when there is
    one source, the source when there is one driving clip."""
    outdir = outdir.absolute()
    one_source = len({source for source, _ in pairs}) == 1
    return [
        Task(
            (driving if one_source else source).absolute(),
            (source.absolute(), driving.absolute()),
            (outdir / output_name(source, driving, outdir),),
        )
        for source, driving in pairs
    ]


# This process's model, loaded once: by its choice and the driving face it follows.
_MODELS: dict[tuple[ModelOptions, int | None], AnimationModel] = {}


def _model(options: AnimateOptions) -> AnimationModel:
    key = (options.model, options.driving_face)
    if key not in _MODELS:
        from facemotion.pipeline.load import load_model

        _MODELS.clear()
        _MODELS[key] = load_model(options.model, face=options.driving_face)
    return _MODELS[key]


def run(task: Task, options: AnimateOptions) -> tuple[int, Sequence[Path]]:
    from facemotion.pipeline.animate import animate_video

    source, driving = task.inputs
    report = animate_video(
        _model(options), source, driving, task.outputs[0], options, progress=False
    )
    return report.frames, task.outputs
