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

A drawn source (a cartoon, drawn.py) gets a drawn interior instead, in flat colours of its
own palette: a dark cavity in the hue of the ink around its mouth, a flat tongue and a band
of teeth, crisp-edged, outlined in that ink as wide as the drawing's own mouth line (its
closed mouth is often that line alone, which the warp would otherwise stretch into a smear).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from facemotion.motion.paint import colour_between, paint_inside, polygon_mask, rgb_to_lab


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

    A drawn source's interior (ink: the darkest colour around its mouth, Lab): drawn_feather
    (fraction of the mouth's width, crisp); the cavity flat at drawn_cavity_lightness (at
    most the ink's) in the ink's hue; the tongue, the same ellipse as above, flat at
    drawn_tongue_lightness in the ink's hue at drawn_tongue_chroma; the teeth, a flat band
    of drawn_teeth_height below the upper lip, Lab drawn_teeth; the outline: the ink, as
    wide as the source's mouth line (within drawn_outline px); drawn_ramp: the fill's
    strength is multiplied by this (up to 1) for a drawing, so that its interior shows whole
    from a smaller opening (half shown over the stretched ink line, it reads as a smear).
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
    drawn_feather: float = 0.01
    drawn_cavity_lightness: float = 14.0
    drawn_tongue_lightness: float = 55.0
    drawn_tongue_chroma: float = 35.0
    drawn_teeth_height: float = 0.12
    drawn_teeth: tuple[float, float, float] = (96.0, 0.0, 3.0)
    drawn_outline: tuple[float, float] = (1.0, 4.0)
    drawn_ramp: float = 3.0


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


def ink(
    image: np.ndarray, outer_lips: np.ndarray, inner_lips: np.ndarray
) -> tuple[np.ndarray, float]:
    """The ink of a drawn mouth: its (3,) Lab colour (the median of the darkest tenth of the
    pixels inside the outer lip loop (20, 2) px of an (H, W, 3) float32 image) and the
    width (px) of the line it draws (its pixels over the mouth's width, the inner loop's
    (20, 2) corner to corner)."""
    height, width = image.shape[:2]
    x0 = max(int(np.floor(outer_lips[:, 0].min())) - 2, 0)
    y0 = max(int(np.floor(outer_lips[:, 1].min())) - 2, 0)
    x1 = min(int(np.ceil(outer_lips[:, 0].max())) + 2, width)
    y1 = min(int(np.ceil(outer_lips[:, 1].max())) + 2, height)
    lab = rgb_to_lab(image[y0:y1, x0:x1])
    inside = polygon_mask(outer_lips - [x0, y0], lab.shape[:2]) > 0.5
    if inside.sum() < 10:
        return np.array([20.0, 10.0, 5.0], np.float32), 1.0
    pixels = lab[inside]
    dark = pixels[pixels[:, 0] <= np.percentile(pixels[:, 0], 10)]
    colour = np.median(dark, axis=0)
    # The line's pixels: those near the ink's colour, far from the next colour in lightness.
    near = np.linalg.norm(pixels - colour, axis=1) < 12.0
    mouth_width = float(np.hypot(*(inner_lips[10] - inner_lips[0]))) or 1.0
    return colour, float(near.sum()) / mouth_width


def drawn_interior(
    lips: np.ndarray, shape: tuple[int, int], ink_lab: np.ndarray, options: MouthOptions
) -> np.ndarray:
    """The flat drawn interior of an open mouth: (h, w, 3) float32 RGB for a patch of `shape`
    whose inner-lip loop is `lips` (20, 2) patch px; ink_lab: the drawing's ink (3,) Lab."""
    u, below, gap, width = _mouth_coordinates(lips, shape)
    hue = np.asarray(ink_lab[1:], np.float32)
    chroma = max(float(np.hypot(*hue)), 1e-6)
    lab = np.empty((*shape, 3), np.float32)
    lab[..., 0] = min(options.drawn_cavity_lightness, float(ink_lab[0]))
    lab[..., 1:] = hue
    # Flat shapes with a one-pixel anti-aliased edge: coverage from a distance in px.
    half, height = options.tongue_size
    across, up = u * (width / 2) / (half * width), (gap - below) / (height * width)
    radius = np.sqrt(across**2 + up**2)
    tongue = np.clip((1 - radius) * min(half, height) * width + 0.5, 0.0, 1.0)
    tongue_lab = np.array(
        [options.drawn_tongue_lightness, *(hue / chroma * options.drawn_tongue_chroma)],
        np.float32,
    )
    lab += (tongue_lab - lab) * tongue[..., None]
    tooth = options.drawn_teeth_height * width
    teeth = np.clip(tooth - below + 0.5, 0.0, 1.0) * np.clip((0.8 - np.abs(u)) * width, 0.0, 1.0)
    lab += (np.asarray(options.drawn_teeth, np.float32) - lab) * teeth[..., None]
    return np.clip(cv2.cvtColor(lab, cv2.COLOR_Lab2RGB), 0.0, 1.0)


def draw_outline(
    output: np.ndarray, loop: np.ndarray, colour: np.ndarray, width: float, strength: float
) -> np.ndarray:
    """Stroke the closed loop (N, 2) px in `colour` (3,) RGB, `width` px wide, anti-aliased,
    blended by `strength`, into `output` (H, W, 3) float32 (changed in place and returned)."""
    height, image_width = output.shape[:2]
    margin = int(np.ceil(width)) + 2
    x0 = max(int(np.floor(loop[:, 0].min())) - margin, 0)
    y0 = max(int(np.floor(loop[:, 1].min())) - margin, 0)
    x1 = min(int(np.ceil(loop[:, 0].max())) + margin, image_width)
    y1 = min(int(np.ceil(loop[:, 1].max())) + margin, height)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return output
    # OpenCV anti-aliases lines on 8-bit images only.
    mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
    points = np.round((loop - [x0 + 0.5, y0 + 0.5]) * 16).astype(np.int32)
    cv2.polylines(mask, [points], True, 255, max(int(round(width)), 1), cv2.LINE_AA, 4)
    alpha = mask.astype(np.float32)[..., None] * np.float32(strength / 255)
    patch = output[y0:y1, x0:x1]
    patch += (np.asarray(colour, np.float32) - patch) * alpha
    return output


class MouthFill:
    """Fills the opened mouth over one animation with an interior drawn in the source lips'
    colour (measured once per animation), feathered at the lips.

    source: (H, W, 3) float32; source_outer_lips, source_inner_lips: (20, 2) loops in pixels;
    drawn: the source is a drawing (drawn.py): the interior is drawn flat, in its ink.
    """

    def __init__(
        self,
        source: np.ndarray,
        source_outer_lips: np.ndarray,
        source_inner_lips: np.ndarray,
        options: MouthOptions = MouthOptions(),
        drawn: bool = False,
    ) -> None:
        self.options = options
        self.lips = lip_colour(source, source_outer_lips, source_inner_lips)
        self.drawn = drawn
        self.ink, self.ink_width = ink(source, source_outer_lips, source_inner_lips)
        low, high = options.drawn_outline
        self.ink_width = float(np.clip(self.ink_width, low, high))
        self.ink_rgb = cv2.cvtColor(self.ink.reshape(1, 1, 3).astype(np.float32), cv2.COLOR_Lab2RGB)

    def __call__(self, output: np.ndarray, target_lips: np.ndarray, strength: float) -> np.ndarray:
        """Blend the interior into `output` (H, W, 3) float32 (changed in place and returned)
        inside target_lips (20, 2) px; strength in [0, 1] from `fill_strength`."""
        options = self.options
        if strength <= 0:
            return output
        if self.drawn:
            strength = min(strength * options.drawn_ramp, 1.0)
        mouth_width = float(np.ptp(target_lips[:, 0])) or 1.0
        feather = options.drawn_feather if self.drawn else options.feather
        margin = int(np.ceil(mouth_width * feather)) + 3
        # Feather inwards: the mask reaches 1 a little inside the lip line, 0 just outside it.
        sigma = max(feather * mouth_width, 0.5)
        shrink = max(1 - sigma / max(mouth_width / 2, 1), 0.5)

        def draw(lips: np.ndarray, shape: tuple[int, int], origin: np.ndarray) -> np.ndarray:
            if self.drawn:
                return drawn_interior(lips, shape, self.ink, options)
            return mouth_interior(lips, shape, self.lips, options)

        paint_inside(output, target_lips, margin, draw, sigma, (shrink, shrink), strength)
        if self.drawn:
            draw_outline(output, target_lips, self.ink_rgb.reshape(3), self.ink_width, strength)
        return output
