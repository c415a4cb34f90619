"""Gaze and brows in retargeting: where the irises look and how high the brows sit.

As with the mouth's corners (smile.py), the source keeps its own neutral and takes the
driver's change from the driver's neutral. A source's own gaze counts as its neutral only
within a tolerance of a typical centred gaze (on the bundled faces and the carphone clip each
iris centre lies ~0.03 of the eye's width outwards of its corners' midpoint and ~0.05 above
it): a portrait looking aside then looks ahead when the driver does. The iris moves as a
rigid disc (its ring keeps the source's offsets from the centre), staying inside the eye.

Brows rise as a whole on each side and at their inner ends (worry, surprise); the forehead
skin above them and the upper lids' skin below follow with weights from the source's own
geometry that fade to nothing at the lid rims, so the eyes themselves do not move.
Pure functions on face-unit landmarks (478, 2) (see expression.py), in place where they say so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from facemotion.motion.expression import (
    LEFT_BROW,
    LEFT_INNER_BROW,
    LEFT_UPPER_LID,
    RIGHT_BROW,
    RIGHT_INNER_BROW,
    RIGHT_UPPER_LID,
    brow_heights,
    eye_width,
)

MESH_POINTS = 468
# How far (face units) the forehead above a brow, the skin beside it and the skin around an
# inner brow end follow it, as Gaussian widths.
_ABOVE, _BESIDE, _INNER = 0.45, 0.25, 0.15


def blink_factor(score: float, neutral: float, weight: float, full: float) -> float:
    """What a driver's eye openness measured on the landmarks is multiplied by, given the
    learned model's eyeBlink `score` for that eye and its `neutral` score (running median):
    1 at or below the neutral, 1 - `weight` from `full` on, linear between. The landmark
    rims of a shut eye stay apart (~25 % of the open gap); the learned score sees the blink."""
    excess = (score - neutral) / max(full - neutral, 1e-6)
    return 1.0 - weight * float(np.clip(excess, 0.0, 1.0))


def neutral_gaze(
    gaze: np.ndarray, typical: np.ndarray, tolerance: tuple[float, float]
) -> np.ndarray:
    """A source eye's neutral gaze (2,): its own `gaze` (2,) brought within `tolerance` (x, y)
    of `typical` (2,) (eye widths)."""
    low, high = typical - np.asarray(tolerance), typical + np.asarray(tolerance)
    return np.clip(np.asarray(gaze, np.float64), low, high)


def place_iris(
    local: np.ndarray,
    corners: tuple[int, int],
    lids: tuple[tuple[int, ...], tuple[int, ...]],
    centre: int,
    ring: tuple[int, ...],
    gaze: np.ndarray,
    ring_offsets: np.ndarray,
    limit: float,
) -> None:
    """Set one iris in face-unit landmarks (478, 2), in place: its centre at the corners'
    midpoint plus `gaze` (2,) eye widths, at most `limit` widths sideways and inside the lids
    (upper, lower rims, paired) by 0.3 of their gap, so that a shut eye leaves no fold in the
    warp; its ring points (4,) at `ring_offsets` (4, 2) face units from the centre."""
    middle = local[list(corners)].mean(axis=0)
    width = max(eye_width(local, corners), 1e-6)
    x = middle[0] + float(np.clip(gaze[0], -limit, limit)) * width
    upper, lower = list(lids[0]), list(lids[1])
    pair = len(upper) // 2
    top, bottom = local[upper[pair], 1], local[lower[pair], 1]
    inset = 0.3 * (bottom - top)
    y = float(np.clip(middle[1] + gaze[1] * width, top + inset, bottom - inset))
    local[centre] = (x, y)
    local[list(ring)] = local[centre] + ring_offsets


def _smoothstep(values: np.ndarray) -> np.ndarray:
    values = np.clip(values, 0.0, 1.0)
    return values * values * (3 - 2 * values)


def _side_weights(
    local: np.ndarray, brow: tuple[int, ...], lid: tuple[int, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """(478,) how far each landmark follows one brow's rise: 1 on the brow, fading to 0 at the
    upper lid rim below and over `_ABOVE` up the forehead; and the vertical part alone."""
    points = local[list(brow)]
    brow_y, lid_y = float(points[:, 1].mean()), float(local[list(lid), 1].mean())
    below = _smoothstep((lid_y - local[:, 1]) / max(lid_y - brow_y, 1e-6))
    above = np.exp(-0.5 * (np.maximum(brow_y - local[:, 1], 0.0) / _ABOVE) ** 2)
    vertical = np.where(local[:, 1] < brow_y, above, below)
    low, high = points[:, 0].min(), points[:, 0].max()
    aside = np.maximum(np.maximum(low - local[:, 0], local[:, 0] - high), 0.0)
    weights = vertical * np.exp(-0.5 * (aside / _BESIDE) ** 2)
    weights[list(brow)] = 1.0
    return weights, vertical


def brow_weights(local: np.ndarray) -> np.ndarray:
    """(3, 478): how far each landmark of a source face (face units (478, 2)) moves up when
    the right brow, the left brow and the inner brow ends rise by one unit. The lid rims,
    everything below them and the irises stay; where the two sides' weights meet (between
    the brows) they add up to at most 1."""
    right, right_vertical = _side_weights(local, RIGHT_BROW, RIGHT_UPPER_LID)
    left, left_vertical = _side_weights(local, LEFT_BROW, LEFT_UPPER_LID)
    total = right + left
    over = np.maximum(total, 1.0)
    right, left = right / over, left / over
    inner = np.zeros(len(local))
    for ends, vertical in ((RIGHT_INNER_BROW, right_vertical), (LEFT_INNER_BROW, left_vertical)):
        distance = np.hypot(*(local - local[list(ends)].mean(axis=0)).T)
        inner = np.maximum(inner, vertical * np.exp(-0.5 * (distance / _INNER) ** 2))
    weights = np.stack([right, left, inner])
    weights[:, list(RIGHT_UPPER_LID) + list(LEFT_UPPER_LID)] = 0.0
    weights[:, MESH_POINTS:] = 0.0
    return weights


@dataclass(frozen=True)
class BrowRig:
    """A source's brow rig: weights (3, 478) from `brow_weights`, and response (3, 3): how
    much each of `brow_heights` (right, left, inner) changes per unit rise of each weight
    (the heights are linear in the landmarks, so it is fixed per source)."""

    weights: np.ndarray
    response: np.ndarray


def brow_rig(local: np.ndarray) -> BrowRig:
    """The brow rig of a source face, from its face-unit landmarks (478, 2)."""
    weights = brow_weights(local)
    base = np.array(brow_heights(np.zeros_like(local)))
    response = np.empty((3, 3))
    for k, weight in enumerate(weights):
        raised = np.zeros_like(local)
        raised[:, 1] = -weight
        response[:, k] = np.array(brow_heights(raised)) - base
    return BrowRig(weights, response)


def set_brows(local: np.ndarray, rig: BrowRig, wanted: tuple[float, float, float]) -> None:
    """Move the brows in face-unit landmarks (478, 2), in place, with the source's `rig`, so
    that `brow_heights` gives `wanted` (right, left, inner)."""
    now = np.array(brow_heights(local))
    moves = np.linalg.lstsq(rig.response, np.asarray(wanted) - now, rcond=None)[0]
    local[:, 1] -= moves @ rig.weights
