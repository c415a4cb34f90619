"""Filling a mouth that opens wider than the source's: the driving frame's mouth interior,
warped into the target inner-lip polygon and colour-matched to the source's lips, feathered.

The warp alone stretches whatever lies between the source's lips (often just a lip line) over
the opened mouth; this replaces that stretch with a plausible interior (teeth, tongue, shadow)
in proportion to how much wider the target mouth is than the source's.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from facemotion.motion.similarity import fit_similarity
from facemotion.motion.warp import paint_triangles

_SUBPIXEL_BITS = 4


@dataclass(frozen=True)
class MouthOptions:
    """feather: the soft edge of the fill, as a fraction of the mouth's width. gain_limit: the
    colour match scales the brightness by at most this factor (or its inverse); tint_limit:
    and each channel relative to the others by at most this fraction."""

    feather: float = 0.06
    gain_limit: float = 1.6
    tint_limit: float = 0.15
    ring_width: float = 0.08


def polygon_area(points: np.ndarray) -> float:
    """Unsigned area of a closed polygon (N, 2) (shoelace formula)."""
    x, y = points[:, 0], points[:, 1]
    return 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))


def fill_strength(target_lips: np.ndarray, source_lips: np.ndarray, face_scale: float) -> float:
    """How much of the fill to show, in [0, 1]: 0 when the source's mouth (scaled by
    face_scale, target over source face size) is open as wide as the target's, 1 when the
    source's is closed. target_lips, source_lips: (20, 2) inner-lip loops."""
    target_area = polygon_area(target_lips)
    if target_area <= 1.0:
        return 0.0
    source_area = polygon_area(source_lips) * face_scale**2
    return float(np.clip(1.5 * (target_area - source_area) / target_area, 0.0, 1.0))


def _polygon_mask(points: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    mask = np.zeros(shape, dtype=np.float32)
    corners = np.round((points - 0.5) * (1 << _SUBPIXEL_BITS)).astype(np.int32)
    cv2.fillPoly(mask, [corners], 1.0, lineType=cv2.LINE_AA, shift=_SUBPIXEL_BITS)
    return mask


def _interior(
    driving: np.ndarray,
    target_lips: np.ndarray,
    driving_lips: np.ndarray,
    box: tuple[int, int, int, int],
) -> np.ndarray:
    """The driving frame's mouth, mapped into the target box by the fan of triangles from
    the lip centre (piecewise affine), with the lips' best similarity elsewhere in the box."""
    x0, y0, x1, y1 = box
    count = len(target_lips)
    target = np.vstack([target_lips, target_lips.mean(axis=0)]) - [x0, y0]
    source = np.vstack([driving_lips, driving_lips.mean(axis=0)])
    fan = np.stack([np.arange(count), (np.arange(count) + 1) % count, np.full(count, count)], 1)
    similarity = fit_similarity(target, source)
    ys, xs = np.mgrid[0 : y1 - y0, 0 : x1 - x0].astype(np.float64)
    # Similarity in pixel-index space: the +0.5 of pixel centres cancels in the fit's offset.
    map_x = similarity.matrix[0, 0] * (xs + 0.5) + similarity.matrix[0, 1] * (ys + 0.5)
    map_y = similarity.matrix[1, 0] * (xs + 0.5) + similarity.matrix[1, 1] * (ys + 0.5)
    map_x += similarity.matrix[0, 2] - 0.5
    map_y += similarity.matrix[1, 2] - 0.5
    grid = np.arange(max(y1 - y0, x1 - x0), dtype=np.float64)
    paint_triangles(target, source, fan, grid, (map_x, map_y))
    return cv2.remap(
        driving,
        map_x.astype(np.float32),
        map_y.astype(np.float32),
        cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    )


def _lip_band(lips: np.ndarray, shape: tuple[int, int], width: float) -> np.ndarray:
    """(H, W) bool: a band around the inner-lip polygon (the lips themselves)."""
    center = lips.mean(axis=0)
    outer = center + (lips - center) * (1 + 2 * width) + np.sign(lips - center) * 2
    return (_polygon_mask(outer, shape) - _polygon_mask(lips, shape)) > 0.5


def fill_mouth(
    output: np.ndarray,
    target_lips: np.ndarray,
    driving: np.ndarray,
    driving_lips: np.ndarray,
    strength: float,
    options: MouthOptions = MouthOptions(),
) -> np.ndarray:
    """Blend the driving mouth interior into `output` inside the target inner-lip polygon.

    output: (H, W, 3) float32 warped source, changed in place and returned; target_lips:
    (20, 2) inner-lip loop in output pixels; driving: (h, w, 3) float32 driving frame with its
    inner-lip loop driving_lips (20, 2); strength in [0, 1] from `fill_strength`.
    """
    if strength <= 0:
        return output
    height, width = output.shape[:2]
    mouth_width = float(np.ptp(target_lips[:, 0])) or 1.0
    margin = int(np.ceil(mouth_width * (options.feather + options.ring_width))) + 3
    x0 = max(int(np.floor(target_lips[:, 0].min())) - margin, 0)
    y0 = max(int(np.floor(target_lips[:, 1].min())) - margin, 0)
    x1 = min(int(np.ceil(target_lips[:, 0].max())) + margin, width)
    y1 = min(int(np.ceil(target_lips[:, 1].max())) + margin, height)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return output
    patch = output[y0:y1, x0:x1]
    local_lips = target_lips - [x0, y0]
    interior = _interior(driving, target_lips, driving_lips, (x0, y0, x1, y1))
    # Colour match: the driving lips' mean colour onto the source lips' mean colour.
    band = _lip_band(local_lips, patch.shape[:2], options.ring_width)
    if not band.any():
        return output
    driving_ring = interior[band].mean(axis=0)
    output_ring = patch[band].mean(axis=0)
    # Brightness follows the source's lips fully, hue only a little: a mouth interior keeps
    # its own reds and whites rather than taking on a lipstick's or a skin's cast.
    brightness = float(output_ring.mean()) / max(float(driving_ring.mean()), 1e-3)
    brightness = float(np.clip(brightness, 1 / options.gain_limit, options.gain_limit))
    tint = (output_ring / max(float(output_ring.mean()), 1e-3)) / np.maximum(
        driving_ring / max(float(driving_ring.mean()), 1e-3), 1e-3
    )
    gain = brightness * np.clip(tint, 1 - options.tint_limit, 1 + options.tint_limit)
    interior = np.clip(interior * gain.astype(np.float32), 0.0, 1.0)
    # Feather inwards: the mask reaches 1 a little inside the lip line, 0 just outside it.
    sigma = max(options.feather * mouth_width, 0.5)
    center = local_lips.mean(axis=0)
    shrunk = center + (local_lips - center) * max(1 - sigma / max(mouth_width / 2, 1), 0.5)
    mask = _polygon_mask(shrunk, patch.shape[:2])
    mask = cv2.GaussianBlur(mask, (0, 0), sigma) * np.float32(strength)
    patch += (interior - patch) * mask[..., None]
    return output
