"""The batchable jobs by name, and the one function every executor runs for one file.

A job is a module with `run(task, options) -> (frames, outputs)` that does one file and raises
a FacemotionError when the file cannot be done; `run_task` turns that into a FileResult, so a
bad file is reported and never stops the batch (unless its error is the batch's own: a model
that does not load, an output folder that cannot be written). Jobs are looked up by name in a
worker process, which imports only the job it runs.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from facemotion.batch.report import DONE, FAILED, FileResult
from facemotion.batch.threads import limit_threads
from facemotion.errors import (
    DownloadError,
    FacemotionError,
    MissingDependency,
    ModelError,
    OutputError,
)

JOBS: dict[str, str] = {
    "capture": "facemotion.batch.capture_job",
    "prepare": "facemotion.batch.prepare_job",
    "animate": "facemotion.batch.animate_job",
}

# Errors that every other file of the batch would meet too: the batch stops at the first.
BATCH_ERRORS = (ModelError, DownloadError, MissingDependency, OutputError)


@dataclass(frozen=True)
class Task:
    """One file of a batch. file: how the report names it; inputs: what the job reads (for
    animate: source, driving); outputs: what it writes, all present when the file is done.
    Paths are absolute, so a worker in another folder (a Ray node) finds them."""

    file: Path
    inputs: tuple[Path, ...]
    outputs: tuple[Path, ...]

    def finished(self) -> bool:
        """Whether every output is already there (outputs appear only when complete)."""
        return all(path.exists() for path in self.outputs)


def without_own_outputs(tasks: Sequence[Task]) -> tuple[list[Task], tuple[Path, ...]]:
    """The tasks that read no file another task of the batch writes, and the inputs dropped.

    Outputs written into the input folder (`capture .`, `animate A clips -o clips`) are found
    there by the next run of the same command, which would take talk_overlay.mp4 or
    astronaut_talk.mp4 as new inputs and then refuse to overwrite them."""
    written = {path.resolve() for task in tasks for path in task.outputs}
    kept: list[Task] = []
    ignored: dict[Path, None] = {}
    for task in tasks:
        own = [path for path in task.inputs if path.resolve() in written]
        if own:
            ignored.update(dict.fromkeys(own))
        else:
            kept.append(task)
    return kept, tuple(ignored)


def run_task(job: str, task: Task, options: object, threads: int | None = None) -> FileResult:
    """Run `job` on one task in this process, with at most `threads` threads for its
    libraries (None: their own default); never raises for a bad file."""
    if threads is not None:
        limit_threads(threads)
    started = time.perf_counter()
    try:
        frames, outputs = importlib.import_module(JOBS[job]).run(task, options)
    except FacemotionError as exc:
        return FileResult(
            str(task.file),
            FAILED,
            seconds=time.perf_counter() - started,
            error=exc.message,
            remedies=tuple(exc.remedies),
            fatal=isinstance(exc, BATCH_ERRORS),
            exit_code=exc.exit_code,
        )
    except Exception as exc:  # noqa: BLE001  a bug or an unwrapped library error: still one file
        return FileResult(
            str(task.file),
            FAILED,
            seconds=time.perf_counter() - started,
            error=f"unexpected {type(exc).__name__}: {exc}",
            exit_code=1,
        )
    return FileResult(
        str(task.file),
        DONE,
        frames=frames,
        seconds=time.perf_counter() - started,
        outputs=tuple(str(path) for path in outputs),
    )
