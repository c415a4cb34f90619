"""Neutral calibration of the learned blendshape scores, as Live Link Face's calibration does.

The learned model scores a resting face above zero on some shapes (a subject whose brows sit
high, eyes that look slightly down at the camera). Calibration takes the subject's neutral
scores `n` (52,) off every frame and stretches what is left so a full expression still reaches
1: weight = clip((score - n) / (1 - n), 0, 1), per shape. A shape whose neutral score is
already near 1 keeps its raw score (there is no range left to stretch).
"""

from __future__ import annotations

import numpy as np

MIN_RANGE = 0.05  # a neutral score above 1 - MIN_RANGE is not calibrated out


def calibrate(scores: np.ndarray, neutral: np.ndarray) -> np.ndarray:
    """Calibrated weights (..., 52) in [0, 1] from scores (..., 52) and neutral scores (52,)."""
    scores = np.asarray(scores, dtype=np.float64)
    neutral = np.asarray(neutral, dtype=np.float64)
    usable = neutral < 1.0 - MIN_RANGE
    offset = np.where(usable, neutral, 0.0)
    weights = (scores - offset) / (1.0 - offset)
    return np.clip(weights, 0.0, 1.0)
