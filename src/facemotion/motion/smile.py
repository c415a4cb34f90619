"""The mouth's corners in retargeting: width (smile, stretch, pucker) and lift (smile, frown).

The source's own corners are taken as its neutral only within a typical range: a photo taken
mid-smile has wider, raised corners, and its neutral is then the nearest typical mouth (widths
over the inter-ocular distance of ~0.75-0.9 and corners at about the lips' middle height on
the bundled neutral faces and the carphone clip), so a neutral driver brings the smile down.
Pure functions on face-unit landmarks (see expression.py).
"""

from __future__ import annotations

import numpy as np

from facemotion.motion.expression import LIP_MIDDLES, MOUTH_CORNERS
from facemotion.motion.mesh import harmonic

MESH_POINTS = 468
SUBNASALE = 2  # where the nose meets the upper lip
# The outer and inner lip loops (MediaPipe's order): they move with the corners wherever the
# corners are, even raised to the nose's height by a broad smile.
_LIPS = (
    61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291, 375, 321, 405, 314, 17, 84, 181, 91, 146,
    78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308, 324, 318, 402, 317, 14, 87, 178, 88, 95,
)  # fmt: skip


def corner_weights(local: np.ndarray, spread: float = 0.3) -> tuple[np.ndarray, np.ndarray]:
    """(478,) weights of how far each landmark follows the left-image corner (61) and the
    right-image corner (291), from source landmarks in face units (478, 2): 1 at the corner,
    a Gaussian of `spread` mouth widths around it, fading to nothing from the corners' height
    up to where the nose meets the lip (the nostrils stay) except on the lips themselves, none
    in the irises; the skin in that band takes the harmonic mean of its neighbours' weights."""
    corners = local[list(MOUTH_CORNERS)]
    width = max(float(np.hypot(*(corners[1] - corners[0]))), 1e-6)
    height = max(float(corners[:, 1].mean() - local[SUBNASALE, 1]), 1e-6)
    below_nose = np.clip((local[:, 1] - local[SUBNASALE, 1]) / height, 0.0, 1.0)
    # Between the nose and the corners' height the skin takes the harmonic mean of what the
    # lips and the face around it take (the lips themselves fully): a fade by height alone
    # would leave the skin above the upper lip behind it in a broad smile, folded under it.
    between = (below_nose > 0.0) & (below_nose < 1.0)
    below_nose[list(_LIPS)] = 1.0
    between[list(_LIPS)] = False
    between[MESH_POINTS:] = False
    weights = []
    for corner in corners:
        distance = np.hypot(*(local - corner).T) / (spread * width)
        weight = np.exp(-0.5 * distance**2) * below_nose
        weight[MESH_POINTS:] = 0.0
        weights.append(np.clip(harmonic(weight, between), 0.0, 1.0))
    return weights[0], weights[1]


def set_corners(
    local: np.ndarray,
    weights: tuple[np.ndarray, np.ndarray],
    width: float,
    lift: float,
) -> None:
    """Move the mouth's corners in face-unit landmarks (478, 2), in place, so that the mouth's
    width is `width` and its corners lie `lift` below the lips' middle (expression.py)."""
    left, right = weights
    corners, middles = list(MOUTH_CORNERS), list(LIP_MIDDLES)
    now_width = float(local[corners[1], 0] - local[corners[0], 0])
    now_lift = float(local[corners, 1].mean() - local[middles, 1].mean())
    # Each corner's share of the move, less what the lips' middle takes along.
    spread = 1.0 - float(left[corners[1]] + right[corners[0]])
    lifted = 1.0 - float((left + right)[middles].mean())
    outward = (width - now_width) / 2 / max(spread, 0.5)
    rise = (lift - now_lift) / max(lifted, 0.5)
    local[:, 0] += outward * (right - left)
    local[:, 1] += rise * (left + right)


def neutral_corners(
    width: float, lift: float, typical: tuple[float, float], tolerance: tuple[float, float]
) -> tuple[float, float]:
    """A source's neutral (width, lift): its own, brought within `tolerance` of `typical`."""
    return (
        float(np.clip(width, typical[0] - tolerance[0], typical[0] + tolerance[0])),
        float(np.clip(lift, typical[1] - tolerance[1], typical[1] + tolerance[1])),
    )
