"""Filling a mouth that opens wider than the source's: the driving frame's mouth interior,
warped into the target inner-lip polygon and recoloured as the source's (its lips' hue and
lightness, teeth off-white, the driving shading kept), feathered.

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
    """feather: the soft edge of the fill, as a fraction of the mouth's width; ring_width: the
    band around the driving inner lips whose lightness stands for the driving lips.

    Colour (CIE Lab, L in [0, 100]): the interior's lightness is scaled by the source lips'
    over the driving lips' (at most by gain_limit or its inverse), so it keeps the driving
    shading; its cast is replaced: dark parts take the source lips' hue (a, b) times
    lip_chroma, bright parts (teeth, from teeth_lightness[0] to [1]) take teeth_ab, and the
    driving interior's own variations around its mean hue are kept times chroma_keep.
    adaptation: the per-frame weight of a new measurement of the driving lips' lightness in
    its smoothed value (the source's colour is measured once per animation).
    """

    feather: float = 0.06
    ring_width: float = 0.08
    gain_limit: float = 1.6
    lip_chroma: float = 0.9
    chroma_keep: float = 0.5
    teeth_lightness: tuple[float, float] = (55.0, 80.0)
    teeth_ab: tuple[float, float] = (0.0, 6.0)
    adaptation: float = 0.15


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


def _lab(image: np.ndarray) -> np.ndarray:
    """(..., 3) float32 RGB in [0, 1] -> CIE Lab (L in [0, 100])."""
    return cv2.cvtColor(np.ascontiguousarray(image, dtype=np.float32), cv2.COLOR_RGB2Lab)


def lip_colour(image: np.ndarray, outer_lips: np.ndarray, inner_lips: np.ndarray) -> np.ndarray:
    """(3,) median Lab colour of the lips: between the outer and the inner lip loops (20, 2)
    of an (H, W, 3) float32 image; the band around the inner loop when that is empty."""
    height, width = image.shape[:2]
    x0 = max(int(np.floor(outer_lips[:, 0].min())) - 2, 0)
    y0 = max(int(np.floor(outer_lips[:, 1].min())) - 2, 0)
    x1 = min(int(np.ceil(outer_lips[:, 0].max())) + 2, width)
    y1 = min(int(np.ceil(outer_lips[:, 1].max())) + 2, height)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return _lab(image.reshape(-1, 1, 3)).reshape(-1, 3).mean(axis=0)
    patch = image[y0:y1, x0:x1]
    shape = patch.shape[:2]
    outer, inner = outer_lips - [x0, y0], inner_lips - [x0, y0]
    lips = (_polygon_mask(outer, shape) - _polygon_mask(inner, shape)) > 0.5
    if lips.sum() < 4:
        lips = _lip_band(inner, shape, MouthOptions.ring_width)
    if not lips.any():
        lips = np.ones(shape, dtype=bool)
    return np.median(_lab(patch)[lips], axis=0)


def recolour_interior(
    interior: np.ndarray,
    gain: float,
    driving_ab: np.ndarray,
    lips: np.ndarray,
    options: MouthOptions = MouthOptions(),
) -> np.ndarray:
    """The driving mouth interior (h, w, 3) Lab with the source's colours, as float32 RGB.

    Lightness times `gain`; the hue moves from the driving interior's mean `driving_ab` (2,)
    to the source lips' (`lips`, (3,) Lab) in the dark parts and to off-white in the bright
    ones (teeth), keeping chroma_keep of the driving variations around its mean.
    """
    lightness = np.clip(interior[..., 0] * np.float32(gain), 0.0, 100.0)
    low, high = options.teeth_lightness
    teeth = np.clip((lightness - low) / (high - low), 0.0, 1.0)[..., None]
    dark_ab = np.asarray(lips[1:], dtype=np.float32) * np.float32(options.lip_chroma)
    target_ab = dark_ab + (np.asarray(options.teeth_ab, dtype=np.float32) - dark_ab) * teeth
    ab = target_ab + (interior[..., 1:] - driving_ab.astype(np.float32)) * options.chroma_keep
    lab = np.concatenate([lightness[..., None], ab], axis=-1).astype(np.float32)
    return np.clip(cv2.cvtColor(lab, cv2.COLOR_Lab2RGB), 0.0, 1.0)


class MouthFill:
    """Fills the opened mouth over one animation: the driving frame's mouth interior warped
    into the target inner-lip polygon, recoloured towards the source's lips, feathered.

    The source's lip colour is measured once per animation and the driving lips' lightness
    is smoothed from frame to frame, so the fill does not flicker; each frame's own mean hue
    is replaced by the source's.
    source: (H, W, 3) float32; source_outer_lips, source_inner_lips: (20, 2) loops in pixels.
    """

    def __init__(
        self,
        source: np.ndarray,
        source_outer_lips: np.ndarray,
        source_inner_lips: np.ndarray,
        options: MouthOptions = MouthOptions(),
    ) -> None:
        self.options = options
        self.lips = lip_colour(source, source_outer_lips, source_inner_lips)
        self._lip_lightness: float | None = None

    def _driving_lightness(self, interior: np.ndarray, band: np.ndarray, update: bool) -> float:
        """The driving lips' lightness, smoothed over frames."""
        if self._lip_lightness is not None and not update:
            return self._lip_lightness
        lightness = float(interior[..., 0][band].mean())
        if self._lip_lightness is None:
            self._lip_lightness = lightness
        else:
            self._lip_lightness += self.options.adaptation * (lightness - self._lip_lightness)
        return self._lip_lightness

    def __call__(
        self,
        output: np.ndarray,
        target_lips: np.ndarray,
        driving: np.ndarray,
        driving_lips: np.ndarray,
        strength: float,
        *,
        update: bool = True,
    ) -> np.ndarray:
        """Blend the fill into `output` (H, W, 3) float32 (changed in place and returned)
        inside target_lips (20, 2); driving: (h, w, 3) float32 with its inner-lip loop
        driving_lips (20, 2); strength in [0, 1] from `fill_strength`. update: False keeps the
        smoothed driving lightness as it is (a held frame repeats exactly)."""
        options = self.options
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
        band = _lip_band(local_lips, patch.shape[:2], options.ring_width)
        if not band.any():
            return output
        interior = _lab(_interior(driving, target_lips, driving_lips, (x0, y0, x1, y1)))
        inside = _polygon_mask(local_lips, patch.shape[:2]) > 0.5
        # The cast removed is this frame's own (the fill's hue is then the source's in every
        # frame); the lightness gain follows the driving lips slowly.
        driving_ab = interior[inside if inside.sum() >= 4 else band][:, 1:].mean(axis=0)
        gain = float(self.lips[0]) / max(self._driving_lightness(interior, band, update), 1.0)
        gain = float(np.clip(gain, 1 / options.gain_limit, options.gain_limit))
        fill = recolour_interior(interior, gain, driving_ab, self.lips, options)
        # Feather inwards: the mask reaches 1 a little inside the lip line, 0 just outside it.
        sigma = max(options.feather * mouth_width, 0.5)
        center = local_lips.mean(axis=0)
        shrunk = center + (local_lips - center) * max(1 - sigma / max(mouth_width / 2, 1), 0.5)
        mask = _polygon_mask(shrunk, patch.shape[:2])
        mask = cv2.GaussianBlur(mask, (0, 0), sigma) * np.float32(strength)
        patch += (fill - patch) * mask[..., None]
        return output
