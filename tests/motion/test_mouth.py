"""Mouth fill: a drawn interior (teeth, dark cavity) in the source lips' hue, never the driver's."""

from __future__ import annotations

import cv2
import numpy as np

from facemotion.landmarks.topology import LIPS_OUTER
from facemotion.motion.landmark_model import LandmarkModel, LandmarkOptions
from facemotion.motion.mesh import face_topology
from facemotion.motion.mouth import MouthOptions, lip_colour, mouth_interior
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


def _open_loop(width: float = 80.0, height: float = 50.0) -> np.ndarray:
    """(20, 2) inner-lip loop of an open mouth in a 100 x 100 patch, MediaPipe's order
    (corner, upper lip to the other corner at index 10, lower lip back)."""
    upper = np.linspace(np.pi, 0.0, 11)
    lower = np.linspace(0.0, -np.pi, 11)[1:-1]
    angles = np.concatenate([upper, lower])
    return np.stack([50 + width / 2 * np.cos(angles), 50 - height / 2 * np.sin(angles)], 1)


def _chroma(lab: np.ndarray) -> float:
    return float(np.hypot(lab[1], lab[2]))


def test_drawn_teeth_and_cavity_take_no_cast_from_a_tinted_photo():
    marks = face_landmarks()
    inner = face_topology().inner_lips
    # A blue-lit photo and a brown (sepia-like) one: skin and lips both carry the cast.
    for gains in ((0.5, 0.75, 1.4), (1.1, 0.85, 0.55)):
        source = np.empty((SIZE, SIZE, 3), np.float32)
        source[:] = SKIN
        _polygon(source, marks[LIPS_OUTER], LIPS)
        source = np.clip(source * np.float32(gains), 0.0, 1.0)
        lips = lip_colour(source, marks[LIPS_OUTER, :2], marks[inner, :2])
        assert _chroma(lips) > 25  # the cast is strong
        drawn = cv2.cvtColor(
            mouth_interior(_open_loop(), (100, 100), lips, MouthOptions()), cv2.COLOR_RGB2Lab
        )
        # The upper lip's middle lies at y = 25, the corners at x = 10 and 90.
        teeth = drawn[27:33, 44:56].reshape(-1, 3).mean(axis=0)
        cavity = drawn[46:54, 20:30].reshape(-1, 3).mean(axis=0)
        assert cavity[0] < 12  # dark
        assert teeth[0] > cavity[0] + 35  # light teeth against it
        assert _chroma(cavity) < 9  # near black, neither blue nor brown
        assert _chroma(teeth) < 0.35 * _chroma(lips)  # near-neutral beside the lips
