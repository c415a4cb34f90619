"""The animate job, one (source image, driving video) pair a task, each written as
SOURCE-STEM_DRIVING-STEM.mp4 (the single-file command's default name) in one folder."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from facemotion.batch.jobs import Task
from facemotion.models.base import AnimationModel


@dataclass(frozen=True)
class ModelChoice:
    """The model every file of a batch uses, as `load_model` takes it (each worker process
    loads it once, on its first file)."""

    name: str = "landmarks"  # or a released name, or a checkpoint path
    config: str | None = None
    device: str = "cpu"
    batch: int = 1
    precision: str = "fp32"
    backend: str = "torch"
    driving_face: int | None = None


@dataclass(frozen=True)
class AnimateBatchOptions:
    """`animate_video`'s options for every pair of a batch."""

    model: ModelChoice = field(default_factory=ModelChoice)
    relative: bool = True
    adapt_scale: bool = True
    best_frame: int = 0
    find_best_frame: bool = False
    crop: str = "center"
    size: int | None = None
    paste_back: bool = False
    face: int | None = None


def output_name(source: Path, driving: Path) -> str:
    return f"{source.stem}_{driving.stem}.mp4"


def plan(pairs: Sequence[tuple[Path, Path]], outdir: Path) -> list[Task]:
    """One task a pair. The report names each by what varies: the driving clip when there is
    one source, the source when there is one driving clip."""
    outdir = outdir.absolute()
    one_source = len({source for source, _ in pairs}) == 1
    return [
        Task(
            (driving if one_source else source).absolute(),
            (source.absolute(), driving.absolute()),
            (outdir / output_name(source, driving),),
        )
        for source, driving in pairs
    ]


_MODELS: dict[ModelChoice, AnimationModel] = {}  # this process's model, loaded once


def _model(choice: ModelChoice) -> AnimationModel:
    if choice not in _MODELS:
        from facemotion.pipeline.load import load_model

        _MODELS.clear()
        _MODELS[choice] = load_model(
            choice.name,
            choice.config,
            choice.device,
            batch=choice.batch,
            precision=choice.precision,
            backend=choice.backend,
            face=choice.driving_face,
        )
    return _MODELS[choice]


def run(task: Task, options: AnimateBatchOptions) -> tuple[int, Sequence[Path]]:
    from facemotion.pipeline.animate import animate_video

    source, driving = task.inputs
    report = animate_video(
        _model(options.model),
        source,
        driving,
        task.outputs[0],
        relative=options.relative,
        adapt_scale=options.adapt_scale,
        best_frame=options.best_frame,
        find_best_frame=options.find_best_frame,
        crop=options.crop,
        size=options.size,
        paste_back=options.paste_back,
        progress=False,
        face=options.face,
        driving_face=options.model.driving_face,
    )
    return report.frames, task.outputs
