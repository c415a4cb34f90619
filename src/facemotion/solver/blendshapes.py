"""The 52 ARKit blendshape weights from pose-normalised landmarks and a neutral calibration.

Every weight is a geometric measure of the head-frame landmarks (cm, x to the subject's left,
y up, z out of the face; see `pose.py`) compared with the same measure on the subject's
neutral face, divided by the change that counts as a full expression and clipped to [0, 1].
docs/blendshapes.md lists the measure behind each name. `UNOBSERVED` names (the tongue, the
cheek puff) cannot be seen in the landmarks and stay exactly 0.
"""

from __future__ import annotations

import numpy as np

from facemotion.landmarks.arkit import ARKIT_NAMES, INDEX

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

UNOBSERVED: tuple[str, ...] = ("cheekPuff", "tongueOut")

# The change of each measure that makes a full (1.0) expression, in cm unless a ratio. Chosen
# from typical adult ranges: a jaw opens ~3 cm at the chin, an eye turns ~30° (iris ~0.6 cm).
FULL = dict(
    blink=0.8,  # fraction of the neutral eye opening that is lost
    wide=0.35,  # fraction of the neutral eye opening that is gained
    squint=0.12,  # lower-lid rise as a fraction of eye width
    look_horizontal=0.2,  # iris travel as a fraction of eye width
    look_vertical=0.12,
    jaw_open=2.0,
    jaw_side=0.8,
    jaw_forward=1.0,
    mouth_close=1.5,
    mouth_side=0.8,
    smile=0.6,
    frown=0.4,
    stretch=0.6,
    dimple=0.6,
    narrow=0.3,  # fraction of the neutral mouth width lost (pucker, funnel)
    lip_gap=0.8,
    roll=0.5,  # fraction of the neutral lip thickness lost
    shrug=0.6,
    press=0.5,  # fraction of the neutral side-lip height lost
    lip_move=0.6,
    brow_up=0.6,
    brow_down=0.4,
    cheek=0.5,
    sneer=0.4,
)
EYE_RADIUS_CM = 1.2  # iris travel = radius * sin(angle)


def _ramp(value: np.ndarray, full: float) -> np.ndarray:
    return np.clip(value / full, 0.0, 1.0)


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


def blendshape_weights(head: np.ndarray, neutral: np.ndarray) -> np.ndarray:
    """ARKit weights (T, 52) in [0, 1], in `ARKIT_NAMES` order.

    head: (T, N, 3) head-frame landmarks in cm (`HeadPose.head_landmarks`); neutral: (N, 3)
    the subject's neutral face in the same frame.
    """
    now = measures(head)
    rest = measures(neutral[None])
    d = {name: now[name] - rest[name] for name in now}
    weights = np.zeros((len(head), len(ARKIT_NAMES)))

    def put(name: str, value: np.ndarray) -> None:
        weights[:, INDEX[name]] = value

    for side in ("Left", "Right"):
        opening = rest[f"eye_opening_{side}"]
        put(f"eyeBlink{side}", _ramp(-d[f"eye_opening_{side}"] / opening, FULL["blink"]))
        put(f"eyeWide{side}", _ramp(d[f"eye_opening_{side}"] / opening, FULL["wide"]))
        put(f"eyeSquint{side}", _ramp(d[f"lower_lid_{side}"], FULL["squint"]))
        out = d[f"iris_out_{side}"]
        up = d[f"iris_up_{side}"]
        put(f"eyeLookOut{side}", _ramp(out, FULL["look_horizontal"]))
        put(f"eyeLookIn{side}", _ramp(-out, FULL["look_horizontal"]))
        put(f"eyeLookUp{side}", _ramp(up, FULL["look_vertical"]))
        put(f"eyeLookDown{side}", _ramp(-up, FULL["look_vertical"]))
        put(f"browOuterUp{side}", _ramp(d[f"brow_outer_{side}"], FULL["brow_up"]))
        put(f"browDown{side}", _ramp(-d[f"brow_inner_{side}"], FULL["brow_down"]))
        rise = d[f"corner_rise_{side}"]
        put(f"mouthSmile{side}", _ramp(rise, FULL["smile"]))
        put(f"mouthFrown{side}", _ramp(-rise, FULL["frown"]))
        put(
            f"mouthStretch{side}",
            _ramp(d[f"corner_x_out_{side}"] - np.maximum(rise, 0.0), FULL["stretch"]),
        )
        put(f"mouthDimple{side}", _ramp(-d[f"corner_z_{side}"], FULL["dimple"]))
        height = rest[f"side_lip_height_{side}"]
        put(f"mouthPress{side}", _ramp(-d[f"side_lip_height_{side}"] / height, FULL["press"]))
        # The lower lip rides on the jaw: only its drop beyond the chin's counts.
        put(
            f"mouthLowerDown{side}",
            _ramp(-(d[f"lower_lip_side_{side}"] + 0.7 * d["chin_drop"]), FULL["lip_move"]),
        )
        put(f"mouthUpperUp{side}", _ramp(d[f"upper_lip_side_{side}"], FULL["lip_move"]))
        put(f"cheekSquint{side}", _ramp(d[f"cheek_{side}"], FULL["cheek"]))
        put(f"noseSneer{side}", _ramp(d[f"nose_wing_{side}"], FULL["sneer"]))
    put("browInnerUp", _ramp((d["brow_inner_Left"] + d["brow_inner_Right"]) / 2, FULL["brow_up"]))
    put("jawOpen", _ramp(d["chin_drop"], FULL["jaw_open"]))
    put("jawLeft", _ramp(d["chin_x"], FULL["jaw_side"]))
    put("jawRight", _ramp(-d["chin_x"], FULL["jaw_side"]))
    put("jawForward", _ramp(d["chin_z"], FULL["jaw_forward"]))
    # Lips together while the jaw hangs open: the jaw's drop that the lip gap did not follow.
    put("mouthClose", _ramp(d["chin_drop"] - d["lip_gap"], FULL["mouth_close"]))
    put("mouthLeft", _ramp(d["mouth_x"] - d["chin_x"], FULL["mouth_side"]))
    put("mouthRight", _ramp(-(d["mouth_x"] - d["chin_x"]), FULL["mouth_side"]))
    narrow = _ramp(-d["mouth_width"] / rest["mouth_width"], FULL["narrow"])
    open_lips = _ramp(d["lip_gap"], FULL["lip_gap"])
    put("mouthFunnel", narrow * open_lips)
    put("mouthPucker", narrow * (1.0 - open_lips))
    put(
        "mouthRollUpper",
        _ramp(-d["upper_lip_thickness"] / rest["upper_lip_thickness"], FULL["roll"]),
    )
    put(
        "mouthRollLower",
        _ramp(-d["lower_lip_thickness"] / rest["lower_lip_thickness"], FULL["roll"]),
    )
    put("mouthShrugUpper", _ramp(d["upper_lip_y"], FULL["shrug"]))
    put("mouthShrugLower", _ramp(d["lower_lip_y"], FULL["shrug"]))
    return weights


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
    opening = values["chin_drop"] / FULL["jaw_open"] + values["lip_gap"] / FULL["lip_gap"]
    keep = max(count, int(np.ceil(total / 4)))
    closed = np.argsort(opening, kind="stable")[:keep]
    score = np.zeros(len(closed))
    for series in values.values():
        candidates = series[closed]
        median = np.median(candidates)
        score += np.abs(candidates - median) / (np.median(np.abs(candidates - median)) + 1e-3)
    return closed[np.argsort(score, kind="stable")[:count]]
