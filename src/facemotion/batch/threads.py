"""How many worker processes this machine runs well, and the threads each may use.

One capture process is not single-threaded: MediaPipe runs its graph's calculators on a small
thread pool and its TFLite inference on XNNPACK threads, PyAV decodes on threads, torch (for
animate) uses one intra-op thread a core. Measured on the 2-core development machine (see
docs/batch.md): ... (filled from benchmarks/bench_batch.py).
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
