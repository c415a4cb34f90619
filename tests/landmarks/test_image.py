from __future__ import annotations

import cv2
import numpy as np
import pytest

from facemotion.errors import NoFaceError, Remedy
from facemotion.landmarks import LandmarkTracker, detect_image_landmarks, detect_landmarks
from facemotion.landmarks.image import _padded, _rescaled, _Variant


def _found_at_first_try(image: np.ndarray) -> bool:
    with LandmarkTracker(static=True) as tracker:
        return tracker(image)[1]


def _resized(image: np.ndarray, longer_side: int) -> tuple[np.ndarray, float, float]:
    height, width = image.shape[:2]
    scale = longer_side / max(height, width)
    size = (round(width * scale), round(height * scale))
    shrink = scale < 1
    resized = cv2.resize(image, size, interpolation=cv2.INTER_AREA if shrink else cv2.INTER_CUBIC)
    return resized, size[0] / width, size[1] / height


def test_no_face_raises_one_line_naming_the_file():
    with pytest.raises(NoFaceError) as error:
        detect_image_landmarks(np.full((120, 90, 3), 200, np.uint8), name="cartoon.png")
    message = str(error.value)
    assert "cartoon.png" in message and "\n" not in message
    assert Remedy("model", "vox") in error.value.remedies
    assert error.value.exit_code == 2


def test_a_face_cut_by_the_border_is_found_by_padding(grace, grace_points):
    low, high = grace_points[:, 0].min(), grace_points[:, 0].max()
    left = int(low + 0.5 * (high - low))  # the left edge runs through the subject's right eye
    crop = np.ascontiguousarray(grace[:, left:])
    assert not _found_at_first_try(crop)
    points = detect_image_landmarks(crop)
    expected = grace_points[:, :2] - (left, 0)
    visible = expected[:, 0] >= 0
    errors = np.linalg.norm(points[visible, :2] - expected[visible], axis=1)
    assert np.median(errors) < 3.0 and np.percentile(errors, 90) < 8.0
    # The hidden half is placed where it was, roughly (mirrored from the visible half).
    hidden = np.linalg.norm(points[~visible, :2] - expected[~visible], axis=1)
    assert np.median(hidden) < 15.0


@pytest.mark.parametrize("longer_side", [64, 32])
def test_tiny_images_are_found_and_scaled_back(grace, grace_points, longer_side):
    tiny, scale_x, scale_y = _resized(grace, longer_side)
    points = detect_image_landmarks(tiny)
    expected = grace_points * np.array([scale_x, scale_y, scale_x], np.float32)
    errors = np.linalg.norm(points[:, :2] - expected[:, :2], axis=1)  # in the tiny image's px
    # The v2 mesh: 0.92 px median, 2.06 px 95th percentile at 64 px (legacy FaceMesh: < 2).
    assert np.median(errors) < 1.0 and np.percentile(errors, 95) < 2.5
    assert np.median(np.abs(points[:, 2] - expected[:, 2])) < 1.0


def test_a_32_px_face_needs_the_upscaled_retry(grace):
    assert not _found_at_first_try(_resized(grace, 32)[0])


def test_a_huge_image_is_found_with_points_in_its_own_pixels(grace, grace_points):
    huge, scale_x, scale_y = _resized(grace, 4000)
    points = detect_image_landmarks(huge)
    back = points / np.array([scale_x, scale_y, scale_x], np.float32)
    errors = np.linalg.norm(back[:, :2] - grace_points[:, :2], axis=1)  # in the portrait's px
    assert np.median(errors) < 2.0 and np.percentile(errors, 95) < 4.0
    # The retry on a downscaled copy maps its points back to the huge image as well.
    copy = _rescaled(huge, 1024 / 4000, cv2.INTER_AREA)
    with LandmarkTracker(static=True) as tracker:
        scaled_back, found = tracker(copy.image)
    assert found
    errors = np.linalg.norm(copy.to_original(scaled_back)[:, :2] - points[:, :2], axis=1)
    assert np.median(errors) < 2.0 * scale_x


def test_variants_map_points_back_exactly():
    image = np.zeros((300, 200, 3), np.uint8)
    variant = _padded(_rescaled(image, 2.0, cv2.INTER_CUBIC))
    assert variant.image.shape == (600 + 2 * 90, 400 + 2 * 90, 3)
    original = np.array([[10.0, 20.0, -5.0], [199.0, 299.0, 3.0]], np.float32)
    in_copy = original * np.array([2.0, 2.0, 2.0], np.float32) + np.array([90, 90, 0])
    np.testing.assert_allclose(variant.to_original(in_copy.astype(np.float32)), original)
    assert _Variant(image).to_original(original.copy()).tolist() == original.tolist()


SPLIT_X = 210  # the astronaut's crop is this wide; Grace Hopper's starts here
GRACE_SHIFT = (SPLIT_X - 80, -40)  # where Grace Hopper's crop puts her portrait's pixels


@pytest.fixture(scope="module")
def two_faces(grace, astronaut):
    """(400, 580, 3): the astronaut (face ~90 px wide) left of Grace Hopper (face ~185 px)."""
    pair = np.full((400, 580, 3), 128, np.uint8)
    pair[70:330, :SPLIT_X] = astronaut[0:260, 120:330]
    pair[:, SPLIT_X:] = grace[40:440, 80:450]
    return pair


def test_two_faces_largest_by_default_else_counted_from_the_left(two_faces, grace_points):
    largest = detect_image_landmarks(two_faces)
    first = detect_image_landmarks(two_faces, face=0)
    second = detect_image_landmarks(two_faces, face=1)
    assert first[:, 0].max() < SPLIT_X < second[:, 0].min()
    np.testing.assert_allclose(largest, second, atol=1e-3)
    errors = np.linalg.norm(second[:, :2] - (grace_points[:, :2] + GRACE_SHIFT), axis=1)
    assert np.median(errors) < 3.0
    with pytest.raises(NoFaceError, match="number 2"):
        detect_image_landmarks(two_faces, face=2, name="pair.png")


def test_tracking_two_faces_follows_the_requested_one(two_faces):
    frames = [two_faces] * 3
    for face, on_the_right in ((None, True), (0, False), (1, True)):
        results = list(detect_landmarks(frames, face=face))
        assert all(found for _, found in results)
        assert all((points[:, 0].mean() > SPLIT_X) == on_the_right for points, _ in results)
    assert not any(found for _, found in detect_landmarks(frames, face=2))


@pytest.mark.parametrize("shape", [(1, 1, 3), (5, 3000, 3), (2100, 4, 3)])
def test_degenerate_sizes_are_refused_as_no_face(shape):
    with pytest.raises(NoFaceError, match="odd.png"):
        detect_image_landmarks(np.zeros(shape, np.uint8), name="odd.png")
