"""Frame-by-frame capture for live use: the same pose, calibrated weights and One-Euro smoothing
as `solve`.

`solve` sees the whole clip; a live stream sees one frame at a time. With the same neutral face
and smoothing, every frame with a face gets the values `solve` gives it (the One-Euro filter is
causal in both). What differs is the neutral, which cannot be chosen from frames not yet seen
(`StreamOptions.neutral_frame`), and frames without a face: `solve` interpolates short gaps from
the frames after them, while a stream holds the last values for `hold_s`, then eases them to
the neutral face (weights, head and eye angles to 0; the head position stays) over `ease_s`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from facemotion.errors import InputError, Remedy
from facemotion.landmarks.arkit import ARKIT_NAMES, INDEX
from facemotion.landmarks.landmarker import FaceObservation
from facemotion.landmarks.smoothing import DEFAULT_BETA, DEFAULT_MIN_CUTOFF_HZ, OneEuroFilter
from facemotion.solver.blendshapes import UNOBSERVED, eye_rotations
from facemotion.solver.calibration import calibrate
from facemotion.solver.clip import from_channels, to_channels
from facemotion.solver.pose import (
    DEFAULT_FOV_DEG,
    DEFAULT_IPD_CM,
    estimate_pose,
    reference_shape,
    rotation_from_angles,
)

BLENDSHAPE_COUNT = len(ARKIT_NAMES)
_UNOBSERVED_INDICES = [INDEX[name] for name in UNOBSERVED]


@dataclass(frozen=True)
class StreamOptions:
    """How to solve a stream.

    neutral_frame: the processed frame (counted from 0) whose face is the neutral one; until it
    arrives, the first face seen stands in. neutral_landmarks: (478, 3) image-axis landmarks of
    a neutral face (from a neutral image); overrides neutral_frame. neutral_blendshapes: (52,)
    that image's learned scores (None: scores not calibrated). calibrate: take the neutral's
    scores off (`calibration.py`). smoothing: One-Euro (min_cutoff_hz, beta) or None.
    hold_s / ease_s: face lost, hold the last values this long, then ease to neutral over this
    long.
    """

    neutral_frame: int = 0
    neutral_landmarks: np.ndarray | None = None
    neutral_blendshapes: np.ndarray | None = None
    calibrate: bool = True
    ipd_cm: float = DEFAULT_IPD_CM
    fov_deg: float = DEFAULT_FOV_DEG
    smoothing: tuple[float, float] | None = (DEFAULT_MIN_CUTOFF_HZ, DEFAULT_BETA)
    hold_s: float = 0.5
    ease_s: float = 0.5

    def __post_init__(self) -> None:
        if self.smoothing is not None:
            min_cutoff, beta = self.smoothing
            if not (0 < min_cutoff < math.inf and 0 <= beta < math.inf):  # NaN fails too
                raise InputError(
                    f"smoothing must be finite numbers with min_cutoff > 0 and beta >= 0, got "
                    f"{min_cutoff}, {beta}",
                    Remedy("smoothing", f"{DEFAULT_MIN_CUTOFF_HZ:g},{DEFAULT_BETA:g}"),
                )


@dataclass(frozen=True)
class FrameSolution:
    """One solved frame.

    time_s: seconds. landmarks: (478, 3) image axes px (the last seen ones when no face).
    head_landmarks: (478, 3) head frame, cm. rotation: (3, 3) head -> camera. angles_deg: (3,)
    yaw, pitch, roll. translation_cm: (3,). blendshapes: (52,) float32 in [0, 1], ARKIT_NAMES
    order. eye_rotation: (2, 3) [left, right] x (yaw, pitch, roll) radians. detected: a face in
    this frame. held: no face, values held or eased toward neutral.
    """

    time_s: float
    landmarks: np.ndarray
    head_landmarks: np.ndarray
    rotation: np.ndarray
    angles_deg: np.ndarray
    translation_cm: np.ndarray
    blendshapes: np.ndarray
    eye_rotation: np.ndarray
    detected: bool
    held: bool


def _unwrap_deg(angles: np.ndarray, previous: np.ndarray | None) -> np.ndarray:
    """Angles (3,) shifted by whole turns to lie within 180 degrees of `previous`."""
    if previous is None:
        return angles
    step = angles - previous
    return previous + (step + 180.0) % 360.0 - 180.0


class StreamingSolver:
    """Pose, blendshapes and smoothing of one frame at a time (state: neutral, filter, last
    values). frame_size: (height, width) px of the frames."""

    def __init__(self, frame_size: tuple[int, int], options: StreamOptions = StreamOptions()):
        self.frame_size = frame_size
        self.options = options
        self.reference: np.ndarray | None = None
        self.neutral_scores = np.zeros(BLENDSHAPE_COUNT)
        self._reference_is_final = False
        if options.neutral_landmarks is not None:
            self.reference = reference_shape(np.asarray(options.neutral_landmarks), options.ipd_cm)
            self._reference_is_final = True
            if options.neutral_blendshapes is not None and options.calibrate:
                self.neutral_scores = np.asarray(options.neutral_blendshapes, dtype=np.float64)
        self._filter = OneEuroFilter(*options.smoothing) if options.smoothing else None
        self._frame = 0
        self._last_angles: np.ndarray | None = None
        self._last_raw: np.ndarray | None = None
        self._last_seen_s: float | None = None
        self._last_landmarks: np.ndarray | None = None
        self._last_head: np.ndarray | None = None

    def _calibrate(self, landmarks: np.ndarray, scores: np.ndarray) -> None:
        if self._reference_is_final:
            return
        if self._frame >= self.options.neutral_frame or self.reference is None:
            self.reference = reference_shape(landmarks, self.options.ipd_cm)
            if self.options.calibrate:
                self.neutral_scores = np.asarray(scores, dtype=np.float64)
            self._reference_is_final = self._frame >= self.options.neutral_frame

    def _measure(self, landmarks: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """Raw channels (64,) of a frame with a face: weights, angles/90, cm/10, eyes."""
        pose = estimate_pose(
            landmarks[None], self.reference, self.frame_size, fov_deg=self.options.fov_deg
        )
        angles = _unwrap_deg(pose.angles_deg[0], self._last_angles)
        self._last_angles = angles
        self._last_head = pose.head_landmarks[0]
        self._rotation = pose.rotation[0]
        weights = calibrate(scores, self.neutral_scores)
        eyes = eye_rotations(pose.head_landmarks, self.reference)[0]
        return to_channels(weights, angles, pose.translation_cm[0], eyes)

    def _eased(self, time_s: float) -> np.ndarray:
        """The last raw channels, held, then moved linearly toward the neutral face."""
        lost_s = time_s - self._last_seen_s
        fraction = np.clip((lost_s - self.options.hold_s) / max(self.options.ease_s, 1e-6), 0, 1)
        target = np.zeros_like(self._last_raw)
        translation = slice(BLENDSHAPE_COUNT + 3, BLENDSHAPE_COUNT + 6)
        target[translation] = self._last_raw[translation]
        return (1.0 - fraction) * self._last_raw + fraction * target

    def step(self, observation: FaceObservation, time_s: float) -> FrameSolution:
        """Solve one frame from its observation (landmarks (478, 3) image axes px, the learned
        scores (52,), found) at `time_s` seconds."""
        landmarks = np.asarray(observation.landmarks, dtype=np.float32)
        found = bool(observation.found) and bool(np.isfinite(landmarks).all())
        if found:
            self._calibrate(landmarks, observation.blendshapes)
            raw = self._measure(landmarks, observation.blendshapes)
            self._last_raw, self._last_seen_s = raw, time_s
            self._last_landmarks = landmarks
        elif self._last_raw is not None:
            raw = self._eased(time_s)
        else:
            raw = None
        self._frame += 1
        if raw is None:
            return self._empty(landmarks, time_s)
        channels = self._filter(raw, time_s) if self._filter is not None else raw
        weights, angles, translation, eyes = from_channels(channels)
        weights[_UNOBSERVED_INDICES] = 0.0
        smoothed_or_held = self._filter is not None or not found
        rotation = rotation_from_angles(angles[None])[0] if smoothed_or_held else self._rotation
        return FrameSolution(
            time_s=time_s,
            landmarks=self._last_landmarks,
            head_landmarks=self._last_head,
            rotation=rotation,
            angles_deg=angles,
            translation_cm=translation,
            blendshapes=weights.astype(np.float32),
            eye_rotation=eyes,
            detected=found,
            held=not found,
        )

    def _empty(self, landmarks: np.ndarray, time_s: float) -> FrameSolution:
        """Before the first face: the neutral pose, all weights 0."""
        zeros = np.zeros((len(landmarks), 3), np.float32)
        return FrameSolution(
            time_s=time_s,
            landmarks=zeros,
            head_landmarks=zeros,
            rotation=np.eye(3),
            angles_deg=np.zeros(3),
            translation_cm=np.zeros(3),
            blendshapes=np.zeros(BLENDSHAPE_COUNT, np.float32),
            eye_rotation=np.zeros((2, 3)),
            detected=False,
            held=True,
        )
