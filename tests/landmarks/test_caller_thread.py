"""MediaPipe tasks call their C library on the caller's thread, one call at a time."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from facemotion.landmarks.caller_thread import run_on_caller_thread
from facemotion.landmarks.landmarker import mp_image, open_detector, open_landmarker
from facemotion.landmarks.segmentation import open_segmenter


def _threads() -> set[threading.Thread]:
    return set(threading.enumerate())


TASKS = {
    "landmarker": (
        lambda: open_landmarker(video=True, faces=1, min_confidence=0.5),
        lambda task, image: len(task.detect_for_video(image, 0).face_landmarks) == 1,
    ),
    "detector": (
        lambda: open_detector(0.5),
        lambda task, image: len(task.detect(image).detections) == 1,
    ),
    "segmenter": (open_segmenter, lambda task, image: bool(task.segment(image).confidence_masks)),
}


@pytest.mark.parametrize("name", TASKS)
def test_a_task_leaves_no_dispatcher_thread_behind(name, grace):
    """MediaPipe's own dispatcher runs each task's C calls on a thread of its own (one per
    task); after run_on_caller_thread no such thread is left, and the task still works."""
    open_task, works = TASKS[name]
    before = _threads()
    task = open_task()
    try:
        assert works(task, mp_image(np.ascontiguousarray(grace)))
        assert _threads() - before == set()
    finally:
        task.close()


def test_errors_reach_the_caller_as_before(grace):
    """A timestamp that does not increase is refused by the C library: the same error as
    through MediaPipe's dispatcher, raised on the caller's thread."""
    landmarker = open_landmarker(video=True, faces=1, min_confidence=0.5)
    try:
        image = mp_image(np.ascontiguousarray(grace))
        landmarker.detect_for_video(image, 10)
        with pytest.raises((ValueError, RuntimeError)):
            landmarker.detect_for_video(image, 5)
    finally:
        landmarker.close()


def test_calls_from_two_threads_take_turns(grace):
    """Two threads sharing one task get right answers (the task's lock keeps its C calls one
    at a time, as the dispatcher's single thread did)."""
    landmarker = open_landmarker(video=False, faces=1, min_confidence=0.5)
    image = np.ascontiguousarray(grace)
    found: list[int] = []

    def detect() -> None:
        for _ in range(5):
            found.append(len(landmarker.detect(mp_image(image)).face_landmarks))

    try:
        workers = [threading.Thread(target=detect) for _ in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    finally:
        landmarker.close()
    assert found == [1] * 10


def test_an_object_of_another_layout_is_left_as_it_is():
    task = object()
    assert run_on_caller_thread(task) is task
