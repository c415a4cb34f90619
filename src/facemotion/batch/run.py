"""Run a planned batch: skip what is done, run the rest on an executor, report every file."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from facemotion.batch.executors import choose_executor
from facemotion.batch.jobs import Task
from facemotion.batch.report import FAILED, SKIPPED, BatchReport, FileResult
from facemotion.errors import FacemotionError, Remedy


class BatchStopped(FacemotionError):
    """A file's error that every other file would meet too (the model does not load, the
    output folder cannot be written): the batch stopped there. exit_code is that error's."""

    def __init__(self, message: str, exit_code: int, *remedies: Remedy) -> None:
        super().__init__(message, *remedies)
        self.exit_code = exit_code


@dataclass(frozen=True)
class BatchSettings:
    """Where and how a batch runs, whatever the job. workers / ray: see `choose_executor`.
    progress: one bar over the files, with frames/s. report: the report's path without
    suffix (None: the job's default in its output folder). on_result: called in this process
    with each file's result as it finishes (skipped files first; not with the one that stops
    the batch)."""

    workers: int | None = None
    ray: str | None = None
    progress: bool = False
    report: str | Path | None = None
    on_result: Callable[[FileResult], None] | None = None


def run_batch(
    job: str,
    tasks: Sequence[Task],
    options: object,
    report: str | Path,
    settings: BatchSettings = BatchSettings(),
    ignored: Sequence[Path] = (),
) -> BatchReport:
    """Run `job` (with the job's `options`) on every task whose outputs are not all there yet,
    and write the report (`report`.csv and `report`.json). ignored: inputs left out as outputs
    of the batch, for the summary. Raises BatchStopped, after writing the report, when a file
    fails with an error of the whole batch."""
    workers, ray, on_result = settings.workers, settings.ray, settings.on_result
    progress = settings.progress
    results: list[FileResult | None] = [None] * len(tasks)
    todo: list[int] = []
    for index, task in enumerate(tasks):
        if task.finished():
            results[index] = FileResult(
                str(task.file), SKIPPED, outputs=tuple(str(path) for path in task.outputs)
            )
            if on_result is not None:
                on_result(results[index])
        else:
            todo.append(index)
    executor = choose_executor(workers, ray, len(todo))
    started = time.perf_counter()
    frames = 0
    stopped: FileResult | None = None
    bar = tqdm(
        total=len(tasks), initial=len(tasks) - len(todo), desc=job, unit="file",
        disable=not progress, dynamic_ncols=True,
    )  # fmt: skip
    try:
        outcomes = executor.results(job, [tasks[index] for index in todo], options)
        try:
            for position, result in outcomes:
                results[todo[position]] = result
                frames += result.frames
                bar.update(1)
                bar.set_postfix_str(f"{frames / (time.perf_counter() - started):.1f} frames/s")
                if result.fatal:  # said once, by the error raised below
                    stopped = result
                    break
                if on_result is not None:
                    on_result(result)
        finally:
            outcomes.close()
    finally:
        bar.close()
    for index, result in enumerate(results):
        if result is None:
            results[index] = FileResult(
                str(tasks[index].file), FAILED, error="not run: the batch stopped before it"
            )
    done = BatchReport(
        job, tuple(results), time.perf_counter() - started, executor.name, ignored=tuple(ignored)
    ).write(report)
    if stopped is not None:
        raise BatchStopped(
            f"{stopped.error} (the batch stopped; report: {done.reports[0]})",
            stopped.exit_code,
            *stopped.remedies,
        )
    return done
