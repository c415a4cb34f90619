"""The batch jobs as Python functions: many inputs in, one output (set) per input, a
BatchReport back. Each takes what its single-file job takes, plus where to run:

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

from collections.abc import Callable, Sequence
from pathlib import Path

from facemotion.batch import animate_job, capture_job, prepare_job
from facemotion.batch.inputs import (
    IMAGE_SUFFIXES,
    VIDEO_SUFFIXES,
    animation_pairs,
    check_distinct,
    expand_inputs,
)
from facemotion.batch.jobs import Task
from facemotion.batch.report import BatchReport, FileResult
from facemotion.batch.run import run_batch
from facemotion.errors import InputError, Remedy
from facemotion.io.atomic import check_writable_dir
from facemotion.io.guard import refuse_overwriting_inputs
from facemotion.landmarks.smoothing import DEFAULT_BETA, DEFAULT_MIN_CUTOFF_HZ
from facemotion.pipeline.capture import FORMAT_NAMES
from facemotion.solver.pose import DEFAULT_FOV_DEG, DEFAULT_IPD_CM

Inputs = str | Path | Sequence[str | Path]
OnResult = Callable[[FileResult], None] | None


def _items(inputs: Inputs) -> list[str | Path]:
    return [inputs] if isinstance(inputs, str | Path) else list(inputs)


def _report_stem(report: str | Path | None, outdir: Path, job: str) -> Path:
    return Path(report) if report is not None else outdir / f"{job}-report"


def _check_outputs(tasks: Sequence[Task], parameter: str) -> None:
    """Refuse two inputs writing one output, and an output that is an input."""
    check_distinct({task.file: task.outputs[0] for task in tasks})
    inputs = [path for task in tasks for path in task.inputs]
    refuse_overwriting_inputs([path for task in tasks for path in task.outputs], inputs, parameter)


def capture_batch(
    videos: Inputs,
    outdir: str | Path,
    *,
    formats: Sequence[str] = FORMAT_NAMES,
    face: int | None = None,
    smooth: bool = True,
    smoothing: tuple[float, float] = (DEFAULT_MIN_CUTOFF_HZ, DEFAULT_BETA),
    neutral: int | str | Path | None = None,
    ipd_cm: float = DEFAULT_IPD_CM,
    fov_deg: float = DEFAULT_FOV_DEG,
    include_landmarks: bool = False,
    workers: int | None = None,
    ray: str | None = None,
    progress: bool = False,
    report: str | Path | None = None,
    on_result: OnResult = None,
) -> BatchReport:
    """`facemotion.capture` on every video (or image), each saved into `outdir` as
    `Capture.save` names it (talk.csv, talk.json, ...)."""
    outdir = Path(outdir)
    check_writable_dir(outdir)
    unknown = set(formats) - set(FORMAT_NAMES)
    if unknown or not formats:
        choices = ",".join(FORMAT_NAMES)
        raise InputError(f"unknown formats {sorted(unknown)}; choose from {choices}",
                         Remedy("formats", choices))  # fmt: skip
    paths = expand_inputs(_items(videos), IMAGE_SUFFIXES | VIDEO_SUFFIXES, what="video")
    options = capture_job.CaptureBatchOptions(
        formats=tuple(formats),
        face=face,
        smooth=smooth,
        smoothing=tuple(smoothing),
        neutral=Path(neutral).absolute() if isinstance(neutral, str | Path) else neutral,
        ipd_cm=ipd_cm,
        fov_deg=fov_deg,
        include_landmarks=include_landmarks,
    )
    tasks = capture_job.plan(paths, outdir, options)
    _check_outputs(tasks, "outdir")
    return run_batch(
        "capture", tasks, options, _report_stem(report, outdir, "capture"),
        workers=workers, ray=ray, progress=progress, on_result=on_result,
    )  # fmt: skip


def prepare_batch(
    videos: Inputs,
    out: str | Path,
    *,
    size: int = 256,
    test_fraction: float = 0.1,
    crop_mode: str = "face",
    workers: int | None = None,
    ray: str | None = None,
    progress: bool = False,
    report: str | Path | None = None,
    on_result: OnResult = None,
) -> BatchReport:
    """Every video (a file, or a folder of frames) into the FOMM training layout under `out`:
    out/train/<name>/ or out/test/<name>/, PNG frames `size` pixels square. A folder given
    as input stands for the videos in it, frame folders included."""
    if not 0 <= test_fraction <= 1:
        raise InputError("test_fraction must be between 0 and 1")
    if size < 8:
        raise InputError("size must be at least 8 pixels")
    if crop_mode not in ("face", "center"):
        raise InputError(f"crop_mode must be 'face' or 'center', not {crop_mode!r}")
    paths = expand_inputs(_items(videos), VIDEO_SUFFIXES, what="video", folders=True)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    options = prepare_job.PrepareBatchOptions(size, test_fraction, crop_mode)
    tasks = prepare_job.plan(paths, out, options)
    _check_outputs(tasks, "out")
    return run_batch(
        "prepare", tasks, options, _report_stem(report, out, "prepare"),
        workers=workers, ray=ray, progress=progress, on_result=on_result,
    )  # fmt: skip


def animate_batch(
    sources: Inputs,
    drivings: Inputs,
    outdir: str | Path,
    *,
    model: str | Path = "landmarks",
    config: str | Path | None = None,
    device: str = "cpu",
    batch: int = 1,
    precision: str = "fp32",
    backend: str = "torch",
    relative: bool = True,
    adapt_scale: bool = True,
    best_frame: int = 0,
    find_best_frame: bool = False,
    crop: str = "center",
    size: int | None = None,
    paste_back: bool = False,
    face: int | None = None,
    driving_face: int | None = None,
    workers: int | None = None,
    ray: str | None = None,
    progress: bool = False,
    report: str | Path | None = None,
    on_result: OnResult = None,
) -> BatchReport:
    """`animate_video` on one source image with many driving videos, or many sources with one
    video, each written as outdir/SOURCE-STEM_DRIVING-STEM.mp4. The model (as `load_model`
    takes it) is loaded once in each worker process."""
    outdir = Path(outdir)
    check_writable_dir(outdir)
    source_paths = expand_inputs(_items(sources), IMAGE_SUFFIXES, what="source image")
    driving_paths = expand_inputs(_items(drivings), VIDEO_SUFFIXES, what="driving video")
    pairs = animation_pairs(source_paths, driving_paths)
    choice = animate_job.ModelChoice(
        name=str(Path(model).absolute()) if Path(model).suffix else str(model),
        config=None if config is None else _config_name(config),
        device=device,
        batch=batch,
        precision=precision,
        backend=backend,
        driving_face=driving_face,
    )
    options = animate_job.AnimateBatchOptions(
        model=choice,
        relative=relative,
        adapt_scale=adapt_scale,
        best_frame=best_frame,
        find_best_frame=find_best_frame,
        crop=crop,
        size=size,
        paste_back=paste_back,
        face=face,
    )
    tasks = animate_job.plan(pairs, outdir)
    _check_outputs(tasks, "outdir")
    return run_batch(
        "animate", tasks, options, _report_stem(report, outdir, "animate"),
        workers=workers, ray=ray, progress=progress, on_result=on_result,
    )  # fmt: skip


def _config_name(config: str | Path) -> str:
    """A shipped configuration's name as it is; a yaml file's path made absolute (a worker
    may run in another folder)."""
    path = Path(config)
    return str(path.absolute()) if path.suffix in (".yaml", ".yml") else str(config)
