"""The files of a batch as Ray tasks: on a Ray instance started for the run ('local') or on a
running cluster ('auto', or the head's HOST:PORT). Ray is the optional extra facemotion[ray].

Every task writes its outputs itself, where the batch says: on a cluster that is a path every
node sees (a shared folder), and every node has facemotion installed.

A task lost with its worker process or its node (killed, out of memory, a machine gone) is run
again, up to `TASK_RETRIES` times: Ray's retries for system failures. A file that fails in its
job (no face, an unreadable video) is not retried: `run_task` returns that as a result, never
raises, and Ray retries no application exception (`retry_exceptions=False`). Outputs appear
only when complete (io/atomic.py), so a retried file starts from nothing. Each result carries
the attempt that made it, so the summary says how many files needed another one.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator, Sequence
from dataclasses import replace
from types import ModuleType

from facemotion.batch.jobs import Task, run_task
from facemotion.batch.report import FAILED, FileResult
from facemotion.batch.threads import THREADS_PER_WORKER, default_workers
from facemotion.errors import InputError, MissingDependency, Remedy
from facemotion.landmarks.quiet import native_stderr_silenced

LOCAL = "local"
AUTO = "auto"
PROBE_TIMEOUT_S = 5.0
# Ray's own default for tasks; a file whose job kills its worker every time (a native crash)
# fails after this many further attempts.
TASK_RETRIES = 3


def ray_task(job: str, task: Task, options: object, threads: int) -> FileResult:
    """`run_task` as a Ray task: the result, with the attempt that made it (1: the first)."""
    # Ray keeps the attempt number on its core worker and has no public accessor for it.
    from ray._private.worker import global_worker

    attempt = global_worker.core_worker.get_current_task_attempt_number()
    return replace(run_task(job, task, options, threads), attempts=attempt + 1)


def check_reachable(address: str) -> None:
    """Raise InputError unless something listens at HOST:PORT: Ray's own client retries an
    address that does not answer for minutes, logging every attempt."""
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        raise InputError(
            f"the Ray address {address!r} is not HOST:PORT, '{AUTO}' or '{LOCAL}'",
            Remedy("ray", AUTO),
        )
    try:
        socket.create_connection((host, int(port)), timeout=PROBE_TIMEOUT_S).close()
    except OSError as exc:
        raise InputError(
            f"no Ray cluster answers at {address} ({exc.strerror or exc}); start one there "
            "with 'ray start --head'",
            Remedy("ray", LOCAL),
        ) from None


def import_ray() -> ModuleType:
    """The ray module, or a MissingDependency saying how to install it."""
    try:
        import ray
    except ImportError:
        raise MissingDependency("running a batch on Ray", "facemotion[ray]") from None
    return ray


def _auto_address() -> str:
    """The address 'auto' stands for: RAY_ADDRESS, else the cluster `ray start` last recorded
    on this machine (which may be gone: a head stopped by a signal leaves its record)."""
    # Ray's own resolution, as ray.init(address="auto") does it (a private module: Ray keeps
    # no public function for it).
    from ray._private.services import canonicalize_bootstrap_address

    try:
        address = canonicalize_bootstrap_address(AUTO)
    except (ConnectionError, ValueError) as exc:
        raise InputError(
            f"no Ray cluster found on this machine ({exc})", Remedy("ray", LOCAL)
        ) from exc
    if address is None:
        raise InputError(
            "no Ray cluster found on this machine; start one with 'ray start --head'",
            Remedy("ray", LOCAL),
        )
    return address


class RayExecutor:
    """Tasks of one CPU's worth (`THREADS_PER_WORKER`) each; Ray runs as many at once as
    its cluster has CPUs. workers: the CPUs of a 'local' instance (default: one a core);
    a cluster's are its own. A Ray already initialised in this process is used as it is and
    left running."""

    def __init__(self, address: str, workers: int | None = None) -> None:
        self.address = address
        self.workers = workers
        self.name = "Ray (local)" if address == LOCAL else f"Ray at {address}"

    def _connect(self, ray: ModuleType) -> None:
        options = {
            "log_to_driver": False,  # a worker's library chatter is not the batch's output
            "logging_level": logging.ERROR,
            "include_dashboard": False,
        }
        if self.address == LOCAL:
            # address "local": a new instance even where RAY_ADDRESS names a running one
            ray.init(address=LOCAL, num_cpus=self.workers or default_workers(), **options)
            return
        check_reachable(self.address if self.address != AUTO else _auto_address())
        try:
            # Ray's native client logs every failed attempt on fd 2; a failure is one line here.
            with native_stderr_silenced():
                ray.init(address=self.address, **options)
        except (ConnectionError, ValueError, RuntimeError) as exc:
            raise InputError(
                f"cannot join the Ray cluster at {self.address} ({exc}); a cluster started by "
                "'ray start' with token authentication (Ray 2.59 and later) needs "
                "RAY_AUTH_MODE=token and its token (RAY_AUTH_TOKEN, or ~/.ray/auth_token) "
                "here too (docs/batch.md)",
                Remedy("ray", LOCAL),
            ) from exc

    def results(
        self, job: str, tasks: Sequence[Task], options: object
    ) -> Iterator[tuple[int, FileResult]]:
        ray = import_ray()
        started_here = not ray.is_initialized()
        if started_here:
            self._connect(ray)
        pending: dict[object, int] = {}
        try:
            remote = ray.remote(ray_task).options(
                num_cpus=THREADS_PER_WORKER, max_retries=TASK_RETRIES, retry_exceptions=False
            )
            options_ref = ray.put(options)
            pending = {
                remote.remote(job, task, options_ref, THREADS_PER_WORKER): index
                for index, task in enumerate(tasks)
            }
            while pending:
                done, _ = ray.wait(list(pending), num_returns=1)
                index = pending.pop(done[0])
                try:
                    result = ray.get(done[0])
                except ray.exceptions.RayError as exc:
                    result = FileResult(
                        str(tasks[index].file),
                        FAILED,
                        error=f"its Ray task failed: {type(exc).__name__} (after "
                        f"{TASK_RETRIES} retries for lost workers); run the batch again to retry "
                        "it",
                        exit_code=1,
                    )
                yield index, result
        finally:
            for ref in pending:
                ray.cancel(ref)
            if started_here:
                ray.shutdown()
