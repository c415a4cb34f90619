"""The whole capture on arrays: calibration, gaps, smoothing."""

from __future__ import annotations

import numpy as np
import pytest

from facemotion.landmarks.arkit import INDEX
from facemotion.solver.clip import SolveOptions, solve
from tests.solver.synthetic_face import FRAME_SIZE, NEUTRAL_CM, open_jaw, to_image


def clip(jaw_deg, yaw_deg) -> np.ndarray:
    return np.stack(
        [to_image(open_jaw(j), (y, 5, 0)) for j, y in zip(jaw_deg, yaw_deg, strict=True)]
    )


def jaw_scores(jaw_deg) -> np.ndarray:
    """(T, 52) learned scores whose jawOpen follows the jaw (1 at 20 degrees)."""
    scores = np.zeros((len(jaw_deg), 52))
    scores[:, INDEX["jawOpen"]] = np.clip(np.asarray(jaw_deg) / 20.0, 0, 1)
    return scores


def test_solve_finds_the_neutral_and_the_pose():
    jaw = np.r_[np.zeros(10), np.linspace(0, 18, 20)]
    yaw = np.linspace(-30, 30, 30)
    landmarks = clip(jaw, yaw)
    options = SolveOptions(smoothing=None)
    times = np.arange(30) / 30
    result = solve(landmarks, np.ones(30, bool), times, FRAME_SIZE, options, jaw_scores(jaw))
    assert set(result.neutral_frames) <= set(range(11))
    np.testing.assert_allclose(result.angles_deg[:, 0], yaw, atol=1.0)
    assert np.all(np.diff(result.blendshapes[10:, INDEX["jawOpen"]]) > 0)
    assert result.blendshapes.shape == (30, 52) and result.rotation.shape == (30, 3, 3)
    assert result.blendshapes.dtype == np.float32


def test_gaps_are_filled_and_flagged():
    landmarks = clip(np.zeros(40), np.linspace(0, 20, 40))
    detected = np.ones(40, bool)
    detected[[5, 6]] = False
    detected[20:35] = False
    landmarks[~detected] = np.nan
    result = solve(landmarks, detected, np.arange(40) / 30, FRAME_SIZE, SolveOptions(max_gap_s=0.2))
    assert np.isfinite(result.landmarks).all() and np.isfinite(result.blendshapes).all()
    assert result.interpolated[[5, 6]].all() and result.held[20:35].all()
    assert not result.detected[5] and result.detected[7]


def test_smoothing_keeps_a_constant_pose():
    landmarks = clip(np.zeros(20), np.full(20, 15.0))
    result = solve(landmarks, np.ones(20, bool), np.arange(20) / 25, FRAME_SIZE)
    np.testing.assert_allclose(result.angles_deg[:, 0], 15.0, atol=1e-6)
    np.testing.assert_allclose(result.rotation[0] @ result.rotation[0].T, np.eye(3), atol=1e-9)


def test_neutral_from_an_image_and_from_a_frame():
    landmarks = clip(np.full(5, 10.0), np.zeros(5))
    scores = jaw_scores(np.full(5, 10.0))
    neutral = dict(neutral=to_image(NEUTRAL_CM), neutral_blendshapes=np.zeros(52))
    from_image = solve(
        landmarks,
        np.ones(5, bool),
        np.arange(5) / 30,
        FRAME_SIZE,
        SolveOptions(**neutral, smoothing=None),
        scores,
    )
    assert from_image.blendshapes[:, INDEX["jawOpen"]].min() > 0.3
    from_frame = solve(
        landmarks,
        np.ones(5, bool),
        np.arange(5) / 30,
        FRAME_SIZE,
        SolveOptions(neutral=2, smoothing=None),
        scores,
    )
    assert from_frame.blendshapes[:, INDEX["jawOpen"]].max() < 1e-6
    with pytest.raises(ValueError, match="outside the clip"):
        solve(landmarks, np.ones(5, bool), np.arange(5) / 30, FRAME_SIZE, SolveOptions(neutral=9))
