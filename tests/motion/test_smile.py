"""Mouth corners: a broad smile moves the lips and the skin around them without folding."""

from __future__ import annotations

import numpy as np

from facemotion.motion.expression import face_axes, measure
from facemotion.motion.mesh import face_topology, signed_areas
from facemotion.motion.smile import corner_weights, set_corners
from tests.motion.landmark_faces import face_landmarks


def _folded_area(before: np.ndarray, after: np.ndarray) -> float:
    triangles = face_topology().triangles
    old, new = signed_areas(before, triangles), signed_areas(after, triangles)
    return float(np.abs(new[np.sign(old) != np.sign(new)]).sum() / 2)


def test_a_broad_smile_does_not_fold_the_upper_lip_over_the_skin_above_it():
    points = face_landmarks()  # a real MediaPipe mesh
    axes = face_axes(points)
    local = axes.local(points[:, :2])
    before = measure(points)
    weights = corner_weights(local)
    for wider, lift in ((0.1, -0.06), (0.2, -0.15)):
        moved = local.copy()
        set_corners(moved, weights, before.mouth_width + wider, before.corner_lift + lift)
        smiled = axes.origin + axes.scale * moved @ np.stack([axes.x, axes.y])
        after = measure(np.column_stack([smiled, points[:, 2]]))
        assert after.mouth_width - before.mouth_width > 0.9 * wider
        # Weights faded by height alone folded 0.3 and 45 px^2 here.
        assert _folded_area(points, smiled) < 5.0


def test_corner_weights_leave_the_nostrils_and_irises():
    points = face_landmarks()
    left, right = corner_weights(face_axes(points).local(points[:, :2]))
    for weights in (left, right):
        assert weights[[2, 98, 327]].max() < 0.05  # subnasale, nostril wings
        assert np.all(weights[468:] == 0.0)
        assert weights.min() >= 0.0 and weights.max() <= 1.0
