"""The mesh warp: similarity transforms are exact, identity is identity, no seams."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from facemotion.motion.mesh import face_topology, signed_areas
from facemotion.motion.similarity import Similarity, fit_similarity
from facemotion.motion.warp import (
    backward_map,
    remap,
    source_points,
    target_points,
    warp_layout,
)
from tests.motion.landmark_faces import SIZE, face_landmarks, open_mouth_landmarks, textured_image


def _rotation(degrees: float) -> np.ndarray:
    angle = np.deg2rad(degrees)
    return np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])


def _warp(source_marks, target_marks, head, step=1, shape=(SIZE, SIZE)):
    layout = warp_layout(source_marks)
    source = source_points(source_marks, layout, shape)
    target = target_points(target_marks[:, :2], source, layout, head)
    return backward_map(target, source, layout, shape, target_marks[:, 2], step), layout


def _oval_mask(points: np.ndarray, erode: int = 2) -> np.ndarray:
    mask = np.zeros((SIZE, SIZE), np.uint8)
    cv2.fillPoly(mask, [np.round(points[face_topology().oval, :2] - 0.5).astype(np.int32)], 1)
    return cv2.erode(mask, np.ones((2 * erode + 1,) * 2, np.uint8)) > 0


def test_topology_is_a_consistently_oriented_disk_with_three_holes():
    topology = face_topology()
    assert topology.triangles.shape == (852, 3)
    areas = signed_areas(face_landmarks(), topology.triangles)
    # A frontal face: (almost) every triangle faces the camera with one orientation.
    assert np.mean(areas > 0) > 0.98 or np.mean(areas < 0) > 0.98
    assert len(topology.oval) == 36 and len(topology.inner_lips) == 20


@pytest.mark.parametrize("step", [1, 2])
def test_known_similarity_moves_the_face_by_that_similarity(step):
    image = textured_image()
    source_marks = face_landmarks()
    head = Similarity(1.08, _rotation(7.0), np.array([-9.0, 4.0]))
    # About the face centre, so that the face stays in the frame.
    centre = source_marks[:, :2].mean(axis=0)
    head = Similarity(head.scale, head.rotation, centre + head.translation - head(centre[None])[0])
    target_marks = source_marks.copy()
    target_marks[:, :2] = head(source_marks[:, :2])
    (map_x, map_y), _ = _warp(source_marks, target_marks, head, step)

    # Expected backward map: the inverse similarity in pixel-index coordinates.
    inverse = np.linalg.inv(np.vstack([head.matrix, [0, 0, 1]]))
    ys, xs = np.mgrid[0:SIZE, 0:SIZE].astype(np.float64)
    expected_x = inverse[0, 0] * (xs + 0.5) + inverse[0, 1] * (ys + 0.5) + inverse[0, 2] - 0.5
    expected_y = inverse[1, 0] * (xs + 0.5) + inverse[1, 1] * (ys + 0.5) + inverse[1, 2] - 0.5
    face = _oval_mask(target_marks)
    error = np.hypot(map_x - expected_x, map_y - expected_y)[face]
    assert error.max() < 1.0
    assert np.median(error) < 0.05

    # And the image matches OpenCV's own affine warp there.
    forward = head.matrix.copy()
    forward[:, 2] += forward[:, :2] @ [0.5, 0.5] - 0.5
    reference = cv2.warpAffine(image, forward, (SIZE, SIZE), flags=cv2.INTER_LINEAR)
    warped = remap(image, map_x, map_y)
    assert np.abs(warped - reference)[face].mean() < 0.01


def test_identity_targets_give_the_identity_map():
    marks = face_landmarks()
    (map_x, map_y), _ = _warp(marks, marks, Similarity.identity(), step=2)
    ys, xs = np.mgrid[0:SIZE, 0:SIZE]
    assert np.abs(map_x - xs).max() < 1e-3
    assert np.abs(map_y - ys).max() < 1e-3


def test_open_mouth_warp_is_continuous_and_keeps_the_far_background():
    # A face small enough for the corners to be far background (over 2.5 oval radii away).
    source_marks = face_landmarks(px_per_cm=SIZE / 60)
    target_marks = open_mouth_landmarks(px_per_cm=SIZE / 60)
    head = fit_similarity(source_marks[:, :2], target_marks[:, :2])
    (map_x, map_y), _ = _warp(source_marks, target_marks, head)
    assert np.isfinite(map_x).all() and np.isfinite(map_y).all()
    # No seams: neighbouring pixels sample nearby source points everywhere.
    jumps = max(
        np.abs(np.diff(map_x, axis=1)).max(),
        np.abs(np.diff(map_y, axis=0)).max(),
        np.abs(np.diff(map_x, axis=0)).max(),
        np.abs(np.diff(map_y, axis=1)).max(),
    )
    assert jumps < 4.0
    # The mouth opened: pixels between the target lips sample near the closed source lips.
    lips = face_topology().inner_lips
    inside = target_marks[lips, :2].mean(axis=0)
    x, y = int(inside[0]), int(inside[1])
    assert abs(map_y[y, x] - source_marks[lips, 1].mean()) < 2.0
    # The image corners stay where they are.
    for y, x in ((0, 0), (0, SIZE - 1), (SIZE - 1, 0), (SIZE - 1, SIZE - 1)):
        assert abs(map_x[y, x] - x) < 0.5 and abs(map_y[y, x] - y) < 0.5
