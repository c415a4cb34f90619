"""Where the files of a batch run, chosen by name: in this process, in local worker
processes, or as Ray tasks (facemotion.batch.ray_executor).

An executor yields `(index, FileResult)` as files finish, in any order; closing its generator
early (the batch stopped, Ctrl-C) cancels what has not started.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Protocol

from facemotion.batch.jobs import Task, run_task
from facemotion.batch.report import FAILED, FileResult
from facemotion.batch.threads import (
    THREADS_PER_WORKER,
    default_workers,
    limit_threads,
    same_blas_as_workers,
)
from facemotion.errors import InputError, Remedy


class Executor(Protocol):
    name: str  # how the summary line names it

    def results(
        self, job: str, tasks: Sequence[Task], options: object
    ) -> Iterator[tuple[int, FileResult]]: ...


@dataclass(frozen=True)
class SerialExecutor:
    """Every file in this process, one after another, with the libraries' own threads (BLAS's
    at the workers' count: see `same_blas_as_workers`)."""

    name: str = "serial"

    def results(
        self, job: str, tasks: Sequence[Task], options: object
    ) -> Iterator[tuple[int, FileResult]]:
        with same_blas_as_workers():
            for index, task in enumerate(tasks):
                yield index, run_task(job, task, options)


def _stop_quietly(signum: int, frame) -> None:
    """A stop signal in a worker: from now on its stderr (the batch's own) goes to /dev/null,
    then it stops as Ctrl-C does. MediaPipe logs each accelerator it tears down straight to
    fd 2 ("INFO: ... DestroyAccelerator"), and a task unwound by the stop is torn down outside
    the tracker's silenced close: seen in 1 of ~10 SIGTERMs to a 2-worker batch's process
    group, a second line after the command's one."""
    with contextlib.suppress(OSError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 2)
        os.close(null)
    raise KeyboardInterrupt


def start_worker(threads: int) -> None:
    """A worker process's set-up: its thread cap, and SIGTERM stopping its file as Ctrl-C does
    (the temporaries removed), as the CLI's own process does (`facemotion.io.signals`); a
    plain KeyboardInterrupt, because it travels back to the batch's process by pickle. Either
    signal silences the worker's stderr first (`_stop_quietly`): the batch's process says the
    one line."""
    limit_threads(threads)
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, _stop_quietly)


@dataclass(frozen=True)
class ProcessExecutor:
    """`workers` processes on this machine, each capped at `threads` library threads.

    Workers are spawned, not forked: a fork of a process whose torch or MediaPipe thread
    pools are running can deadlock in the child.
    """

    workers: int
    threads: int = THREADS_PER_WORKER

    @property
    def name(self) -> str:
        return f"{self.workers} worker processes"

    def results(
        self, job: str, tasks: Sequence[Task], options: object
    ) -> Iterator[tuple[int, FileResult]]:
        pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=start_worker,
            initargs=(self.threads,),
        )
        try:
            futures = {
                pool.submit(run_task, job, task, options, self.threads): index
                for index, task in enumerate(tasks)
            }
            for future in as_completed(futures):
                index = futures[future]
                try:
                    result = future.result()
                except BrokenProcessPool:
                    result = FileResult(
                        str(tasks[index].file),
                        FAILED,
                        error="its worker process died (out of memory, or a crash in a native "
                        "library); run the batch again to retry it",
                        exit_code=1,
                    )
                yield index, result
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def _ray_executor(address: str, workers: int | None) -> Executor:
    from facemotion.batch.ray_executor import RayExecutor

    return RayExecutor(address, workers)


# name -> factory(workers, ray address)
EXECUTORS: dict[str, Callable[[int | None, str | None], Executor]] = {
    "serial": lambda workers, address: SerialExecutor(),
    "processes": lambda workers, address: ProcessExecutor(workers or default_workers()),
    "ray": lambda workers, address: _ray_executor(address or "local", workers),
}


def executor_name(workers: int | None, ray: str | None, files: int) -> str:
    """Which executor: Ray when an address is given, else local processes when more than one
    worker would have more than one file, else this process."""
    if ray is not None:
        return "ray"
    count = workers if workers is not None else default_workers()
    return "processes" if count > 1 and files > 1 else "serial"


def choose_executor(workers: int | None, ray: str | None, files: int) -> Executor:
    """The executor for `workers` local processes (None: one a core) or a Ray `address`
    ('local' starts one for this run; 'auto' or HOST:PORT joins a running cluster)."""
    if workers is not None and workers < 1:
        raise InputError("workers must be 1 or more", Remedy("workers", 1))
    if ray is not None and not ray.strip():
        raise InputError("the Ray address is empty", Remedy("ray", "local"))
    name = executor_name(workers, ray, files)
    if name == "processes" and workers is not None:
        workers = min(workers, files)
    elif name == "processes":
        workers = min(default_workers(), files)
    return EXECUTORS[name](workers, ray)
