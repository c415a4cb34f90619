"""Mouth fill: a drawn interior (teeth, dark cavity) in the source lips' hue, never the driver's."""

from __future__ import annotations

import cv2
import numpy as np

from facemotion.landmarks.topology import LIPS_OUTER
from facemotion.motion.landmark_model import LandmarkModel, LandmarkOptions
from facemotion.motion.mesh import face_topology
from facemotion.motion.mouth import lip_colour
from tests.motion.landmark_faces import SIZE, ScriptedTracker, face_landmarks, open_mouth_landmarks

SKIN = (0.75, 0.55, 0.45)
LIPS = (0.65, 0.3, 0.3)


def _polygon(image: np.ndarray, points: np.ndarray, colour) -> None:
    cv2.fillPoly(image, [np.round(points[:, :2] - 0.5).astype(np.int32)], colour)


def _scene(interior_colours):
    """Source (closed red lips on skin), opened-mouth landmarks and driving frames whose
    interiors have the given colours, with a highlight (teeth) along the upper lip."""
    marks = face_landmarks()
    inner = face_topology().inner_lips
    source = np.empty((SIZE, SIZE, 3), np.float32)
    source[:] = SKIN
    _polygon(source, marks[LIPS_OUTER], LIPS)
    opened = open_mouth_landmarks(degrees=18.0)
    frames = []
    for colour in interior_colours:
        driving = np.empty((SIZE, SIZE, 3), np.float32)
        driving[:] = (0.6, 0.65, 0.8)  # a blue camera cast on the skin too
        _polygon(driving, opened[LIPS_OUTER], (0.45, 0.35, 0.55))
        _polygon(driving, opened[inner], colour)
        top = opened[inner][:, 1].min()
        driving[int(top) : int(top) + 3] = np.where(
            driving[int(top) : int(top) + 3] == np.float32(colour), 0.85, driving[int(top)]
        )
        frames.append(driving)
    return source, marks, opened, frames


def _animate(source, marks, opened, frames):
    script = [(marks, True)] + [(opened, True)] * (len(frames) - 1)
    # Relative motion: the opened mouth lies exactly where the driving one does.
    options = LandmarkOptions(
        smoothing=False, settle_calls=0, body_motion=False, expression="relative"
    )
    model = LandmarkModel(
        options,
        tracker_factory=lambda: ScriptedTracker(script),
        source_detector=lambda _: marks,
    )
    return list(model.animate(source, frames))


def _inside(opened: np.ndarray) -> np.ndarray:
    mouth = np.zeros((SIZE, SIZE), np.uint8)
    _polygon(mouth, opened[face_topology().inner_lips], 1)
    return cv2.erode(mouth, np.ones((5, 5), np.uint8)) > 0


def _lab(colour) -> np.ndarray:
    return cv2.cvtColor(np.float32(colour).reshape(1, 1, 3), cv2.COLOR_RGB2Lab).reshape(3)


def test_blue_driving_interior_leaves_a_dark_mouth_in_the_source_lips_hue():
    blue = (0.1, 0.15, 0.45)
    source, marks, opened, frames = _scene([blue, blue])
    output = _animate(source, marks, opened, frames)[1]
    inside = _inside(opened)
    assert inside.sum() > 30
    mean = output[inside].mean(axis=0)
    assert np.isfinite(output).all() and mean.mean() > 0.05  # shaded, no hole
    assert mean[2] <= mean[0] and mean[0] > mean[1]  # red-brown, not blue
    lips = lip_colour(source, marks[LIPS_OUTER, :2], marks[face_topology().inner_lips, :2])
    np.testing.assert_allclose(lips, _lab(LIPS), atol=1.0)
    interior = _lab(mean)
    assert interior[0] < lips[0] - 5  # darker than the lips
    # Its hue points the lips' way (a, b within 40 degrees), whatever the driving cast.
    cosine = interior[1:] @ lips[1:] / (np.linalg.norm(interior[1:]) * np.linalg.norm(lips[1:]))
    assert cosine > np.cos(np.radians(40))


def test_open_mouth_shows_teeth_under_the_upper_lip_and_a_dark_cavity_below():
    source, marks, opened, frames = _scene([(0.1, 0.15, 0.45)] * 2)
    output = _animate(source, marks, opened, frames)[1]
    inside = _inside(opened)
    rows = np.flatnonzero(inside.any(axis=1))
    lightness = cv2.cvtColor(output, cv2.COLOR_RGB2Lab)[..., 0]
    per_row = [lightness[row][inside[row]].mean() for row in rows]
    top, middle = per_row[0], min(per_row[len(per_row) // 3 : 2 * len(per_row) // 3])
    assert top > middle + 20  # teeth under the upper lip
    assert middle < 30  # a dark cavity


def test_fill_ignores_the_driving_interior():
    blue, yellow = _scene([(0.1, 0.15, 0.45)] * 2), _scene([(0.9, 0.8, 0.2)] * 2)
    first = _animate(*blue)[1]
    second = _animate(*yellow)[1]
    inside = _inside(blue[2])
    assert np.abs(first - second)[inside].max() < 1e-5
