"""The batch jobs as Python functions: many inputs in, one output (set) per input, a
BatchReport back. Each takes its single-file job's options (pipeline/options.py), whole or as
keyword arguments, and `BatchSettings` (batch/run.py: workers, ray, progress, report,
on_result), whole as `settings` or as keyword arguments:

workers: local worker processes (None: one a core; 1: this process alone). ray: run the files
as Ray tasks instead: 'local' (a Ray instance started for this call), 'auto' (the cluster
`ray start` joined this machine to) or the head's 'HOST:PORT'. progress: a bar over the files.
report: the report's path without suffix (default OUTDIR/<job>-report: .csv and .json).
on_result: a callback with each file's FileResult as it finishes.

Files whose outputs are all there already are skipped (a rerun resumes); a file that fails is
reported and the others go on. Inputs are files, folders, glob patterns or @FILE lists of paths
(facemotion.batch.inputs).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from facemotion.batch import animate_job, capture_job, prepare_job
from facemotion.batch.inputs import (
    IMAGE_SUFFIXES,
    VIDEO_SUFFIXES,
    animation_pairs,
    check_distinct,
    expand_inputs,
)
from facemotion.batch.jobs import Task, without_own_outputs
from facemotion.batch.report import BatchReport
from facemotion.batch.run import BatchSettings, run_batch
from facemotion.errors import InputError, Remedy
from facemotion.io.atomic import check_writable_dir
from facemotion.io.guard import refuse_overwriting_inputs
from facemotion.pipeline.options import (
    AnimateOptions,
    CaptureOptions,
    Options,
    PrepareOptions,
    build,
)

Inputs = str | Path | Sequence[str | Path]
_SETTINGS = {f.name for f in fields(BatchSettings)}


def _items(inputs: Inputs) -> list[str | Path]:
    return [inputs] if isinstance(inputs, str | Path) else list(inputs)


def _chosen(
    kind: type[Options], options: Options | None, settings: BatchSettings | None, keywords: dict
) -> tuple[Options, BatchSettings]:
    """The job's options and the batch settings, each given whole or as keyword arguments
    (a keyword that is a field of `BatchSettings` goes there, the rest to the job)."""
    chosen = {name: keywords.pop(name) for name in list(keywords) if name in _SETTINGS}
    return build(kind, options, **keywords), replace(settings or BatchSettings(), **chosen)


def _run(
    job: str, tasks: Sequence[Task], options: object, outdir: Path, settings: BatchSettings
) -> BatchReport:
    """Leave out inputs that are outputs of the batch (an earlier run's, written into the
    input folder); refuse two inputs writing one output and an output that is an input; run."""
    tasks, ignored = without_own_outputs(tasks)
    check_distinct({task.file: task.outputs[0] for task in tasks})
    inputs = [path for task in tasks for path in task.inputs]
    parameter = "out" if job == "prepare" else "outdir"
    refuse_overwriting_inputs([path for task in tasks for path in task.outputs], inputs, parameter)
    report = settings.report if settings.report is not None else outdir / f"{job}-report"
    return run_batch(job, tasks, options, Path(report), settings, ignored)


def capture_batch(
    videos: Inputs,
    outdir: str | Path,
    options: CaptureOptions | None = None,
    *,
    settings: BatchSettings | None = None,
    **keywords: Any,
) -> BatchReport:
    """`facemotion.capture` on every video (or image), each saved into `outdir` as
    `Capture.save` names it (talk.csv, talk.json, ...)."""
    options, settings = _chosen(CaptureOptions, options, settings, keywords)
    if isinstance(options.neutral, str | Path):  # a worker may run in another folder
        options = replace(options, neutral=Path(options.neutral).absolute())
    outdir = Path(outdir)
    check_writable_dir(outdir)
    paths = expand_inputs(_items(videos), IMAGE_SUFFIXES | VIDEO_SUFFIXES, what="video")
    return _run("capture", capture_job.plan(paths, outdir, options), options, outdir, settings)


def prepare_batch(
    videos: Inputs,
    out: str | Path,
    options: PrepareOptions | None = None,
    *,
    settings: BatchSettings | None = None,
    **keywords: Any,
) -> BatchReport:
    """Every video (a file, or a folder of frames) into the FOMM training layout under `out`:
    out/train/<name>/ or out/test/<name>/, PNG frames `size` pixels square. A folder given
    as input stands for the videos in it, frame folders included."""
    options, settings = _chosen(PrepareOptions, options, settings, keywords)
    paths = expand_inputs(_items(videos), VIDEO_SUFFIXES, what="video", folders=True)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    return _run("prepare", prepare_job.plan(paths, out, options), options, out, settings)


def animate_batch(
    sources: Inputs,
    drivings: Inputs,
    outdir: str | Path,
    options: AnimateOptions | None = None,
    *,
    settings: BatchSettings | None = None,
    output: str | Path | None = None,
    **keywords: Any,
) -> BatchReport:
    """`animate_video` on one source image with many driving videos, or many sources with one
    video, each written as outdir/SOURCE-STEM_DRIVING-STEM.mp4. The model (`options.model`,
    as `load_model` takes it) is loaded once in each worker process. output: for one source
    and one video, the file to write instead (a batch of one, for its report)."""
    options, settings = _chosen(AnimateOptions, options, settings, keywords)
    options = replace(options, model=options.model.with_absolute_paths())
    outdir = Path(outdir)
    check_writable_dir(outdir)
    source_paths = expand_inputs(_items(sources), IMAGE_SUFFIXES, what="source image")
    driving_paths = expand_inputs(_items(drivings), VIDEO_SUFFIXES, what="driving video")
    pairs = animation_pairs(source_paths, driving_paths)
    tasks = animate_job.plan(pairs, outdir)
    if output is not None:
        if len(tasks) != 1:
            raise InputError(
                f"{len(tasks)} animations cannot all be written to {output}; give a folder for "
                "SOURCE-STEM_DRIVING-STEM.mp4 files",
                Remedy("outdir"),
            )
        tasks = [replace(tasks[0], outputs=(Path(output).absolute(),))]
    return _run("animate", tasks, options, outdir, settings)
