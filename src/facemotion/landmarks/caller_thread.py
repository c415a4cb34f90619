"""Let a MediaPipe task call its C library on the thread that uses it.

MediaPipe's Python Tasks (1.2.x) hand every C call of a task to a one-thread executor of its
own (`SerialDispatcher`) and wait for the answer. Each call is then two hand-offs between
Python threads, and each hand-off needs the interpreter lock. When another thread holds the
lock (the landmark model's warp, while the tracker reads ahead on its own thread), every
hand-off waits for it: a frame's detection and the freeing of its result are two calls, four
waits. Calling the C functions on the caller's thread (ctypes releases the lock for the call's
length, as the executor's thread did) removes the waits; a lock per task keeps its calls one at
a time, which is what the executor was for. No library offers this; it is a few lines on the
task's dispatcher, and a task whose inner layout differs (another MediaPipe version) is left as
it is.
"""

from __future__ import annotations

import concurrent.futures
import threading
from collections.abc import Callable
from typing import Any


def run_on_caller_thread(task: Any) -> Any:
    """Make `task` (a MediaPipe Tasks object built by `create_from_options`) run its C calls
    on the calling thread, one at a time, and stop its idle dispatcher thread; returns `task`.
    """
    from mediapipe.tasks.python.core.serial_dispatcher import SerialDispatcher

    dispatcher = getattr(task, "_lib", None)
    executor = getattr(dispatcher, "_executor", None)
    if not isinstance(dispatcher, SerialDispatcher) or not isinstance(
        executor, concurrent.futures.ThreadPoolExecutor
    ):
        return task
    # The dispatcher's wrappers hold this executor object: its own `submit` is what they call.
    executor.submit = _inline_submit(threading.Lock())
    concurrent.futures.ThreadPoolExecutor.shutdown(executor, wait=True)
    return task


def _inline_submit(lock: threading.Lock) -> Callable[..., concurrent.futures.Future]:
    def submit(function: Callable[..., Any], /, *args: Any, **kwargs: Any):
        future: concurrent.futures.Future = concurrent.futures.Future()
        with lock:
            try:
                future.set_result(function(*args, **kwargs))
            except BaseException as exc:  # handed to the caller through the future, as before
                future.set_exception(exc)
        return future

    return submit
