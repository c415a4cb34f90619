from __future__ import annotations

import threading
import time

import pytest

from facemotion.io.ahead import ahead


def test_items_come_in_order_from_another_thread():
    threads = []

    def items():
        for index in range(50):
            threads.append(threading.current_thread())
            yield index

    assert list(ahead(items(), 3)) == list(range(50))
    assert all(thread is not threading.current_thread() for thread in threads)


def test_the_worker_runs_at_most_count_items_ahead():
    produced = []

    def items():
        for index in range(100):
            produced.append(index)
            yield index

    iterator = ahead(items(), 2)
    for taken in range(1, 20):
        next(iterator)
        time.sleep(0.01)  # time for the worker to run ahead as far as it may
        # `count` waiting in the queue plus one produced and waiting for room.
        assert taken <= len(produced) <= taken + 3
    iterator.close()


def test_an_error_of_the_iterable_reaches_the_consumer_after_the_items_before_it():
    def items():
        yield 1
        yield 2
        raise ValueError("broken frame")

    iterator = ahead(items(), 2)
    assert next(iterator) == 1 and next(iterator) == 2
    with pytest.raises(ValueError, match="broken frame"):
        next(iterator)


def test_closing_early_stops_the_worker():
    def endless():
        index = 0
        while True:
            yield index
            index += 1

    before = {thread.name for thread in threading.enumerate()}
    iterator = ahead(endless(), 2, name="ahead-under-test")
    assert next(iterator) == 0
    iterator.close()
    assert "ahead-under-test" not in {thread.name for thread in threading.enumerate()} - before
