"""Geometric measures of the head-frame landmarks: the neutral frames and the eyes' rotation.

The 52 blendshape weights come from MediaPipe's learned model (`calibration.py`); the
landmarks, pose-normalised (cm, x to the subject's left, y up, z out of the face; see
`pose.py`), still pick the clip's most neutral frames (mouth closed, every measure near its
median) and give the eye rotations of the CSV and BVH (iris offsets).
"""

from __future__ import annotations

import numpy as np

# Subject's left (+x) and right eye: outer corner, inner corner, three upper-lid and three
# lower-lid points (paired top-to-bottom), iris centre. MediaPipe's face-mesh indices.
EYES = {
    "Left": dict(outer=263, inner=362, upper=(385, 386, 387), lower=(380, 374, 373), iris=473),
    "Right": dict(outer=33, inner=133, upper=(158, 159, 160), lower=(153, 145, 144), iris=468),
}
# Brows: inner end, middle, outer end (upper contour).
BROWS = {
    "Left": dict(inner=(336, 285), outer=(300, 276)),
    "Right": dict(inner=(107, 55), outer=(70, 46)),
}
# Lips: corners, and per side an outer upper-lip point and the outer lower-lip point below it.
MOUTH_CORNER = {"Left": 291, "Right": 61}
UPPER_LIP_SIDE = {"Left": 269, "Right": 39}
LOWER_LIP_SIDE = {"Left": 405, "Right": 181}
UPPER_LIP_TOP, UPPER_LIP_INNER, LOWER_LIP_INNER, LOWER_LIP_BOTTOM = 0, 13, 14, 17
CHIN, NOSE_TIP = 152, 1
CHEEK = {"Left": (330, 347, 280), "Right": (101, 118, 50)}
NOSE_WING = {"Left": (358, 294), "Right": (129, 64)}

# The learned model has no tongue output: tongueOut is written as 0, never noise.
UNOBSERVED: tuple[str, ...] = ("tongueOut",)

# Typical full openings (cm): they weigh jaw against lips when looking for a closed mouth.
JAW_OPEN_CM = 2.0
LIP_GAP_CM = 0.8
EYE_RADIUS_CM = 1.2  # iris travel = radius * sin(angle)


def measures(head: np.ndarray) -> dict[str, np.ndarray]:
    """Geometric measures of (T, N, 3) head-frame landmarks in cm: name -> (T,) array."""
    x, y, z = head[..., 0], head[..., 1], head[..., 2]
    m: dict[str, np.ndarray] = {}
    for side, eye in EYES.items():
        outer, inner = head[:, eye["outer"]], head[:, eye["inner"]]
        width = np.linalg.norm(outer - inner, axis=-1)
        lids = np.linalg.norm(head[:, eye["upper"]] - head[:, eye["lower"]], axis=-1).mean(axis=1)
        m[f"eye_opening_{side}"] = lids / width
        corner_y = (outer[:, 1] + inner[:, 1]) / 2
        m[f"lower_lid_{side}"] = (y[:, list(eye["lower"])].mean(axis=1) - corner_y) / width
        iris = head[:, eye["iris"]]
        centre = (outer + inner) / 2
        # Iris offset toward the outer corner (+) and up (+), in eye widths.
        outward = np.sign(outer[:, 0] - inner[:, 0])
        m[f"iris_out_{side}"] = outward * (iris[:, 0] - centre[:, 0]) / width
        m[f"iris_up_{side}"] = (iris[:, 1] - centre[:, 1]) / width
        m[f"eye_width_{side}"] = width
        brow = BROWS[side]
        m[f"brow_inner_{side}"] = y[:, list(brow["inner"])].mean(axis=1)
        m[f"brow_outer_{side}"] = y[:, list(brow["outer"])].mean(axis=1)
        corner = head[:, MOUTH_CORNER[side]]
        m[f"corner_x_out_{side}"] = np.abs(corner[:, 0])
        m[f"corner_z_{side}"] = corner[:, 2]
        lip_centre_y = (y[:, UPPER_LIP_TOP] + y[:, LOWER_LIP_BOTTOM]) / 2
        m[f"corner_rise_{side}"] = corner[:, 1] - lip_centre_y
        m[f"side_lip_height_{side}"] = y[:, UPPER_LIP_SIDE[side]] - y[:, LOWER_LIP_SIDE[side]]
        m[f"upper_lip_side_{side}"] = y[:, UPPER_LIP_SIDE[side]]
        m[f"lower_lip_side_{side}"] = y[:, LOWER_LIP_SIDE[side]]
        m[f"cheek_{side}"] = y[:, list(CHEEK[side])].mean(axis=1)
        m[f"nose_wing_{side}"] = y[:, list(NOSE_WING[side])].mean(axis=1)
    m["chin_drop"] = y[:, NOSE_TIP] - y[:, CHIN]
    m["chin_x"] = x[:, CHIN]
    m["chin_z"] = z[:, CHIN]
    m["lip_gap"] = np.linalg.norm(head[:, UPPER_LIP_INNER] - head[:, LOWER_LIP_INNER], axis=-1)
    m["mouth_width"] = np.linalg.norm(
        head[:, MOUTH_CORNER["Left"]] - head[:, MOUTH_CORNER["Right"]], axis=-1
    )
    m["mouth_x"] = (x[:, MOUTH_CORNER["Left"]] + x[:, MOUTH_CORNER["Right"]]) / 2
    m["upper_lip_thickness"] = y[:, UPPER_LIP_TOP] - y[:, UPPER_LIP_INNER]
    m["lower_lip_thickness"] = y[:, LOWER_LIP_INNER] - y[:, LOWER_LIP_BOTTOM]
    m["upper_lip_y"] = y[:, UPPER_LIP_TOP]
    m["lower_lip_y"] = y[:, LOWER_LIP_BOTTOM]
    return m


def eye_rotations(head: np.ndarray, neutral: np.ndarray) -> np.ndarray:
    """Gaze of each eye (T, 2, 3): [left, right] x (yaw, pitch, roll) in radians, head frame.

    From the iris offset against the neutral one: yaw = asin(dx / r), pitch = asin(dy / r), with
    r = 1.2 cm, the same right-handed signs as the head (yaw > 0 looks toward the subject's left,
    pitch > 0 looks down); roll is 0, an eye's roll is not observable.
    """
    result = np.zeros((len(head), 2, 3))
    for k, eye in enumerate(EYES.values()):
        offset = head[:, eye["iris"]] - neutral[None, eye["iris"]]
        scale = np.clip(offset / EYE_RADIUS_CM, -1.0, 1.0)
        result[:, k, 0] = np.arcsin(scale[:, 0])
        result[:, k, 1] = -np.arcsin(scale[:, 1])
    return result


def neutral_frames(head: np.ndarray, count: int | None = None) -> np.ndarray:
    """Indices of the most neutral frames of (T, N, 3) head-frame landmarks, most neutral first.

    See `pick_neutral`, which does the work from the frames' `measures`.
    """
    return pick_neutral(measures(head), count)


def pick_neutral(values: dict[str, np.ndarray], count: int | None = None) -> np.ndarray:
    """Indices of the most neutral frames given their `measures` (name -> (T,)).

    First the quarter of the clip whose mouth is the most closed (jaw and lip opening: a clip
    that talks has its median mouth half open), then, among those, the frames nearest their
    median on every measure, in units of each measure's median absolute deviation. `count`
    defaults to a tenth of the clip, between 1 and 30 frames.
    """
    total = len(values["chin_drop"])
    if count is None:
        count = int(np.clip(total // 10, 1, 30))
    opening = values["chin_drop"] / JAW_OPEN_CM + values["lip_gap"] / LIP_GAP_CM
    keep = max(count, int(np.ceil(total / 4)))
    closed = np.argsort(opening, kind="stable")[:keep]
    score = np.zeros(len(closed))
    for series in values.values():
        candidates = series[closed]
        median = np.median(candidates)
        score += np.abs(candidates - median) / (np.median(np.abs(candidates - median)) + 1e-3)
    return closed[np.argsort(score, kind="stable")[:count]]
