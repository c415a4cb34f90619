"""How many worker processes this machine runs well, and the threads each may use.

One capture process runs several threads (MediaPipe's graph and its TFLite inference, PyAV's
decoder, BLAS), but they mostly wait on each other: a serial batch whose libraries were started
with one thread took as long as one with their default threads (`batch_one_thread_vs_default`
~1.0 in benchmarks/bench_batch.py on the 2-core development machine). So a worker is given one
thread, and the default is one worker a core; more threads a worker would only make the
workers compete for the same cores. Each worker costs a start of a few seconds (a Python with
MediaPipe loaded), which a batch of long clips repays and a batch of tiny ones does not.
"""

from __future__ import annotations

import os
import sys
from contextlib import AbstractContextManager

# Libraries that size their thread pools from these when they load.
_THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")

# Threads a worker is given: one core's worth each, so N workers use about N cores.
THREADS_PER_WORKER = 1


def available_cores() -> int:
    """Cores this process may run on (the affinity mask, not the machine's count)."""
    return len(os.sched_getaffinity(0))


def default_workers() -> int:
    """Worker processes for `workers=None`: one per core."""
    return max(1, available_cores() // THREADS_PER_WORKER)


def limit_threads(count: int) -> None:
    """Cap this worker process's library thread pools at `count` threads, for good: the
    environment for the libraries not loaded yet; BLAS (threadpoolctl), torch and OpenCV as
    they are when already loaded."""
    from threadpoolctl import threadpool_limits

    for variable in _THREAD_VARIABLES:
        os.environ[variable] = str(count)
    threadpool_limits(limits=count)
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(count)
    cv2 = sys.modules.get("cv2")
    if cv2 is not None:
        cv2.setNumThreads(count)


def same_blas_as_workers() -> AbstractContextManager:
    """BLAS at the workers' thread count for a block run in this process: OpenBLAS sums in
    another order with another thread count, and the last bit of a float32 output (the .glb)
    would then differ between a serial batch and a parallel one."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=THREADS_PER_WORKER, user_api="blas")
