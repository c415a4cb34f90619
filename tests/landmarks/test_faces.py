from __future__ import annotations

import numpy as np
from mediapipe.framework.formats import landmark_pb2

from facemotion.landmarks.faces import choose_face, normalized_points, to_pixels


def _landmark_list(points: np.ndarray, visibility: bool = False):
    message = landmark_pb2.NormalizedLandmarkList()
    for x, y, z in points:
        landmark = message.landmark.add(x=x, y=y, z=z)
        if visibility:
            landmark.visibility = 0.9
    return message


def test_reading_the_serialized_floats_matches_the_messages():
    rng = np.random.default_rng(0)
    points = rng.normal(size=(478, 3)).astype(np.float32)
    points[5] = 0.0  # zeros are still written (proto2 fields with presence)
    points[7, 1] = -0.0
    message = _landmark_list(points)
    read = normalized_points(message)
    assert read.dtype == np.float32 and read.shape == (478, 3) and read.flags.writeable
    np.testing.assert_array_equal(read, points)
    by_field = np.array([(p.x, p.y, p.z) for p in message.landmark], dtype=np.float32)
    np.testing.assert_array_equal(read, by_field)


def test_other_layouts_fall_back_to_reading_field_by_field():
    points = np.random.default_rng(1).normal(size=(10, 3)).astype(np.float32)
    np.testing.assert_array_equal(normalized_points(_landmark_list(points, True)), points)
    message = landmark_pb2.NormalizedLandmarkList()
    message.landmark.add(x=0.5, y=0.25)  # z left out
    np.testing.assert_array_equal(normalized_points(message), [[0.5, 0.25, 0.0]])


def test_pixels_scale_x_and_z_by_the_width_and_y_by_the_height():
    points = np.array([[0.5, 0.25, -0.1]], dtype=np.float32)
    np.testing.assert_allclose(to_pixels(points, 200, 100), [[100.0, 25.0, -20.0]])


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
