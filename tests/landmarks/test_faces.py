from __future__ import annotations

import numpy as np

from facemotion.landmarks.faces import choose_face


def _box(x0: float, y0: float, size: float) -> np.ndarray:
    points = np.zeros((478, 3), dtype=np.float32)
    points[0, :2] = (x0, y0)
    points[1:, :2] = (x0 + size, y0 + size)
    return points


def test_default_is_the_largest_face_and_indices_count_from_the_left():
    small_left, big_middle, mid_right = _box(0, 0, 10), _box(50, 0, 40), _box(120, 10, 20)
    faces = [big_middle, mid_right, small_left]  # MediaPipe's order is not left to right
    assert choose_face(faces, None) is big_middle
    assert choose_face(faces, 0) is small_left
    assert choose_face(faces, 1) is big_middle
    assert choose_face(faces, 2) is mid_right
    assert choose_face(faces, 3) is None
    assert choose_face([], None) is None
    assert choose_face([mid_right], 0) is mid_right
    assert choose_face([mid_right], 1) is None
