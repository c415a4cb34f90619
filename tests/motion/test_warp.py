"""The mesh warp: similarity transforms are exact, identity is identity, no seams."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from facemotion.motion.mesh import face_topology, signed_areas
from facemotion.motion.similarity import Similarity, fit_similarity
from facemotion.motion.warp import (
    backward_map,
    coarse_map,
    remap,
    source_points,
    support_window,
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


_BIG = 400  # a face large enough for its irises to be ~8 px in radius
_RIGHT_RIM = (33, 246, 161, 160, 159, 158, 157, 173, 133, 155, 154, 153, 145, 144, 163, 7)
_RIGHT_UPPER, _RIGHT_LOWER = _RIGHT_RIM[1:8], _RIGHT_RIM[15:8:-1]


def _eye_image(marks: np.ndarray) -> np.ndarray:
    """(_BIG, _BIG, 3) float32: skin grey, white inside the lid rims, a black iris disc of
    0.55 of the ring's mean radius on each iris centre (clear of the lids, so that any dark
    pixel outside the opening comes from the disc)."""
    image = np.full((_BIG, _BIG, 3), 0.6, np.float32)
    for rim, centre in ((face_topology().right_eye, 468), (face_topology().left_eye, 473)):
        inside = np.zeros((_BIG, _BIG), np.uint8)
        cv2.fillPoly(inside, [np.round(marks[rim, :2] * 16).astype(np.int32)], 1, shift=4)
        disc = np.zeros_like(inside)
        radius = np.linalg.norm(marks[centre + 1 : centre + 5, :2] - marks[centre, :2], axis=1)
        cv2.circle(
            disc,
            tuple(np.round(marks[centre, :2] * 16).astype(int)),
            int(16 * 0.55 * radius.mean()),
            1,
            -1,
            shift=4,
        )
        image[inside > 0] = 1.0
        image[(inside > 0) & (disc > 0)] = 0.0
    return image


def _dark_spread(image: np.ndarray, box: tuple[slice, slice]) -> tuple[float, float, float]:
    """(width, height, count) of the dark pixels in `box`: their spread along x and y (std)."""
    dark = image[box][..., 0] < 0.3
    ys, xs = np.nonzero(dark)
    return float(xs.std()), float(ys.std()), float(dark.sum())


@pytest.mark.parametrize("sideways", [-0.15, 0.15])
def test_an_iris_keeps_its_round_shape_when_the_gaze_turns(sideways):
    marks = face_landmarks(_BIG)
    image = _eye_image(marks)
    width = float(np.hypot(*(marks[33, :2] - marks[133, :2])))
    turned = marks.copy()
    turned[468:473, 0] += sideways * width  # the right eye's iris, centre and ring
    (map_x, map_y), _ = _warp(marks, turned, Similarity.identity(), shape=(_BIG, _BIG))
    warped = remap(image, map_x, map_y)
    rim = marks[list(_RIGHT_RIM), :2]
    box = (
        slice(int(rim[:, 1].min()) - 2, int(rim[:, 1].max()) + 3),
        slice(int(rim[:, 0].min()) - 2, int(rim[:, 0].max()) + 3),
    )
    before, after = _dark_spread(image, box), _dark_spread(warped, box)
    # The same disc, moved: as wide, as tall, as many pixels (a fan from the iris centre to the
    # rims squeezed it on one side and stretched it on the other).
    assert after[0] == pytest.approx(before[0], rel=0.05)
    assert after[1] == pytest.approx(before[1], rel=0.05)
    assert after[2] == pytest.approx(before[2], rel=0.05)
    ys, xs = np.nonzero(warped[box][..., 0] < 0.3)
    assert xs.mean() + box[1].start == pytest.approx(turned[468, 0] - 0.5, abs=1.0)


def test_shut_lids_cover_the_iris_disc():
    marks = face_landmarks(_BIG)
    image = _eye_image(marks)
    shut = marks.copy()
    shut[list(_RIGHT_UPPER), :2] = marks[list(_RIGHT_LOWER), :2]
    # The iris looks up, under the upper lid, as a blink turns the eyes.
    shut[468:473, 1] -= 0.3 * float(np.hypot(*(marks[33, :2] - marks[133, :2])))
    (map_x, map_y), _ = _warp(marks, shut, Similarity.identity(), shape=(_BIG, _BIG))
    warped = remap(image, map_x, map_y)
    rim = marks[list(_RIGHT_RIM), :2]
    box = (
        slice(int(rim[:, 1].min()) - 10, int(rim[:, 1].max()) + 3),
        slice(int(rim[:, 0].min()) - 2, int(rim[:, 0].max()) + 3),
    )
    assert (warped[box][..., 0] < 0.3).sum() == 0  # no iris shows through the lids


def test_a_window_gives_the_same_map_inside_it_and_zero_outside():
    source_marks = face_landmarks()
    target_marks = source_marks.copy()
    target_marks[:, :2] = Similarity(1.08, _rotation(7.0), np.array([4.0, -3.0]))(
        source_marks[:, :2]
    )
    layout = warp_layout(source_marks)
    source = source_points(source_marks, layout, (SIZE, SIZE))
    head = fit_similarity(source_marks[:, :2], target_marks[:, :2])
    target = target_points(target_marks[:, :2], source, layout, head)
    whole = coarse_map(target, source, layout, (SIZE, SIZE), target_marks[:, 2], 2)
    weight = np.zeros(whole[0].shape)
    weight[5:20, 7:31] = 0.5
    window = support_window(weight)
    assert window == (5, 20, 7, 31)
    part = coarse_map(target, source, layout, (SIZE, SIZE), target_marks[:, 2], 2, window)
    for full, windowed in zip(whole, part, strict=True):
        assert np.array_equal(windowed[5:20, 7:31], full[5:20, 7:31])
        outside = np.ones(full.shape, bool)
        outside[5:20, 7:31] = False
        # The face is painted wherever it is; only the surroundings are left out.
        face = np.abs(windowed - full) < 1e-12
        assert (windowed[outside & ~face] == 0).all() and (outside & ~face).any()
    assert support_window(np.zeros((4, 4))) == (0, 0, 0, 0)
