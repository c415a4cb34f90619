"""Target landmarks: relative (FOMM's rule, with the head as a similarity), adapt scale,
absolute; the similarity fit."""

from __future__ import annotations

import math

import numpy as np

from facemotion.models.normalize import hull_area
from facemotion.motion.similarity import Similarity, fit_similarity
from facemotion.motion.targets import absolute_targets, adapt_scale_factor, relative_targets
from tests.motion.landmark_faces import face_landmarks


def _rotation(degrees: float) -> np.ndarray:
    angle = np.deg2rad(degrees)
    return np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])


def test_fit_similarity_recovers_a_known_transform():
    points = face_landmarks()[:, :2]
    known = Similarity(1.3, _rotation(-20.0), np.array([5.0, -7.0]))
    fitted = fit_similarity(points, known(points))
    assert math.isclose(fitted.scale, 1.3, rel_tol=1e-9)
    np.testing.assert_allclose(fitted.rotation, known.rotation, atol=1e-9)
    np.testing.assert_allclose(fitted.translation, known.translation, atol=1e-6)


def test_relative_without_rotation_is_fomms_rule():
    source = face_landmarks(px_per_cm=4.0)  # a smaller face than the driving one
    reference = face_landmarks(px_per_cm=6.0)
    driving = face_landmarks(px_per_cm=6.0)
    driving[:, :2] += [3.0, -2.0]
    driving[13:15, 1] += [-1.0, 2.0]
    scale = math.sqrt(hull_area(source[:468, :2]) / hull_area(reference[:468, :2]))
    expected = source[:, :2] + scale * (driving[:, :2] - reference[:, :2])
    targets = relative_targets(source, driving, reference, adapt_scale=True)
    np.testing.assert_allclose(targets, expected, atol=0.05)
    assert math.isclose(adapt_scale_factor(source, reference), scale, rel_tol=1e-9)
    plain = relative_targets(source, driving, reference, adapt_scale=False)
    np.testing.assert_allclose(plain, source[:, :2] + driving[:, :2] - reference[:, :2], atol=0.05)
    assert np.abs(plain - targets).max() > 0.5  # adapt scale makes a difference


def test_relative_head_rotation_rotates_the_source_instead_of_shearing_it():
    reference = face_landmarks()
    centre = reference[:, :2].mean(axis=0)
    turn = Similarity(1.1, _rotation(15.0), np.zeros(2))
    turn = Similarity(1.1, turn.rotation, centre - turn(centre[None])[0] + [4.0, 0.0])
    driving = reference.copy()
    driving[:, :2] = turn(reference[:, :2])
    source = face_landmarks(px_per_cm=4.5, angles_deg=(0.0, 0.0, 25.0))  # a tilted head
    targets = relative_targets(source, driving, reference, adapt_scale=True)
    # The source face turned by the same angle and scaled alike: a similarity of the source.
    fitted = fit_similarity(source[:, :2], targets)
    assert math.isclose(fitted.scale, 1.1, rel_tol=1e-6)
    np.testing.assert_allclose(fitted(source[:, :2]), targets, atol=1e-6)
    assert math.isclose(
        math.degrees(math.atan2(fitted.rotation[1, 0], fitted.rotation[0, 0])), 15.0, abs_tol=1e-6
    )
    # FOMM's plain rule would add the driving displacement as it is: a different shape.
    plain = source[:, :2] + adapt_scale_factor(source, reference) * (
        driving[:, :2] - reference[:, :2]
    )
    assert np.abs(plain - targets).max() > 1.0


def test_identical_reference_and_driving_leave_the_source_in_place():
    source, reference = face_landmarks(px_per_cm=4.0), face_landmarks()
    np.testing.assert_allclose(relative_targets(source, reference, reference), source[:, :2])


def test_absolute_maps_the_driving_centre_square_onto_the_source():
    driving = face_landmarks(size=160)
    driving[:, 0] += 40.0  # drawn in a 240 x 160 frame, face in its centred square
    targets = absolute_targets(driving, (160, 240), (320, 320))
    np.testing.assert_allclose(targets, (driving[:, :2] - [40.0, 0.0]) * 2.0)
