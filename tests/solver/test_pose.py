"""Head pose on synthetic landmarks: known rotations, translations, continuity."""

from __future__ import annotations

import numpy as np
import pytest

from facemotion.solver.pose import (
    estimate_pose,
    focal_length_px,
    reference_shape,
    rotation_from_angles,
    similarity_fit,
)
from tests.solver.synthetic_face import FRAME_SIZE, NEUTRAL_CM, to_image


@pytest.fixture(scope="module")
def reference():
    return reference_shape(to_image(NEUTRAL_CM))


def test_reference_is_frontal_in_cm(reference):
    assert np.linalg.norm(reference[473] - reference[468]) == pytest.approx(6.3)
    # Subject's left eye on +x, forehead up, nose tip toward the camera.
    assert reference[473, 0] > 0 > reference[468, 0]
    assert reference[10, 1] > 0 > reference[152, 1]
    assert reference[1, 2] > 1.0
    np.testing.assert_allclose(
        reference, NEUTRAL_CM - (NEUTRAL_CM[468] + NEUTRAL_CM[473]) / 2, atol=1e-3
    )


@pytest.mark.parametrize(
    "angles",
    [(0, 0, 0), (30, 0, 0), (0, -20, 0), (0, 0, 15), (25, 12, -8), (-70, 5, 10), (80, -30, 20)],
)
def test_known_rotation_gives_yaw_pitch_roll_within_one_degree(reference, angles):
    landmarks = to_image(NEUTRAL_CM, angles)[None]
    pose = estimate_pose(landmarks, reference, FRAME_SIZE)
    np.testing.assert_allclose(pose.angles_deg[0], angles, atol=1.0)
    assert np.linalg.det(pose.rotation[0]) == pytest.approx(1.0)


def test_sign_convention_yaw_toward_the_image_right(reference):
    # Turned toward the image right, the nose tip lies right of the point between the eyes.
    landmarks = to_image(NEUTRAL_CM, (20, 0, 0))
    assert landmarks[1, 0] > (landmarks[468, 0] + landmarks[473, 0]) / 2
    pose = estimate_pose(landmarks[None], reference, FRAME_SIZE)
    assert pose.angles_deg[0, 0] > 19


def test_translation_from_ipd_and_fov(reference):
    height, width = FRAME_SIZE
    focal = focal_length_px(width, 60.0)
    distance_cm = 50.0
    px_per_cm = focal / distance_cm
    centre = (width / 2 + 5 * px_per_cm, height / 2 - 3 * px_per_cm)  # 5 cm right, 3 cm up
    landmarks = to_image(
        NEUTRAL_CM - (NEUTRAL_CM[468] + NEUTRAL_CM[473]) / 2, (10, 0, 0), centre, px_per_cm
    )
    pose = estimate_pose(landmarks[None], reference, FRAME_SIZE, fov_deg=60.0)
    np.testing.assert_allclose(pose.translation_cm[0], [5.0, 3.0, -distance_cm], atol=0.05)
    # A wider field of view means a shorter focal length: the same face is nearer.
    wide = estimate_pose(landmarks[None], reference, FRAME_SIZE, fov_deg=90.0)
    assert -wide.translation_cm[0, 2] < distance_cm


def test_head_landmarks_remove_the_pose(reference):
    landmarks = to_image(NEUTRAL_CM, (35, -15, 12), (200, 300), 7.0)[None]
    pose = estimate_pose(landmarks, reference, FRAME_SIZE)
    np.testing.assert_allclose(pose.head_landmarks[0], reference, atol=1e-3)


def test_extreme_turn_is_continuous(reference):
    yaw = np.linspace(-89, 89, 60)
    pitch = 25 * np.sin(np.linspace(0, 6, 60))
    angles = np.stack([yaw, pitch, 10 * np.ones_like(yaw)], axis=1)
    landmarks = np.stack([to_image(NEUTRAL_CM, a) for a in angles])
    pose = estimate_pose(landmarks, reference, FRAME_SIZE)
    np.testing.assert_allclose(pose.angles_deg, angles, atol=0.5)
    assert np.abs(np.diff(pose.angles_deg, axis=0)).max() < 5.0


def test_rotation_round_trip():
    angles = np.array([[10.0, -20.0, 30.0], [-80.0, 40.0, -5.0]])
    from facemotion.solver.pose import euler_angles

    np.testing.assert_allclose(euler_angles(rotation_from_angles(angles)), angles, atol=1e-9)


def test_similarity_fit_rejects_reflections():
    rng = np.random.default_rng(0)
    source = rng.normal(size=(20, 3))
    mirrored = source * np.array([-1.0, 1.0, 1.0])
    rotation, scale, _ = similarity_fit(source, mirrored[None])
    assert np.linalg.det(rotation[0]) == pytest.approx(1.0)
    assert scale[0] > 0
