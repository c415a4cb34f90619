"""Expression retargeting: the source's mouth and lids open as far as the driver's, whatever
the source showed in its photo and whatever the driver's reference frame showed.

Relative motion (targets.py) moves every lip and lid landmark by the driver's displacement
from its reference frame: a reference frame caught mid-word under-opens every later frame,
and a source photographed with an open mouth can never close it. Here, as LivePortrait does
with its eye and lip retargeting, the head and the shape of each feature stay relative, and
the degree of opening is set apart: the driver's expression (expression.py, in units of its
own face) is measured against the driver's neutral (closed lips; the typical openness of its
eyes over the frames seen so far) and laid onto the source in units of the source's face:

- mouth: the inner lips' gap becomes the source's closed-lips gap plus the driver's gap
  above its own closed-lips baseline; the lower lip, chin and jaw move with it (weights per
  landmark from the source's own geometry).
- eyes, each on its own side: the lids' gap becomes the source's neutral gap times the
  driver's openness over its neutral, remapped so that the driver's shut eye (whose rims
  MediaPipe still places apart) shuts the source's fully; where the tracker gives the
  learned blendshapes, the eyeBlink scores over their running median deepen the measured
  closing. An eye photographed shut has a typical open eye as its neutral (the model draws
  its eyeball, eyeball.py), opening into a typical eye's shape.
- gaze, each eye on its side (eyes.py): the iris centre is placed at the source's neutral
  gaze (its own, within a tolerance of a typical centred gaze) plus the driver's change
  from its own neutral (the median over recent frames), in eye widths; up and down only
  while the eye is open; its ring keeps its round shape; it stays between the lids so that
  a shut eye leaves no fold in the warp.
- brows (eyes.py): each brow's height over its eye and the inner ends' raise become the
  source's own plus the driver's change from its neutral (the median over recent frames);
  the forehead and upper-lid skin follow with weights from the source's geometry.

- mouth corners (smile.py): the width and lift of the source's mouth become its neutral
  ones (its own, within a typical range: a photographed smile is not its neutral) moved by
  the driver's change from its own neutral (the median over recent frames).

All functions are pure except `DriverNeutral`, which holds the running neutral of one
animation, and the filters.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from dataclasses import dataclass

import numpy as np

from facemotion.landmarks.arkit import INDEX
from facemotion.landmarks.smoothing import OneEuroFilter
from facemotion.motion.expression import (
    LEFT_BELOW,
    LEFT_CREASE,
    LEFT_EYE_CORNERS,
    LEFT_IRIS_CENTER,
    LEFT_IRIS_RING,
    LEFT_LOWER_LID,
    LEFT_UPPER_LID,
    LOWER_INNER_LIP,
    MOUTH_CORNERS,
    RIGHT_BELOW,
    RIGHT_CREASE,
    RIGHT_EYE_CORNERS,
    RIGHT_IRIS_CENTER,
    RIGHT_IRIS_RING,
    RIGHT_LOWER_LID,
    RIGHT_UPPER_LID,
    UPPER_INNER_LIP,
    Expression,
    FaceAxes,
    eye_width,
    face_axes,
    measure,
    plausible_iris_radius,
)
from facemotion.motion.eyes import (
    BrowRig,
    blink_factor,
    brow_rig,
    neutral_gaze,
    place_iris,
    set_brows,
)
from facemotion.motion.mesh import harmonic
from facemotion.motion.similarity import Similarity
from facemotion.motion.smile import corner_weights, neutral_corners, set_corners

MESH_POINTS = 468
# The lower halves of the inner and outer lip loops (corners excluded) and the upper halves.
_LOWER_LIPS = (324, 318, 402, 317, 14, 87, 178, 88, 95, 375, 321, 405, 314, 17, 84, 181, 91, 146)
_UPPER_LIPS = (191, 80, 81, 82, 13, 312, 311, 310, 415, 185, 40, 39, 37, 0, 267, 269, 270, 409)
_LIP_CORNERS = (78, 308, 61, 291)
# The upper inner lip from corner to corner.
_UPPER_INNER_ROW = (78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308)


@dataclass(frozen=True)
class RetargetOptions:
    """How the landmark model lays the driver's expression onto the source (one field of
    `LandmarkOptions`, the model's one options type). Openings and gaze are in face units
    (expression.py); each field says what it sets."""

    # the driver's lip gap at or below which its lips count as closed (its running minimum
    # counts when lower)
    closed_mouth: float = 0.03
    eye_closed_ratio: float = 0.35  # driver's openness over its neutral at which an eye is shut
    # (legacy FaceMesh kept ~25 % of the gap on a full blink of the carphone clip)
    eye_wide_limit: float = 1.3  # the most a source eye opens beyond its neutral
    typical_eye_open: float = 0.28  # the driver's neutral lid gap over eye width, before any frame
    neutral_frames: int = 150  # recent frames whose median is the driver's neutral eye openness
    # The share of the upper lid's move that the ring above it (the crease) takes, so the lid's
    # skin slides down as one (MediaPipe often places the lid rims inside a wide-open eye; lids
    # moved alone would leave white above them); the ring below the lower lid does the same.
    crease_follow: float = 1.0
    lower_lid_share: float = 0.2  # the lower lid's share of a closing: lids meet below the middle
    # a neutral mouth's (width, corner lift), and how far a source's own may lie from it and
    # still count as its neutral (smile.py)
    typical_corners: tuple[float, float] = (0.82, 0.0)
    corner_tolerance: tuple[float, float] = (0.07, 0.04)
    # A drawn source's own corners are its neutral whatever they are (a drawn smile is the
    # character's mouth: its line warped towards a neutral mouth bends into a wavy stroke with
    # hooks at its ends, which the tracker reads as a mouth open by ~0.25 face units on
    # benchmarks/cartoon.py's smile).
    keep_drawn_corners: bool = True
    # A source eye whose lid gap over its width is below `shut_eye` was photographed shut: its
    # neutral is then `opened_eye` (the model draws the eyeball, eyeball.py) when
    # `open_shut_eyes`, else it stays shut.
    shut_eye: float = 0.1
    opened_eye: float = 0.25
    open_shut_eyes: bool = True
    # a neutral gaze (outwards, down: the iris centre from the eye corners' midpoint, in eye
    # widths) and how far a source's own may lie from it and still count as its neutral (eyes.py)
    typical_gaze: tuple[float, float] = (0.03, -0.05)
    gaze_tolerance: tuple[float, float] = (0.05, 0.03)
    gaze_limit: float = 0.3  # the furthest sideways an iris centre goes
    vertical_gaze: float = 1.0  # the share of the driver's up-and-down gaze change taken
    # Where the tracker gives the learned blendshapes, each eye's openness is also lowered by up
    # to `blink_weight` as its eyeBlink score rises above its running median towards
    # `blink_full` (eyes.py `blink_factor`; 0 turns this off).
    blink_weight: float = 0.5
    blink_full: float = 0.6
    # The One-Euro filter on the driver's openings (beta in face units per second), measured on
    # the raw landmarks: steady lids on a still face, yet a one-frame blink keeps most of its
    # depth (the landmark filter, tuned for the head, would halve it).
    smoothing_min_cutoff_hz: float = 2.0
    smoothing_beta: float = 30.0
    # the same for the eyes, gaze and brows (the mouth's filter lags a blink by a frame)
    eye_smoothing_min_cutoff_hz: float = 30.0


@dataclass(frozen=True)
class SourceRig:
    """What retargeting needs of the source, computed once: its face axes, the jaw weights
    (478,) (how far each landmark follows the lower lip's opening), and the neutral openness
    of each eye (its own; `opened_eye` for an eye photographed shut, whose eyeball the model
    draws, see `RetargetOptions`); gaze_*: each eye's neutral gaze (2,) (eyes.py);
    iris_*: each iris ring's offsets (4, 2) from its centre, face units, on a circle of the
    source's own iris radius; brows: its (right, left, inner) brow heights (expression.py);
    brows_rig: how far each landmark follows them (eyes.py); mouth_rest: the
    gap its lips keep when closed (its own gap up to `closed_mouth`: landmarks on closed lips
    are rarely exactly together); corner_weights: how far each landmark follows each mouth
    corner (2 x (478,)); corners_rest: its neutral (mouth width, corner lift); drawn: whether
    the source is a drawing (drawn.py)."""

    axes: FaceAxes
    jaw_weights: np.ndarray
    mouth_rest: float
    corner_weights: tuple[np.ndarray, np.ndarray]
    corners_rest: tuple[float, float]
    eye_neutral_right: float
    eye_neutral_left: float
    gaze_right: np.ndarray
    gaze_left: np.ndarray
    iris_right: np.ndarray
    iris_left: np.ndarray
    brows: tuple[float, float, float]
    brows_rig: BrowRig
    drawn: bool = False


def jaw_weights(points: np.ndarray, axes: FaceAxes | None = None) -> np.ndarray:
    """(478,) in [0, 1]: how far each landmark moves when the lower lip drops by one unit.

    points: (478, >=2) px of a face. The lower lip moves fully at its middle and ~0.4 at the
    corners; the chin and jaw below the mouth follow, fading out sideways towards the ears;
    the upper lip (but for its ends, which go a little way with the corners), the face above
    the mouth and the irises stay. Between the lips' loops and
    the chin (the lower lip's inner rows, the skin beside the corners and below the lip) the
    weights are harmonic over the mesh (each the mean of its neighbours'), so neighbouring
    points move alike and no triangle folds when the jaw moves far (closing a mouth
    photographed wide open, opening a closed one).
    """
    axes = axes or face_axes(points)
    local = axes.local(np.asarray(points, np.float64)[:, :2])
    corners = local[list(MOUTH_CORNERS)]
    centre = corners.mean(axis=0)
    half_width = max(float(np.hypot(*(corners[1] - corners[0]))) / 2, 1e-6)
    across = np.abs(local[:, 0] - centre[0]) / half_width
    below = local[:, 1] - centre[1]
    ramp = np.clip(below / 0.15, 0.0, 1.0)
    ramp = ramp * ramp * (3 - 2 * ramp)
    sideways = np.exp(-(np.maximum(across - 0.8, 0.0) ** 2) / (2 * 0.7**2))
    weights = ramp * sideways
    lower, upper, lip_corners = list(_LOWER_LIPS), list(_UPPER_LIPS), list(_LIP_CORNERS)
    weights[lower] = 1.0 - 0.6 * np.clip(across[lower], 0.0, 1.0) ** 2
    # The upper lip stays, but for its ends, which go with the corners (a mouth photographed
    # smiling has them below the corners: left behind, they would fold over them).
    weights[upper] = 0.3 * np.clip((across[upper] - 0.6) / 0.4, 0.0, 1.0) ** 2
    weights[lip_corners] = 0.3
    weights[MESH_POINTS:] = 0.0
    # The upper lip's rows stay: everything above the upper inner lip between the corners.
    upper_inner = local[list(_UPPER_INNER_ROW)]
    order = np.argsort(upper_inner[:, 0])
    top = np.interp(local[:, 0], upper_inner[order, 0], upper_inner[order, 1])
    upper_lip = (across < 0.8) & (local[:, 1] <= top)
    upper_lip[lower + lip_corners] = False  # lips closed tight may cross
    weights[upper_lip] = 0.0
    free = (below > -0.03) & (below < below[lower].max() + 0.15) & (across < 2.2) & ~upper_lip
    free[lower + upper + lip_corners] = False
    free[MESH_POINTS:] = False
    return np.clip(harmonic(weights, free), 0.0, 1.0)


def _iris_ring(local: np.ndarray, centre: int, ring: tuple[int, ...], width: float) -> np.ndarray:
    """(4, 2) the ring's offsets from its centre, put on a circle of their mean radius (kept
    plausible for the eye's `width`: the ring of an eye shut in the photo is a guess)."""
    offsets = local[list(ring)] - local[centre]
    lengths = np.maximum(np.linalg.norm(offsets, axis=1, keepdims=True), 1e-9)
    return offsets / lengths * plausible_iris_radius(float(lengths.mean()), width)


def _eye_neutral(openness: float, options: RetargetOptions) -> float:
    if openness >= options.shut_eye or not options.open_shut_eyes:
        return max(openness, 0.0)
    return options.opened_eye


def source_rig(
    points: np.ndarray, options: RetargetOptions = RetargetOptions(), drawn: bool = False
) -> SourceRig:
    """The rig of a source face from its landmarks (478, >=2) px; drawn: the source is a
    drawing (drawn.py `is_drawing`)."""
    axes = face_axes(points)
    expression = measure(points, axes)
    local = axes.local(np.asarray(points, np.float64)[:, :2])
    outwards, down = options.typical_gaze
    widths = [eye_width(local, corners) for corners in (RIGHT_EYE_CORNERS, LEFT_EYE_CORNERS)]
    return SourceRig(
        axes,
        jaw_weights(points, axes),
        float(np.clip(expression.mouth_open, 0.0, options.closed_mouth)),
        corner_weights(local),
        neutral_corners(
            expression.mouth_width,
            expression.corner_lift,
            options.typical_corners,
            (np.inf, np.inf) if drawn and options.keep_drawn_corners else options.corner_tolerance,
        ),
        _eye_neutral(expression.eye_open_right, options),
        _eye_neutral(expression.eye_open_left, options),
        # The face's x runs from the right eye to the left one: outwards is -x on the right.
        neutral_gaze(expression.gaze_right, np.array([-outwards, down]), options.gaze_tolerance),
        neutral_gaze(expression.gaze_left, np.array([outwards, down]), options.gaze_tolerance),
        _iris_ring(local, RIGHT_IRIS_CENTER, RIGHT_IRIS_RING, widths[0]),
        _iris_ring(local, LEFT_IRIS_CENTER, LEFT_IRIS_RING, widths[1]),
        (expression.brow_right, expression.brow_left, expression.brow_inner),
        brow_rig(local),
        drawn,
    )


class OpeningFilter:
    """One-Euro smoothing of a driver's mouth and eye openings, gaze and brows over one
    animation."""

    def __init__(self, options: RetargetOptions = RetargetOptions()) -> None:
        self._filter = OneEuroFilter(options.smoothing_min_cutoff_hz, options.smoothing_beta)
        self._eyes = OneEuroFilter(options.eye_smoothing_min_cutoff_hz, options.smoothing_beta)

    def __call__(self, expression: Expression, time_s: float) -> Expression:
        """The expression with its openings smoothed (frames in order, time in seconds)."""
        values = [expression.mouth_open, expression.mouth_width, expression.corner_lift]
        mouth, width, lift = (float(v) for v in self._filter(np.array(values), time_s))
        values = [expression.eye_open_right, expression.eye_open_left]
        values += [expression.brow_right, expression.brow_left, expression.brow_inner]
        values += [*expression.gaze_right, *expression.gaze_left]
        smoothed = self._eyes(np.array(values), time_s)
        right, left, brow_right, brow_left, brow_inner = (float(v) for v in smoothed[:5])
        return Expression(
            mouth,
            width,
            lift,
            right,
            left,
            smoothed[5:7],
            smoothed[7:9],
            brow_right,
            brow_left,
            brow_inner,
        )


class DriverNeutral:
    """The driver's neutral over one animation: the closed-lips baseline of its mouth gap (the
    smallest gap seen so far, at most `closed_mouth`), the median openness of each eye over
    the last `neutral_frames` frames (blinks are brief, so the median is the open eye), and
    the median width and corner lift of its mouth, gaze of each eye and height of its brows
    over the same frames (`gaze` and `brows` after at least one `update`)."""

    def __init__(self, options: RetargetOptions = RetargetOptions()) -> None:
        self.options = options
        self.mouth = options.closed_mouth
        # One row per frame: eyes (2), corners (2), gaze (4), brows (3); their medians are
        # taken once per frame, together.
        self._rows: deque[np.ndarray] = deque(maxlen=options.neutral_frames)
        self._median: np.ndarray | None = None
        self._blinks: deque[tuple[float, float]] = deque(maxlen=options.neutral_frames)

    def update(self, expression: Expression) -> None:
        """Take one driving frame's expression into the neutral."""
        self.mouth = min(self.mouth, expression.mouth_open)
        row = np.empty(11)
        row[0:4] = (
            expression.eye_open_right,
            expression.eye_open_left,
            expression.mouth_width,
            expression.corner_lift,
        )
        row[4:6], row[6:8] = expression.gaze_right, expression.gaze_left
        row[8:11] = (expression.brow_right, expression.brow_left, expression.brow_inner)
        self._rows.append(row)
        self._median = np.median(np.asarray(self._rows), axis=0)

    def update_blinks(self, right: float, left: float) -> tuple[float, float]:
        """Take one frame's eyeBlink scores (right, left eye); returns their neutral (the
        median over the recent frames given scores, this one included)."""
        self._blinks.append((right, left))
        neutral_right, neutral_left = np.median(np.asarray(self._blinks), axis=0)
        return float(neutral_right), float(neutral_left)

    def _medians(self) -> np.ndarray:
        if self._median is None:
            raise RuntimeError("the driver's neutral gaze and brows need a frame first")
        return self._median

    @property
    def gaze(self) -> tuple[np.ndarray, np.ndarray]:
        """The neutral gaze (2,) of the right and the left eye."""
        median = self._medians()
        return median[4:6].copy(), median[6:8].copy()

    @property
    def brows(self) -> np.ndarray:
        """The neutral (right, left, inner) brow heights (3,)."""
        return self._medians()[8:11].copy()

    @property
    def corners(self) -> tuple[float, float]:
        """The neutral mouth width and corner lift (typical before any frame)."""
        if self._median is None:
            return self.options.typical_corners
        return float(self._median[2]), float(self._median[3])

    @property
    def eyes(self) -> tuple[float, float]:
        """The neutral openness of the right and the left eye (typical before any frame)."""
        if self._median is None:
            return self.options.typical_eye_open, self.options.typical_eye_open
        return float(self._median[0]), float(self._median[1])


@dataclass(frozen=True)
class Wanted:
    """The source's expression for one frame, in the source's face units: the inner lips'
    gap, each eye's lid gap over its width, the mouth's width and corner lift, each eye's gaze
    (2,) and the (right, left, inner) brow heights."""

    mouth_open: float
    eye_open_right: float
    eye_open_left: float
    mouth_width: float
    corner_lift: float
    gaze_right: np.ndarray
    gaze_left: np.ndarray
    brows: tuple[float, float, float]


def eye_ratio(openness: float, neutral: float, options: RetargetOptions) -> float:
    """The driver's eye openness over its neutral, remapped so that the driver's shut eye
    (eye_closed_ratio of its neutral or less) gives 0 and its neutral gives 1."""
    ratio = openness / max(neutral, 1e-6)
    if ratio >= 1.0:
        return min(ratio, options.eye_wide_limit)
    closed = options.eye_closed_ratio
    return float(np.clip((ratio - closed) / (1.0 - closed), 0.0, 1.0))


def wanted_openings(
    driver: Expression, neutral: DriverNeutral, rig: SourceRig, options: RetargetOptions
) -> Wanted:
    """What the source's face should show for the driver's expression."""
    right, left = neutral.eyes
    width, lift = neutral.corners
    gaze_right, gaze_left = neutral.gaze
    driver_brows = np.array([driver.brow_right, driver.brow_left, driver.brow_inner])
    brows = np.asarray(rig.brows) + driver_brows - neutral.brows
    open_right = eye_ratio(driver.eye_open_right, right, options)
    open_left = eye_ratio(driver.eye_open_left, left, options)
    return Wanted(
        mouth_open=rig.mouth_rest + max(driver.mouth_open - neutral.mouth, 0.0),
        eye_open_right=rig.eye_neutral_right * open_right,
        eye_open_left=rig.eye_neutral_left * open_left,
        mouth_width=rig.corners_rest[0] + driver.mouth_width - width,
        corner_lift=rig.corners_rest[1] + driver.corner_lift - lift,
        gaze_right=rig.gaze_right
        + _gaze_change(driver.gaze_right - gaze_right, open_right, options.vertical_gaze),
        gaze_left=rig.gaze_left
        + _gaze_change(driver.gaze_left - gaze_left, open_left, options.vertical_gaze),
        brows=(float(brows[0]), float(brows[1]), float(brows[2])),
    )


def _gaze_change(change: np.ndarray, openness: float, vertical: float) -> np.ndarray:
    """The driver's gaze change (2,) to lay onto the source, for an eye open by `openness`
    (`eye_ratio`): sideways whole; `vertical` of it up and down, and only while the eye is
    open past halfway (the tracker's iris centre drops with closing lids: no look down)."""
    share = vertical * float(np.clip((openness - 0.5) / 0.5, 0.0, 1.0))
    return np.array([change[0], change[1] * share])


def _set_mouth(local: np.ndarray, weights: np.ndarray, gap: float) -> None:
    """Move the jaw in face-unit landmarks (478, 2), in place, so the inner lips' gap is
    `gap` (the lips never cross)."""
    upper, lower = list(UPPER_INNER_LIP), list(LOWER_INNER_LIP)
    now = float(np.mean(local[lower, 1] - local[upper, 1]))
    reach = float(np.mean(weights[lower]))
    local[:, 1] += (gap - now) / reach * weights
    # Lip by lip, a lower lip point that would rise above its upper one stops on it.
    local[lower, 1] = np.maximum(local[lower, 1], local[upper, 1])


@dataclass(frozen=True)
class _Eye:
    """One eye's landmark indices: the ring above the upper lid, the lids (paired), the ring
    below the lower lid, the corners and the iris centre."""

    crease: tuple[int, ...]
    upper: tuple[int, ...]
    lower: tuple[int, ...]
    below: tuple[int, ...]
    corners: tuple[int, int]
    iris: int
    ring: tuple[int, ...]


_RIGHT_EYE = _Eye(
    RIGHT_CREASE,
    RIGHT_UPPER_LID,
    RIGHT_LOWER_LID,
    RIGHT_BELOW,
    RIGHT_EYE_CORNERS,
    RIGHT_IRIS_CENTER,
    RIGHT_IRIS_RING,
)
_LEFT_EYE = _Eye(
    LEFT_CREASE,
    LEFT_UPPER_LID,
    LEFT_LOWER_LID,
    LEFT_BELOW,
    LEFT_EYE_CORNERS,
    LEFT_IRIS_CENTER,
    LEFT_IRIS_RING,
)


def _lid_profile(local: np.ndarray, eye: _Eye) -> np.ndarray:
    """(7,) a typical open eye's lid gaps along one eye (mean 1): highest in the middle,
    nothing at the corners (for an eye whose own gaps, shut, say nothing of its shape)."""
    outer, inner = local[eye.corners[0], 0], local[eye.corners[1], 0]
    across = (local[list(eye.upper), 0] - outer) / (inner - outer if inner != outer else 1e-6)
    profile = np.sin(np.pi * np.clip(across, 0.02, 0.98)) ** 0.7
    return profile / profile.mean()


def _set_eye(local: np.ndarray, eye: _Eye, openness: float, options: RetargetOptions) -> None:
    """Move one eye's lids in face-unit landmarks (478, 2), in place, so that their gap over
    the eye's width is `openness`: the lower lid takes `lower_lid_share` of the move, the
    rings beyond the lids `crease_follow` of their lid's. An eye open by less than `shut_eye`
    opens into a typical eye's shape."""
    upper, lower = list(eye.upper), list(eye.lower)
    width = max(eye_width(local, eye.corners), 1e-6)
    gaps = local[lower, 1] - local[upper, 1]
    now = float(np.mean(gaps)) / width
    own = float(np.clip(now / options.shut_eye, 0.0, 1.0))
    shape = own * gaps / max(now * width, 1e-9) + (1.0 - own) * _lid_profile(local, eye)
    new_gaps = openness * width * shape
    closing = gaps - np.maximum(new_gaps, 0.0)
    down = (1.0 - options.lower_lid_share) * closing
    up = options.lower_lid_share * closing
    local[upper, 1] += down
    local[list(eye.crease), 1] += options.crease_follow * down
    local[lower, 1] -= up
    local[list(eye.below), 1] -= options.crease_follow * up


def retarget(
    targets: np.ndarray,
    head: Similarity,
    rig: SourceRig,
    wanted: Wanted,
    options: RetargetOptions = RetargetOptions(),
) -> np.ndarray:
    """Target landmarks (478, 2) px with the mouth, eyes, gaze and brows set to `wanted`.

    head: the similarity taking the source's face to the targets' pose (fitted on stable
    points); the openings are set in the source's own face frame, then posed again.
    """
    unposed = (np.asarray(targets, np.float64)[:, :2] - head.translation) @ head.rotation
    unposed /= head.scale
    axes = rig.axes
    local = axes.local(unposed)
    set_corners(local, rig.corner_weights, wanted.mouth_width, wanted.corner_lift)
    _set_mouth(local, rig.jaw_weights, wanted.mouth_open)
    for eye, openness, gaze, ring in (
        (_RIGHT_EYE, wanted.eye_open_right, wanted.gaze_right, rig.iris_right),
        (_LEFT_EYE, wanted.eye_open_left, wanted.gaze_left, rig.iris_left),
    ):
        _set_eye(local, eye, openness, options)
        lids = (eye.upper, eye.lower)
        place_iris(local, eye.corners, lids, eye.iris, eye.ring, gaze, ring, options.gaze_limit)
    set_brows(local, rig.brows_rig, wanted.brows)
    frame = np.stack([axes.x, axes.y])  # rows: the face's axes in image px
    back = axes.origin + axes.scale * local @ frame
    return head(back)


class Retargeter:
    """Expression retargeting over one animation: `observe` each driving frame's raw
    landmarks (478, >=2) px as they come (found frames only), then `retarget` the targets of
    the frame to show. source: the source's landmarks (478, >=2) px; drawn: the source is a
    drawing (drawn.py)."""

    def __init__(
        self,
        source: np.ndarray,
        options: RetargetOptions = RetargetOptions(),
        drawn: bool = False,
    ) -> None:
        self._begin(source_rig(source, options, drawn), options)

    @classmethod
    def from_rig(cls, rig: SourceRig, options: RetargetOptions = RetargetOptions()) -> Retargeter:
        """A retargeting run for a source whose rig (`source_rig`, with the same options) is
        already known."""
        retargeter = cls.__new__(cls)
        retargeter._begin(rig, options)
        return retargeter

    def _begin(self, rig: SourceRig, options: RetargetOptions) -> None:
        self.options = options
        self.rig = rig
        self._neutral = DriverNeutral(options)
        self._openings = OpeningFilter(options)
        self._wanted: Wanted | None = None

    def observe(
        self, points: np.ndarray, time_s: float, blendshapes: np.ndarray | None = None
    ) -> None:
        """Take a driving frame's landmarks, before any landmark smoothing (a blink lasts a
        frame or two, which that filter would halve), at `time_s` seconds; blendshapes: the
        learned model's scores (52,) of the frame (ARKit order), None where there are none."""
        expression = measure(points)
        if blendshapes is not None and self.options.blink_weight > 0:
            right = float(blendshapes[INDEX["eyeBlinkRight"]])
            left = float(blendshapes[INDEX["eyeBlinkLeft"]])
            neutral_right, neutral_left = self._neutral.update_blinks(right, left)
            weight, full = self.options.blink_weight, self.options.blink_full
            expression = dataclasses.replace(
                expression,
                eye_open_right=expression.eye_open_right
                * blink_factor(right, neutral_right, weight, full),
                eye_open_left=expression.eye_open_left
                * blink_factor(left, neutral_left, weight, full),
            )
        self._neutral.update(expression)
        smoothed = self._openings(expression, time_s)
        self._wanted = wanted_openings(smoothed, self._neutral, self.rig, self.options)

    def retarget(self, targets: np.ndarray, head: Similarity) -> np.ndarray:
        """The targets (478, 2) px with the last observed frame's openings (unchanged before
        any); head: the similarity from the source's face to the targets' pose."""
        if self._wanted is None:
            return targets
        return retarget(targets, head, self.rig, self._wanted, self.options)
