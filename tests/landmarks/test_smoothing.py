"""One-Euro filter and gap filling."""

from __future__ import annotations

import numpy as np
import pytest

from facemotion.landmarks.smoothing import OneEuroFilter, fill_gaps, smooth


def test_one_euro_removes_jitter_and_follows_steps():
    rng = np.random.default_rng(0)
    times = np.arange(120) / 30
    truth = np.where(times < 2, 0.2, 0.8)
    noisy = truth + rng.normal(scale=0.03, size=times.shape)
    out = smooth(noisy[:, None], times)[:, 0]
    still = slice(20, 55)
    assert out[still].std() < 0.5 * noisy[still].std()
    # Settles on the new level within a few frames of the step.
    assert abs(out[75] - 0.8) < 0.05


def test_one_euro_uses_timestamps():
    values = np.array([[0.0], [1.0]])
    fast = smooth(values, np.array([0.0, 1.0]), 1.0, 0.0)[1, 0]
    slow = smooth(values, np.array([0.0, 0.01]), 1.0, 0.0)[1, 0]
    assert fast > slow


def test_one_euro_rejects_bad_parameters():
    with pytest.raises(ValueError):
        OneEuroFilter(0.0, 1.0)


def test_short_gaps_interpolate_long_gaps_hold():
    values = np.arange(12, dtype=float)[:, None] * 10
    detected = np.ones(12, bool)
    detected[[3, 4]] = False  # short
    detected[7:11] = False  # long
    filled, report = fill_gaps(np.where(detected[:, None], values, np.nan), detected, max_gap=2)
    np.testing.assert_allclose(filled[3:5, 0], [30, 40])
    assert report.interpolated.tolist() == [i in (3, 4) for i in range(12)]
    assert report.held[7:11].all() and report.long_gaps == ((7, 11),)
    np.testing.assert_allclose(filled[7:11, 0], [60, 60, 110, 110])


def test_gap_at_the_start_holds_the_first_detection():
    detected = np.array([False, False, True, True])
    filled, report = fill_gaps(np.array([np.nan, np.nan, 5.0, 6.0]), detected, max_gap=5)
    assert filled.tolist() == [5.0, 5.0, 5.0, 6.0]
    assert report.held.tolist() == [True, True, False, False]


def test_no_detection_raises():
    with pytest.raises(ValueError):
        fill_gaps(np.zeros(3), np.zeros(3, bool), 2)


@pytest.mark.parametrize(
    ("min_cutoff", "beta"),
    [(float("nan"), 1.0), (1.0, float("nan")), (float("inf"), 1.0), (1.0, float("inf"))],
    ids=["nan-cutoff", "nan-beta", "inf-cutoff", "inf-beta"],
)
def test_one_euro_rejects_values_that_are_not_finite(min_cutoff, beta):
    with pytest.raises(ValueError, match="finite"):
        OneEuroFilter(min_cutoff, beta)
