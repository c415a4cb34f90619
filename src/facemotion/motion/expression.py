"""Expression measures on the 478 face landmarks: mouth opening, eye openness, gaze, brows,
yaw.

Pure functions of one face's (478, >=2) pixel landmarks (the legacy FaceMesh and the Face
Landmarker's v2 model share the index topology). Lengths are in units of the face's
inter-ocular distance (the distance between the two eye centres, each the mean of its two
corners), so a measure means the same on a small and a large face; directions are along the
face's own axes (x from the subject's right eye to the left one, y down the face), so an
in-plane tilt changes nothing. `Expression` is what retargeting consumes; a learned
blendshape model's scores can fill the same fields.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# How the landmark model moves the mouth and eyes (LandmarkOptions.expression): retargeted to
# the driver's openings, or moved by the driver's displacement like the head.
EXPRESSION_MODES = ("retarget", "relative")

RIGHT_EYE_CORNERS = (33, 133)  # outer, inner: the eye at the image's left (subject's right)
LEFT_EYE_CORNERS = (263, 362)
# Upper and lower lid rims of each eye, paired top to bottom, outer corner to inner corner.
RIGHT_UPPER_LID = (246, 161, 160, 159, 158, 157, 173)
RIGHT_LOWER_LID = (7, 163, 144, 145, 153, 154, 155)
LEFT_UPPER_LID = (466, 388, 387, 386, 385, 384, 398)
LEFT_LOWER_LID = (249, 390, 373, 374, 380, 381, 382)
# The ring of mesh points above each upper lid (the crease), paired with the lid points.
RIGHT_CREASE = (247, 30, 29, 27, 28, 56, 190)
LEFT_CREASE = (467, 260, 259, 257, 258, 286, 414)
# The ring of mesh points below each lower lid, paired with the lid points.
RIGHT_BELOW = (25, 110, 24, 23, 22, 26, 112)
LEFT_BELOW = (255, 339, 254, 253, 252, 256, 341)
# Inner lips, upper and lower, paired across the mouth (the middle pair is 13 / 14).
UPPER_INNER_LIP = (81, 82, 13, 312, 311)
LOWER_INNER_LIP = (178, 87, 14, 317, 402)
MOUTH_CORNERS = (61, 291)  # outer lip corners: at the image's left, right
LIP_MIDDLES = (
    13,
    14,
)  # the inner lips' middles: their mean drops with the corners as the jaw opens
RIGHT_IRIS_CENTER, LEFT_IRIS_CENTER = 468, 473
RIGHT_IRIS_RING, LEFT_IRIS_RING = (469, 470, 471, 472), (474, 475, 476, 477)
# Each brow's upper and lower edge, from its outer end to its inner end.
RIGHT_BROW = (70, 63, 105, 66, 107, 46, 53, 52, 65, 55)
LEFT_BROW = (300, 293, 334, 296, 336, 276, 283, 282, 295, 285)
RIGHT_INNER_BROW, LEFT_INNER_BROW = (107, 66, 55, 65), (336, 296, 285, 295)
NOSE_TIP = 1
CHEEKS = (234, 454)  # the face oval's points at the image's left and right


@dataclass(frozen=True)
class FaceAxes:
    """A face's own frame in the image: origin (2,) px midway between the eye centres, x (2,)
    unit vector towards the subject's left eye, y (2,) unit vector down the face, scale: the
    inter-ocular distance in px."""

    origin: np.ndarray
    x: np.ndarray
    y: np.ndarray
    scale: float

    def local(self, points: np.ndarray) -> np.ndarray:
        """Image px (N, 2) -> face units (N, 2): (along x, along y) / scale."""
        offset = np.asarray(points, np.float64)[..., :2] - self.origin
        return np.stack([offset @ self.x, offset @ self.y], axis=-1) / self.scale


@dataclass(frozen=True)
class Expression:
    """What a face does, in face units (see the module): mouth_open, the inner lips' gap;
    mouth_width, corner to corner; corner_lift, how far the corners lie below the inner lips'
    middle (negative: raised, as in a smile); eye_open_right / eye_open_left, the lids' gap over the
    eye's width (the subject's right eye is at the image's left); gaze_right / gaze_left (2,),
    each iris centre's offset from its eye's corner midpoint over the eye's width;
    brow_right / brow_left, how far each brow's mean point lies above its eye's corners;
    brow_inner, how far the inner ends of the brows lie above their whole brows (mean of
    both sides: raised in worry and surprise, lowered in a frown)."""

    mouth_open: float
    mouth_width: float
    corner_lift: float
    eye_open_right: float
    eye_open_left: float
    gaze_right: np.ndarray
    gaze_left: np.ndarray
    brow_right: float
    brow_left: float
    brow_inner: float


def face_axes(points: np.ndarray) -> FaceAxes:
    """The face frame of landmarks (478, >=2) px."""
    points = np.asarray(points, np.float64)[:, :2]
    right = points[list(RIGHT_EYE_CORNERS)].mean(axis=0)
    left = points[list(LEFT_EYE_CORNERS)].mean(axis=0)
    across = left - right
    scale = float(np.hypot(*across))
    x = across / max(scale, 1e-9)
    # The image's y points down; a face's y is x turned by +90 degrees in those axes.
    y = np.array([-x[1], x[0]])
    # In a mirrored or upside-down face the nose would then lie above the eyes: flip y.
    if (points[NOSE_TIP] - (right + left) / 2) @ y < 0:
        y = -y
    return FaceAxes((right + left) / 2, x, y, max(scale, 1e-9))


def mouth_opening(local: np.ndarray) -> float:
    """The inner lips' mean vertical gap, from landmarks in face units (478, 2)."""
    upper, lower = local[list(UPPER_INNER_LIP), 1], local[list(LOWER_INNER_LIP), 1]
    return float(np.mean(lower - upper))


def eye_width(points: np.ndarray, corners: tuple[int, int]) -> float:
    """The distance between an eye's two corners (indices) in landmarks (478, 2), in their
    units."""
    return float(np.hypot(*(points[corners[0]] - points[corners[1]])))


# The iris radius an eye may have, in eye widths: a human iris is ~11.7 mm across an eye ~30 mm
# wide (~0.2); a ring measured outside this is a guess (an eye shut or half shut in the photo).
IRIS_RADIUS_RANGE = (0.17, 0.26)


def plausible_iris_radius(ring_radius: float, width: float) -> float:
    """An iris ring's measured radius kept within `IRIS_RADIUS_RANGE` of its eye's `width`
    (both in the same units)."""
    low, high = IRIS_RADIUS_RANGE
    return float(np.clip(ring_radius, low * width, high * width))


def eye_opening(local: np.ndarray, upper: tuple[int, ...], lower: tuple[int, ...]) -> float:
    """One eye's lid gap over its width, from landmarks in face units (478, 2)."""
    corners = RIGHT_EYE_CORNERS if upper == RIGHT_UPPER_LID else LEFT_EYE_CORNERS
    width = eye_width(local, corners)
    gap = local[list(lower), 1] - local[list(upper), 1]
    return float(np.mean(gap)) / max(width, 1e-9)


def _gaze(local: np.ndarray, corners: tuple[int, int], iris: int) -> np.ndarray:
    middle = (local[corners[0]] + local[corners[1]]) / 2
    width = eye_width(local, corners)
    return (local[iris] - middle) / max(width, 1e-9)


def brow_heights(local: np.ndarray) -> tuple[float, float, float]:
    """(right, left, inner): each brow's height above its eye's corners and the inner ends'
    height above their brows (mean of both sides), from landmarks in face units (478, 2)."""
    right_eye = local[list(RIGHT_EYE_CORNERS), 1].mean()
    left_eye = local[list(LEFT_EYE_CORNERS), 1].mean()
    right = right_eye - local[list(RIGHT_BROW), 1].mean()
    left = left_eye - local[list(LEFT_BROW), 1].mean()
    inner_right = right_eye - local[list(RIGHT_INNER_BROW), 1].mean() - right
    inner_left = left_eye - local[list(LEFT_INNER_BROW), 1].mean() - left
    return float(right), float(left), float((inner_right + inner_left) / 2)


def measure(points: np.ndarray, axes: FaceAxes | None = None) -> Expression:
    """The expression of landmarks (478, >=2) px, in the given face frame (default: their own;
    pass a reference frame's axes to measure a moving face against a fixed scale)."""
    axes = axes or face_axes(points)
    local = axes.local(np.asarray(points, np.float64)[:, :2])
    corners = local[list(MOUTH_CORNERS)]
    brow_right, brow_left, brow_inner = brow_heights(local)
    return Expression(
        mouth_open=mouth_opening(local),
        mouth_width=float(np.hypot(*(corners[1] - corners[0]))),
        corner_lift=float(corners[:, 1].mean() - local[list(LIP_MIDDLES), 1].mean()),
        eye_open_right=eye_opening(local, RIGHT_UPPER_LID, RIGHT_LOWER_LID),
        eye_open_left=eye_opening(local, LEFT_UPPER_LID, LEFT_LOWER_LID),
        gaze_right=_gaze(local, RIGHT_EYE_CORNERS, RIGHT_IRIS_CENTER),
        gaze_left=_gaze(local, LEFT_EYE_CORNERS, LEFT_IRIS_CENTER),
        brow_right=brow_right,
        brow_left=brow_left,
        brow_inner=brow_inner,
    )


def yaw_proxy(points: np.ndarray) -> float:
    """A monotonic stand-in for the head's yaw from landmarks (478, >=2) px: where the nose
    tip lies between the two sides of the face oval, -1 (at the image's left side) to 1."""
    points = np.asarray(points, np.float64)[:, :2]
    axes = face_axes(points)
    left, right = axes.local(points[list(CHEEKS)])[:, 0]
    nose = axes.local(points[NOSE_TIP][None])[0, 0]
    return float((2 * nose - left - right) / max(right - left, 1e-9))
