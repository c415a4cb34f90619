"""Painting drawn parts (a mouth's interior, an opened eye) into a frame: anti-aliased polygon
masks, CIE Lab conversion, and the feathered blend of a drawn patch inside a target outline.

OpenCV rasterises and converts; what is written here is the cropping of the patch around the
outline and the inward feather, shared by mouth.py and eyeball.py.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

_SUBPIXEL_BITS = 4


def polygon_mask(points: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """(h, w) float32: 1 inside the polygon (N, 2) px (pixel centres at +0.5), anti-aliased."""
    mask = np.zeros(shape, dtype=np.float32)
    corners = np.round((points - 0.5) * (1 << _SUBPIXEL_BITS)).astype(np.int32)
    cv2.fillPoly(mask, [corners], 1.0, lineType=cv2.LINE_AA, shift=_SUBPIXEL_BITS)
    return mask


def rgb_to_lab(image: np.ndarray) -> np.ndarray:
    """(..., 3) float32 RGB in [0, 1] -> CIE Lab (L in [0, 100])."""
    return cv2.cvtColor(np.ascontiguousarray(image, dtype=np.float32), cv2.COLOR_RGB2Lab)


def colour_between(
    image: np.ndarray,
    outer: np.ndarray,
    inner: np.ndarray,
    margin: int,
    fallback: Callable[[np.ndarray, tuple[int, int]], np.ndarray] | None = None,
) -> np.ndarray:
    """(3,) median Lab colour of an (H, W, 3) float32 image between the polygons `outer` and
    `inner` (N, 2) px, within outer's bounding box grown by `margin` px. Where fewer than 4
    pixels lie between: the pixels of fallback(inner in patch px, patch (h, w)) (bool mask),
    else the whole patch; the whole image's mean where the box is empty."""
    height, width = image.shape[:2]
    x0 = max(int(np.floor(outer[:, 0].min())) - margin, 0)
    y0 = max(int(np.floor(outer[:, 1].min())) - margin, 0)
    x1 = min(int(np.ceil(outer[:, 0].max())) + margin, width)
    y1 = min(int(np.ceil(outer[:, 1].max())) + margin, height)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return rgb_to_lab(image.reshape(-1, 1, 3)).reshape(-1, 3).mean(axis=0)
    patch = image[y0:y1, x0:x1]
    shape = patch.shape[:2]
    inner = inner - [x0, y0]
    between = (polygon_mask(outer - [x0, y0], shape) - polygon_mask(inner, shape)) > 0.5
    if between.sum() < 4:
        between = fallback(inner, shape) if fallback is not None else np.ones(shape, bool)
    if not between.any():
        between = np.ones(shape, dtype=bool)
    return np.median(rgb_to_lab(patch)[between], axis=0)


def paint_inside(
    output: np.ndarray,
    outline: np.ndarray,
    margin: int,
    draw: Callable[[np.ndarray, tuple[int, int], np.ndarray], np.ndarray],
    sigma: float,
    shrink: tuple[float, float],
    strength: float,
) -> np.ndarray:
    """Blend a drawn patch into `output` (H, W, 3) float32 (changed in place and returned)
    inside `outline` (N, 2) px, feathered inwards.

    The patch is the outline's bounding box grown by `margin` px (clipped to the image);
    draw(outline in patch px, patch (h, w), patch origin (2,) px) -> (h, w, 3) float32 RGB.
    The mask is the outline scaled about its mean by `shrink` (across, down), blurred by
    `sigma` px, times `strength`: 1 a little inside the outline, 0 at it.
    """
    height, width = output.shape[:2]
    x0 = max(int(np.floor(outline[:, 0].min())) - margin, 0)
    y0 = max(int(np.floor(outline[:, 1].min())) - margin, 0)
    x1 = min(int(np.ceil(outline[:, 0].max())) + margin, width)
    y1 = min(int(np.ceil(outline[:, 1].max())) + margin, height)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return output
    patch = output[y0:y1, x0:x1]
    origin = np.array([x0, y0], np.float64)
    local = outline - origin
    fill = draw(local, patch.shape[:2], origin)
    middle = local.mean(axis=0)
    mask = polygon_mask(middle + (local - middle) * np.asarray(shrink), patch.shape[:2])
    mask = cv2.GaussianBlur(mask, (0, 0), sigma) * np.float32(strength)
    patch += (fill - patch) * mask[..., None]
    return output
