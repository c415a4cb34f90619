"""Normalising driving keypoints for animation: relative motion, relative Jacobians, scale."""

from __future__ import annotations

import math

import numpy as np
import torch
from scipy.spatial import ConvexHull, QhullError

from facemotion.models.keypoints import Keypoints


def hull_area(points: np.ndarray) -> float:
    """Area of the 2-D convex hull of points (N, 2); 0 for degenerate (collinear) sets."""
    try:
        # ConvexHull.volume is the area in 2-D; its .area is the perimeter.
        return float(ConvexHull(np.asarray(points, dtype=np.float64)).volume)
    except (QhullError, ValueError):
        return 0.0


def movement_scale(source_points: np.ndarray, initial_points: np.ndarray) -> float:
    """sqrt(hull area of source) / sqrt(hull area of the driving reference); 1 if degenerate."""
    source_area, initial_area = hull_area(source_points), hull_area(initial_points)
    if source_area <= 0 or initial_area <= 0:
        return 1.0
    return math.sqrt(source_area) / math.sqrt(initial_area)


def normalize_keypoints(
    kp_source: Keypoints,
    kp_driving: Keypoints,
    kp_initial: Keypoints,
    *,
    relative: bool = True,
    adapt_scale: bool = True,
    scale: float | None = None,
) -> Keypoints:
    """Driving keypoints as the generator should see them (shapes as in `Keypoints`).

    relative: value = source + scale * (driving - initial), and
    J = (J_driving @ inverse(J_initial)) @ J_source; absolute: driving as it is.
    `scale` overrides the adapt-scale computation (taken from batch item 0 otherwise).
    """
    if not relative:
        return kp_driving
    if scale is None:
        scale = (
            movement_scale(
                kp_source.value[0].detach().cpu().numpy(),
                kp_initial.value[0].detach().cpu().numpy(),
            )
            if adapt_scale
            else 1.0
        )
    value = (kp_driving.value - kp_initial.value) * scale + kp_source.value
    jacobian = kp_driving.jacobian
    if jacobian is not None and kp_initial.jacobian is not None and kp_source.jacobian is not None:
        jacobian = (jacobian @ torch.inverse(kp_initial.jacobian)) @ kp_source.jacobian
    return Keypoints(value, jacobian)
