"""Drawing an eyeball where the source shows none: an eye photographed shut, opened by
retargeting, would otherwise show the lash line stretched over the opening.

The eye drawn in the target lid polygon is a sclera, an iris at the wanted gaze and a pupil,
shaded from the source skin's colour around that eye (CIE Lab) as the mouth's interior is
shaded from the lips' (mouth.py): the sclera a little lighter than the skin and barely
tinted by it, the iris a dark warm brown (the commonest; a shut eye tells nothing of its
colour) with a darker rim, a shadow under the upper lid and a small catchlight. The lid
polygon clips it, feathered inwards, so the lids cover it as they close: a shut target eye
has no area and draws nothing. Nothing of the driving frame is used.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from facemotion.motion.expression import (
    LEFT_IRIS_CENTER,
    LEFT_LOWER_LID,
    LEFT_UPPER_LID,
    RIGHT_IRIS_CENTER,
    RIGHT_LOWER_LID,
    RIGHT_UPPER_LID,
    eye_opening,
    face_axes,
)
from facemotion.motion.mesh import face_topology
from facemotion.motion.paint import colour_between, paint_inside

_UPPER = slice(0, 9)  # a lid loop's outer corner, upper lid and inner corner (see eye_loops)
_UPPER_LIDS = frozenset(RIGHT_UPPER_LID + LEFT_UPPER_LID)


def eye_loops() -> tuple[list[int], list[int]]:
    """The right and the left eye's lid-rim loops (16 indices each) as `eye_interior` takes
    them: from the outer corner along the upper lid, the inner corner at index 8, back along
    the lower lid (the topology's loops, the left one walked the other way round)."""
    loops = []
    for loop in (face_topology().right_eye, face_topology().left_eye):
        loop = [int(i) for i in loop]
        loops.append(loop if loop[1] in _UPPER_LIDS else [loop[0], *reversed(loop[1:])])
    return loops[0], loops[1]


@dataclass(frozen=True)
class EyeOptions:
    """Drawn eyes. shut / open: the source eye's lid gap over its width at and below which the
    eye is drawn fully, and from which on it is not drawn (the warp shows the source's own
    eye); feather: the soft edge at the lids, as a fraction of the eye's width.

    Colour (CIE Lab, L in [0, 100]; skin: the median colour around the source eye): sclera
    lightness the skin's plus sclera_lift (within sclera_lightness), hue sclera_ab plus
    sclera_warmth of the skin's; iris_radius (eye widths), lightness iris_lightness times the
    skin's, hue iris_ab; pupil_radius (of the iris's), lightness pupil_lightness; lid_shadow:
    how much darker the eye is just under the upper lid, fading over a third of its height;
    catchlight: its lightness (0: none)."""

    shut: float = 0.05
    open: float = 0.1
    feather: float = 0.03
    sclera_lift: float = 26.0
    sclera_lightness: tuple[float, float] = (60.0, 90.0)
    sclera_ab: tuple[float, float] = (1.0, 4.0)
    sclera_warmth: float = 0.25
    iris_radius: float = 0.21
    iris_lightness: float = 0.4
    iris_ab: tuple[float, float] = (9.0, 20.0)
    pupil_radius: float = 0.42
    pupil_lightness: float = 6.0
    lid_shadow: float = 0.25
    catchlight: float = 92.0


def eye_strength(openness: float, options: EyeOptions) -> float:
    """How much of the drawn eye to show, in [0, 1], for a source eye open by `openness`
    (lid gap over eye width): 1 at or below `shut`, 0 from `open` on."""
    span = max(options.open - options.shut, 1e-6)
    return float(np.clip((options.open - openness) / span, 0.0, 1.0))


def skin_colour(image: np.ndarray, loop: np.ndarray) -> np.ndarray:
    """(3,) median Lab colour of the skin around an eye: in the ring between its lid loop
    (16, 2) px and that loop grown 1.8 times about its centre, in an (H, W, 3) float32 image."""
    centre = loop.mean(axis=0)
    return colour_between(image, centre + 1.8 * (loop - centre), loop, 1)


def eye_interior(
    loop: np.ndarray,
    iris: np.ndarray,
    shape: tuple[int, int],
    skin: np.ndarray,
    options: EyeOptions,
) -> np.ndarray:
    """A drawn open eye: (h, w, 3) float32 RGB for a patch of `shape` whose lid loop is `loop`
    (16, 2) patch px (MediaPipe's order) with the iris centred at `iris` (2,) patch px; skin:
    the Lab colour (3,) around the source's eye."""
    across = loop[8] - loop[0]
    width = max(float(np.hypot(*across)), 1e-6)
    ys, xs = np.mgrid[0 : shape[0], 0 : shape[1]].astype(np.float32) + 0.5
    axis = across / width
    u = ((xs - loop[0, 0]) * axis[0] + (ys - loop[0, 1]) * axis[1]) / width
    # Below the upper lid: its rim's height at each u, interpolated along the rim.
    normal = np.array([-axis[1], axis[0]])
    # Down the eye, from the upper lid to the lower, whichever side the corners lie.
    if (loop[9:].mean(axis=0) - loop[1:8].mean(axis=0)) @ normal < 0:
        normal = -normal
    upper = loop[_UPPER]
    rim_u = ((upper - loop[0]) @ axis) / width
    rim_v = (upper - loop[0]) @ normal
    order = np.argsort(rim_u)
    v = (xs - loop[0, 0]) * normal[0] + (ys - loop[0, 1]) * normal[1]
    below = v - np.interp(u, rim_u[order], rim_v[order])
    height = max(float(np.ptp(loop @ normal)), 1e-3)
    shadow = 1.0 - options.lid_shadow * np.clip(1.0 - below / (height / 3), 0.0, 1.0)
    skin_l, skin_ab = float(skin[0]), np.asarray(skin[1:], np.float32)
    low, high = options.sclera_lightness
    sclera_l = float(np.clip(skin_l + options.sclera_lift, low, high))
    edge = np.clip(np.abs(u - 0.5) * 2, 0.0, 1.0)
    lightness = sclera_l * (1 - 0.25 * edge**2)
    sclera_ab = np.asarray(options.sclera_ab, np.float32) + options.sclera_warmth * skin_ab
    ab = np.broadcast_to(sclera_ab, (*shape, 2)).copy()
    radius = options.iris_radius * width
    r = np.hypot(xs - iris[0], ys - iris[1]) / radius
    inside = np.clip((1.0 - r) * radius / 1.2 + 0.5, 0.0, 1.0)  # ~1 px soft limbus
    iris_l = skin_l * options.iris_lightness * (1 - 0.45 * np.clip((r - 0.7) / 0.3, 0.0, 1.0))
    pupil = np.clip((options.pupil_radius - r) * radius / 1.0 + 0.5, 0.0, 1.0)
    iris_l = iris_l + (options.pupil_lightness - iris_l) * pupil
    lightness = lightness + (iris_l - lightness) * inside
    ab += (np.asarray(options.iris_ab, np.float32) * (1 - pupil[..., None]) - ab) * inside[
        ..., None
    ]
    lightness = lightness * shadow
    if options.catchlight > 0:
        glint = np.hypot(xs - iris[0] + 0.3 * radius, ys - iris[1] + 0.3 * radius) / radius
        # At least ~1 px across, however small the eye.
        spot_radius = max(0.14, 0.7 / max(radius, 1e-6))
        spot = np.clip((spot_radius - glint) * radius + 0.5, 0.0, 1.0) * (below > 0)
        lightness = lightness + (options.catchlight - lightness) * spot
        ab *= 1 - spot[..., None]
    lab = np.concatenate([lightness[..., None], ab], axis=-1).astype(np.float32)
    return np.clip(cv2.cvtColor(lab, cv2.COLOR_Lab2RGB), 0.0, 1.0)


class EyeFill:
    """Draws an eye into each target eye over one animation, as far as the source's own eye
    is shut (`eye_strength`), shaded from the skin around it (measured once).

    source: (H, W, 3) float32; points: the source's landmarks (478, >=2) px.
    """

    def __init__(
        self, source: np.ndarray, points: np.ndarray, options: EyeOptions = EyeOptions()
    ) -> None:
        self.options = options
        points = np.asarray(points, np.float64)[:, :2]
        local = face_axes(points).local(points)
        self._eyes = []
        right, left = eye_loops()
        for loop, iris, upper, lower in (
            (right, RIGHT_IRIS_CENTER, RIGHT_UPPER_LID, RIGHT_LOWER_LID),
            (left, LEFT_IRIS_CENTER, LEFT_UPPER_LID, LEFT_LOWER_LID),
        ):
            strength = eye_strength(eye_opening(local, upper, lower), options)
            if strength > 0:
                colour = skin_colour(source, points[loop])
                self._eyes.append((loop, iris, strength, colour))

    @property
    def active(self) -> bool:
        """Whether any eye is drawn at all (the source has a shut eye)."""
        return bool(self._eyes)

    def __call__(self, output: np.ndarray, targets: np.ndarray) -> np.ndarray:
        """Blend the drawn eyes into `output` (H, W, 3) float32 (changed in place and
        returned) at the target landmarks (478, 2) px."""
        for loop, iris, strength, colour in self._eyes:
            rim = np.asarray(targets[loop], np.float64)
            eye_width = float(np.hypot(*(rim[8] - rim[0])))
            margin = int(np.ceil(eye_width * self.options.iris_radius)) + 3
            centre = np.asarray(targets[iris], np.float64)

            def draw(
                local: np.ndarray,
                shape: tuple[int, int],
                origin: np.ndarray,
                colour: np.ndarray = colour,
                centre: np.ndarray = centre,
            ) -> np.ndarray:
                return eye_interior(local, centre - origin, shape, colour, self.options)

            sigma = max(self.options.feather * eye_width, 0.5)
            # Feather inwards: the mask reaches 1 a little inside the lid rims, 0 at them.
            across = max(1 - sigma / max(eye_width / 2, 1.0), 0.3)
            down = max(1 - sigma / max(float(np.ptp(rim[:, 1])) / 2, 1.0), 0.3)
            paint_inside(output, rim, margin, draw, sigma, (across, down), strength)
        return output
