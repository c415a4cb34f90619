"""Neutral calibration of the learned scores, the neutral frames, the eyes' rotation."""

from __future__ import annotations

import numpy as np
import pytest

from facemotion.landmarks.arkit import ARKIT_NAMES, INDEX, LIVE_LINK_COLUMNS
from facemotion.solver.blendshapes import UNOBSERVED, eye_rotations, neutral_frames
from facemotion.solver.calibration import calibrate
from facemotion.solver.clip import SolveOptions, solve
from tests.solver.synthetic_face import FRAME_SIZE, NEUTRAL_CM, open_jaw, to_image


def test_names_follow_live_link_face():
    assert len(ARKIT_NAMES) == 52 and len(set(ARKIT_NAMES)) == 52
    assert ARKIT_NAMES[0] == "eyeBlinkLeft" and ARKIT_NAMES[-1] == "tongueOut"
    assert ARKIT_NAMES[14:18] == ("jawForward", "jawRight", "jawLeft", "jawOpen")
    assert len(LIVE_LINK_COLUMNS) == 63
    assert LIVE_LINK_COLUMNS[:3] == ("Timecode", "BlendShapeCount", "EyeBlinkLeft")
    assert LIVE_LINK_COLUMNS[-10:-8] == ("TongueOut", "HeadYaw")


def test_calibration_takes_the_neutral_off_and_keeps_the_full_range():
    neutral = np.zeros(52)
    neutral[[0, 1, 2]] = (0.2, 0.0, 0.98)
    scores = np.array([[0.2, 0.0, 0.98], [0.6, 0.5, 0.99], [1.0, 1.0, 1.0], [0.1, 0.0, 0.0]])
    scores = np.pad(scores, ((0, 0), (0, 49)))
    weights = calibrate(scores, neutral)
    np.testing.assert_allclose(weights[0, :2], 0.0)  # the neutral itself: 0
    np.testing.assert_allclose(weights[1, :2], [0.5, 0.5])  # halfway to full: half
    np.testing.assert_allclose(weights[2, :2], [1.0, 1.0])  # a full expression still reaches 1
    assert weights[3, 0] == 0.0  # below the neutral: clipped at 0, never negative
    # A shape whose neutral score leaves no range to stretch keeps its raw score.
    np.testing.assert_allclose(weights[:, 2], scores[:, 2])


def test_solve_calibrates_against_the_neutral_frames_and_keeps_tongue_out_at_zero():
    angles = np.array([0, 0, 0, 10, 20, 10, 0, 0])
    landmarks = np.stack([to_image(open_jaw(a)) for a in angles])
    scores = np.zeros((len(angles), 52))
    scores[:, INDEX["jawOpen"]] = 0.1 + angles / 25.0
    scores[:, INDEX["browInnerUp"]] = 0.25  # a resting brow the model scores above 0
    scores[:, INDEX["tongueOut"]] = 0.5  # the model has none; it must never show
    times = np.arange(len(angles)) / 30.0
    options = SolveOptions(smoothing=None)
    result = solve(landmarks, np.ones(len(angles), bool), times, FRAME_SIZE, options, scores)
    assert set(result.neutral_frames) <= {0, 1, 2, 6, 7}
    jaw = result.blendshapes[:, INDEX["jawOpen"]]
    np.testing.assert_allclose(jaw, (angles / 25.0) / 0.9, atol=1e-6)
    assert np.abs(result.blendshapes[:, INDEX["browInnerUp"]]).max() < 1e-6
    for name in UNOBSERVED:
        assert np.all(result.blendshapes[:, INDEX[name]] == 0)
    raw = solve(
        landmarks,
        np.ones(len(angles), bool),
        times,
        FRAME_SIZE,
        SolveOptions(smoothing=None, calibrate=False),
        scores,
    )
    np.testing.assert_allclose(raw.blendshapes[:, INDEX["jawOpen"]], scores[:, INDEX["jawOpen"]])


def shift(indices, offset) -> np.ndarray:
    shape = NEUTRAL_CM.copy()
    shape[list(indices)] += offset
    return shape


def test_eye_rotations_follow_the_irises():
    irises = [*range(473, 478), *range(468, 473)]
    toward_left = shift(irises, [0.5, 0, 0])  # both look to the subject's left
    rotations = eye_rotations(toward_left[None], NEUTRAL_CM)
    assert rotations[0, 0, 0] == pytest.approx(np.arcsin(0.5 / 1.2))
    assert rotations[0, 1, 0] == pytest.approx(np.arcsin(0.5 / 1.2))
    up = eye_rotations(shift(irises, [0, 0.3, 0])[None], NEUTRAL_CM)
    assert up[0, 0, 1] == pytest.approx(-np.arcsin(0.3 / 1.2)) and up[0, 0, 0] == 0


def test_neutral_frames_pick_the_rest_pose():
    clip = np.stack([open_jaw(a) for a in (12, 0, 14, 10, 0.5, 16)])
    assert set(neutral_frames(clip, 2)) == {1, 4}
