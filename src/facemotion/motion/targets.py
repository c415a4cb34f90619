"""Where the source's landmarks should go for one driving frame: relative and absolute motion.

Relative motion follows FOMM (target = source + scale * (driving - reference)) with the head's
rigid motion taken out first: a similarity fitted on stable points maps the driving reference
onto the current driving frame; the source is moved by that similarity and the non-rigid rest
(mouth, lids, brows, turns out of the image plane) is added in the moved frame, so a tilted
or nearer head rotates and scales the source instead of shearing it.
"""

from __future__ import annotations

import numpy as np

from facemotion.models.normalize import movement_scale
from facemotion.motion.mesh import MESH_POINTS, STABLE_POINTS
from facemotion.motion.similarity import Similarity, fit_similarity

_STABLE = np.array(STABLE_POINTS)


def head_motion(reference: np.ndarray, driving: np.ndarray) -> Similarity:
    """The head's similarity from the driving reference to a driving frame, fitted on the
    stable points: reference, driving (478, >=2) pixels -> Similarity."""
    return fit_similarity(reference[_STABLE, :2], driving[_STABLE, :2])


def adapt_scale_factor(source: np.ndarray, reference: np.ndarray) -> float:
    """FOMM's adapt scale: sqrt(hull area of the source's landmarks / hull area of the
    driving reference's), from (478, >=2) landmarks."""
    return movement_scale(
        np.asarray(source)[:MESH_POINTS, :2], np.asarray(reference)[:MESH_POINTS, :2]
    )


def source_placement(source: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """The (2, 2) rotation of the source face relative to the driving reference face."""
    return fit_similarity(reference[_STABLE, :2], source[_STABLE, :2]).rotation


def relative_targets(
    source: np.ndarray,
    driving: np.ndarray,
    reference: np.ndarray,
    *,
    adapt_scale: bool = True,
    scale: float | None = None,
    placement: np.ndarray | None = None,
) -> np.ndarray:
    """Target landmarks in the source image for relative motion.

    source: (478, >=2) source landmarks; driving, reference: (478, >=2) landmarks of the
    current and the reference driving frame, in the driving frame's pixels. Returns (478, 2)
    in the source's pixels. With no rotation or scale change this is exactly FOMM's
    source + scale * (driving - reference), scale = sqrt(hull area source / hull area
    reference) when adapt_scale, else 1.
    """
    source, driving, reference = (
        np.asarray(a, np.float64)[:, :2] for a in (source, driving, reference)
    )
    if scale is None:
        scale = adapt_scale_factor(source, reference) if adapt_scale else 1.0
    head = head_motion(reference, driving)
    # Orientation of the source face relative to the driving reference: the non-rigid rest is
    # turned into the source's frame (identity for upright faces).
    if placement is None:
        placement = source_placement(source, reference)
    reference_center = reference[_STABLE].mean(axis=0)
    source_center = source[_STABLE].mean(axis=0)
    moved_center = head(reference_center[None])[0]
    # The driving frame brought back into the reference's pose: what is left is non-rigid.
    unposed = (driving - head.translation) @ head.rotation / head.scale
    residual = (unposed - reference) @ placement.T
    local = (source - source_center) + scale * residual
    return (
        source_center
        + scale * (moved_center - reference_center)
        + head.scale * local @ head.rotation.T
    )


def absolute_targets(
    driving: np.ndarray, driving_shape: tuple[int, int], source_size: tuple[int, int]
) -> np.ndarray:
    """Target landmarks for absolute motion: the driving landmarks as they lie in the driving
    frame's centred square (what FOMM models see), scaled onto the source image.

    driving: (478, >=2) pixels of an (h, w) frame; source_size: (H, W). Returns (478, 2).
    Adapt scale has no effect in absolute mode (as in FOMM, where it only scales relative
    motion).
    """
    height, width = driving_shape
    side = min(height, width)
    offset = np.array([(width - side) / 2, (height - side) / 2])
    factor = np.array([source_size[1], source_size[0]]) / side
    return (np.asarray(driving, np.float64)[:, :2] - offset) * factor
