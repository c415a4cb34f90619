"""Filling a mouth that opens wider than the source's: a mouth interior drawn in the target
inner-lip polygon in the source's own colours, feathered.

The warp alone stretches whatever lies between the source's lips (often just a lip line) over
the opened mouth. The interior drawn instead is a dark cavity, a row of upper teeth hanging
from the upper lip and a tongue resting on the lower lip, each shaded from the source lips'
colour (CIE Lab), so it suits the face it is in and does not flicker: nothing of the driving
frame is used (its interior would carry the driver's teeth, beard and camera cast). The
cavity and the teeth take only a little of the lips' colour, so a blue-lit or sepia photo
gives neither a blue nor a brown mouth (a real open mouth is near black, chroma ~5, on the
carphone clip).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from facemotion.motion.paint import colour_between, paint_inside, polygon_mask


@dataclass(frozen=True)
class MouthOptions:
    """feather: the soft edge of the fill, as a fraction of the mouth's width.

    Colour (CIE Lab, L in [0, 100]; lips: the source lips' median colour): cavity_lightness
    (at the back, at the lips) with the lips' hue times cavity_chroma, its chroma at most
    cavity_max_chroma (the cavity is in shadow: a real one is near black, and a strongly
    tinted photo's lips would otherwise give it a blue or brown cast); teeth: teeth_height
    (fraction of the mouth's width) below the upper lip, lightness the lips' plus
    teeth_lift (within teeth_lightness), hue teeth_ab plus teeth_warmth of the lips' (teeth
    take the warmth of the light on the face), shaded towards the mouth corners, with faint
    gaps every tooth_width (fraction of the mouth's width);
    tongue: an ellipse on the lower lip of tongue_size (half-width, height as fractions of
    the mouth's width), lightness tongue_lightness times the lips', their hue times
    tongue_chroma.
    """

    feather: float = 0.04
    cavity_lightness: tuple[float, float] = (4.0, 14.0)
    cavity_chroma: float = 0.25
    cavity_max_chroma: float = 8.0
    teeth_height: float = 0.17
    teeth_lift: float = 28.0
    teeth_lightness: tuple[float, float] = (45.0, 82.0)
    teeth_ab: tuple[float, float] = (1.0, 7.0)
    teeth_warmth: float = 0.2
    tooth_width: float = 0.15
    tongue_size: tuple[float, float] = (0.3, 0.2)
    tongue_lightness: float = 0.8
    tongue_chroma: float = 0.9


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


def _lip_band(lips: np.ndarray, shape: tuple[int, int], width: float) -> np.ndarray:
    """(H, W) bool: a band around the inner-lip polygon (the lips themselves)."""
    center = lips.mean(axis=0)
    outer = center + (lips - center) * (1 + 2 * width) + np.sign(lips - center) * 2
    return (polygon_mask(outer, shape) - polygon_mask(lips, shape)) > 0.5


def lip_colour(image: np.ndarray, outer_lips: np.ndarray, inner_lips: np.ndarray) -> np.ndarray:
    """(3,) median Lab colour of the lips: between the outer and the inner lip loops (20, 2)
    of an (H, W, 3) float32 image; the band around the inner loop when that is empty."""
    return colour_between(
        image, outer_lips, inner_lips, 2, lambda inner, shape: _lip_band(inner, shape, 0.08)
    )


def _mouth_coordinates(
    lips: np.ndarray, shape: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Per pixel of an (h, w) patch: u across the mouth (-1 and 1 at the corners), the
    distance below the upper inner lip and the gap between the lips there (px), and the
    mouth's width (px). lips: (20, 2) inner-lip loop in patch px, MediaPipe's order (corner,
    upper lip to the other corner at index 10, lower lip back)."""
    left, right = lips[0], lips[10]
    across = right - left
    width = max(float(np.hypot(*across)), 1e-6)
    axis = across / width
    down = np.array([-axis[1], axis[0]])
    if (lips[11:].mean(axis=0) - lips[1:10].mean(axis=0)) @ down < 0:
        down = -down
    centre = (left + right) / 2
    ys, xs = np.mgrid[0 : shape[0], 0 : shape[1]].astype(np.float32) + 0.5
    u_px = (xs - centre[0]) * axis[0] + (ys - centre[1]) * axis[1]
    v_px = (xs - centre[0]) * down[0] + (ys - centre[1]) * down[1]
    local = (lips - centre) @ np.stack([axis, down], axis=1)
    upper, lower = local[:11], np.vstack([local[10:], local[:1]])
    upper, lower = upper[np.argsort(upper[:, 0])], lower[np.argsort(lower[:, 0])]
    top = np.interp(u_px, upper[:, 0], upper[:, 1])
    bottom = np.interp(u_px, lower[:, 0], lower[:, 1])
    return u_px / (width / 2), v_px - top, np.maximum(bottom - top, 1e-3), width


def mouth_interior(
    lips: np.ndarray, shape: tuple[int, int], colour: np.ndarray, options: MouthOptions
) -> np.ndarray:
    """The drawn interior of an open mouth: (h, w, 3) float32 RGB for a patch of `shape`
    whose inner-lip loop is `lips` (20, 2) patch px; colour: the source lips' Lab (3,)."""
    u, below, gap, width = _mouth_coordinates(lips, shape)
    lips_l, lips_ab = float(colour[0]), np.asarray(colour[1:], np.float32)
    edge = np.clip(np.abs(u), 0.0, 1.0)
    depth = np.clip(np.minimum(below, gap - below) / np.maximum(gap / 2, 1e-3), 0.0, 1.0)
    back, front = options.cavity_lightness
    lightness = front + (back - front) * depth * (1 - 0.5 * edge)
    cavity_ab = lips_ab * options.cavity_chroma
    chroma = float(np.hypot(*cavity_ab))
    if chroma > options.cavity_max_chroma:
        cavity_ab *= options.cavity_max_chroma / chroma
    ab = np.broadcast_to(cavity_ab, (*shape, 2)).copy()
    # Upper teeth: a band hanging from the upper lip, fading into shadow at the corners and
    # at their lower edge.
    tooth = options.teeth_height * width
    teeth = np.clip((tooth - below) / 1.5, 0.0, 1.0) * np.clip((0.85 - edge) / 0.3, 0.0, 1.0)
    low, high = options.teeth_lightness
    teeth_l = float(np.clip(lips_l + options.teeth_lift, low, high))
    teeth_l = teeth_l * (1 - 0.35 * edge**2) * (1 - 0.15 * np.clip(below / tooth, 0.0, 1.0))
    # Gaps between the teeth: narrow darker lines across the band, the middle one at u = 0.
    phase = np.sin(np.pi * u / (2 * options.tooth_width))
    teeth_l = teeth_l * (1 - 0.15 * np.exp(-((phase / 0.2) ** 2)))
    lightness = lightness + (teeth_l - lightness) * teeth
    teeth_ab = np.asarray(options.teeth_ab, np.float32) + options.teeth_warmth * lips_ab
    ab += (teeth_ab - ab) * teeth[..., None]
    # The tongue: an ellipse resting on the lower lip, shaded darker towards the back.
    half, height = options.tongue_size
    rise = (gap - below) / (height * width)
    tongue = np.clip((1 - (u / (2 * half)) ** 2 - rise**2) * 4, 0.0, 1.0) * (1 - teeth)
    tongue_l = lips_l * options.tongue_lightness * (1 - 0.4 * np.clip(rise, 0.0, 1.0))
    lightness = lightness + (tongue_l - lightness) * tongue
    ab += (lips_ab * options.tongue_chroma - ab) * tongue[..., None]
    lab = np.concatenate([lightness[..., None], ab], axis=-1).astype(np.float32)
    return np.clip(cv2.cvtColor(lab, cv2.COLOR_Lab2RGB), 0.0, 1.0)


class MouthFill:
    """Fills the opened mouth over one animation with an interior drawn in the source lips'
    colour (measured once per animation), feathered at the lips.

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

    def __call__(self, output: np.ndarray, target_lips: np.ndarray, strength: float) -> np.ndarray:
        """Blend the interior into `output` (H, W, 3) float32 (changed in place and returned)
        inside target_lips (20, 2) px; strength in [0, 1] from `fill_strength`."""
        options = self.options
        if strength <= 0:
            return output
        mouth_width = float(np.ptp(target_lips[:, 0])) or 1.0
        margin = int(np.ceil(mouth_width * options.feather)) + 3
        # Feather inwards: the mask reaches 1 a little inside the lip line, 0 just outside it.
        sigma = max(options.feather * mouth_width, 0.5)
        shrink = max(1 - sigma / max(mouth_width / 2, 1), 0.5)

        def draw(lips: np.ndarray, shape: tuple[int, int], origin: np.ndarray) -> np.ndarray:
            return mouth_interior(lips, shape, self.lips, options)

        return paint_inside(output, target_lips, margin, draw, sigma, (shrink, shrink), strength)
