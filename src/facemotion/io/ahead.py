"""An iterable worked through on a thread of its own, a few items ahead of its consumer.

Written here because the standard library has no bounded read-ahead for an iterator: a
thread pool hands each item over only when the consumer asks for the next, so the worker
waited for the consumer between items (the landmark model's tracker sat idle ~2 ms a frame).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

_POLL_S = 0.05  # how often a worker blocked on a full queue looks whether it was stopped


class _End:
    """The worker's last item: the iterable ran out, or raised `error`."""

    def __init__(self, error: BaseException | None = None) -> None:
        self.error = error


def ahead(items: Iterable[T], count: int = 2, name: str = "ahead") -> Iterator[T]:
    """The items of `items`, each produced on a worker thread up to `count` before the
    consumer takes it. An exception raised by `items` is raised to the consumer at that
    point; closing the iterator early (or an exception in the consumer) stops the worker
    after the item it is producing, before this returns."""
    handed: queue.Queue = queue.Queue(maxsize=max(1, count))
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                handed.put(item, timeout=_POLL_S)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for item in items:
                if not put(item):
                    return
        except BaseException as exc:  # handed to the consumer, which raises it
            put(_End(exc))
            return
        put(_End())

    worker = threading.Thread(target=work, name=name, daemon=True)
    worker.start()
    try:
        while True:
            item = handed.get()
            if isinstance(item, _End):
                if item.error is not None:
                    raise item.error
                return
            yield item
    finally:
        stop.set()
        worker.join()
