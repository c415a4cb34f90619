"""From per-frame landmarks and learned scores to head pose and blendshape weights: the whole
capture on arrays."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from facemotion.landmarks.arkit import ARKIT_NAMES, INDEX
from facemotion.landmarks.smoothing import (
    DEFAULT_BETA,
    DEFAULT_MIN_CUTOFF_HZ,
    fill_gaps,
    smooth,
)
from facemotion.solver.blendshapes import UNOBSERVED, eye_rotations, measures, pick_neutral
from facemotion.solver.calibration import calibrate
from facemotion.solver.pose import (
    DEFAULT_FOV_DEG,
    DEFAULT_IPD_CM,
    estimate_pose,
    reference_shape,
    rotation_from_angles,
)

# Channels are smoothed in comparable units, so one (min_cutoff, beta) pair suits them all:
# 1/30 of a blendshape weight, 90 degrees of head angle, 10 cm of head travel. The learned
# scores are steady already: at a unit of 1 the filter lagged them enough to bring their
# agreement with the bare Face Landmarker's down to r = 0.88 on carphone; at 1/30 (the cutoff
# rises 30x faster with their speed) r = 0.98, and a still face's scores still settle.
WEIGHT_UNIT = 1.0 / 30.0
ANGLE_UNIT_DEG = 90.0
TRANSLATION_UNIT_CM = 10.0
DEFAULT_MAX_GAP_S = 0.5


def to_channels(
    weights: np.ndarray, angles_deg: np.ndarray, translation_cm: np.ndarray, eyes: np.ndarray
) -> np.ndarray:
    """The smoothed channels (..., 64): weights (..., 52) / WEIGHT_UNIT, angles (..., 3) /
    ANGLE_UNIT_DEG, translation (..., 3) / TRANSLATION_UNIT_CM, eye rotations (..., 2, 3)
    flattened."""
    flat_eyes = eyes.reshape(*eyes.shape[:-2], 6)
    return np.concatenate(
        [
            weights / WEIGHT_UNIT,
            angles_deg / ANGLE_UNIT_DEG,
            translation_cm / TRANSLATION_UNIT_CM,
            flat_eyes,
        ],
        axis=-1,
    )


def from_channels(
    channels: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(..., 64) channels -> weights clipped to [0, 1] (..., 52), angles (..., 3) degrees,
    translation (..., 3) cm, eye rotations (..., 2, 3)."""
    count = len(ARKIT_NAMES)
    weights = np.clip(channels[..., :count] * WEIGHT_UNIT, 0.0, 1.0)
    angles = channels[..., count : count + 3] * ANGLE_UNIT_DEG
    translation = channels[..., count + 3 : count + 6] * TRANSLATION_UNIT_CM
    eyes = channels[..., count + 6 :].reshape(*channels.shape[:-1], 2, 3)
    return weights, angles, translation, eyes


@dataclass(frozen=True)
class SolveOptions:
    """How to solve a capture. neutral: a frame index, (478, 3) landmarks of a neutral face in
    image axes (from a neutral image), or None for the most neutral frames of the clip.
    neutral_blendshapes: (52,) the learned scores of that neutral image (None: no calibration
    of the scores when the neutral is an image). calibrate: take the neutral's scores off.
    smoothing: (min_cutoff_hz, beta) of the One-Euro filter, or None for raw values."""

    neutral: int | np.ndarray | None = None
    neutral_blendshapes: np.ndarray | None = None
    calibrate: bool = True
    ipd_cm: float = DEFAULT_IPD_CM
    fov_deg: float = DEFAULT_FOV_DEG
    smoothing: tuple[float, float] | None = (DEFAULT_MIN_CUTOFF_HZ, DEFAULT_BETA)
    max_gap_s: float = DEFAULT_MAX_GAP_S


@dataclass(frozen=True)
class Solution:
    """A solved capture of T frames.

    landmarks: (T, 478, 3) image axes, px (gaps filled). head_landmarks: (T, 478, 3) head frame,
    cm. rotation: (T, 3, 3) head -> camera. angles_deg: (T, 3) yaw, pitch, roll. translation_cm:
    (T, 3) camera frame. blendshapes: (T, 52) in [0, 1], `ARKIT_NAMES` order. eye_rotation:
    (T, 2, 3) [left, right] x (yaw, pitch, roll) radians. neutral_cm: (478, 3) the reference
    face, head frame. detected / interpolated / held: (T,) bool. neutral_frames: the frames
    averaged into the neutral face (empty when it came from elsewhere).
    """

    landmarks: np.ndarray
    head_landmarks: np.ndarray
    rotation: np.ndarray
    angles_deg: np.ndarray
    translation_cm: np.ndarray
    blendshapes: np.ndarray
    eye_rotation: np.ndarray
    neutral_cm: np.ndarray
    detected: np.ndarray
    interpolated: np.ndarray
    held: np.ndarray
    neutral_frames: np.ndarray


# Pose and weights are computed this many frames at a time: the pose fit's working set is
# ~33 kB a frame, so memory is flat in the clip's length from this many frames on.
CHUNK_FRAMES = 64


def _chunks(count: int) -> list[slice]:
    return [
        slice(start, min(start + CHUNK_FRAMES, count)) for start in range(0, count, CHUNK_FRAMES)
    ]


def _measure_clip(
    landmarks: np.ndarray,
    frames: np.ndarray,
    reference: np.ndarray,
    frame_size: tuple[int, int],
    fov_deg: float,
) -> dict[str, np.ndarray]:
    """The landmark `measures` of `frames` (indices into landmarks (T, 478, 3)) against a first
    reference, chunk by chunk (never the whole clip's landmarks in memory)."""
    parts = []
    for part in _chunks(len(frames)):
        head = estimate_pose(
            landmarks[frames[part]], reference, frame_size, fov_deg=fov_deg
        ).head_landmarks
        # Copies: some measures are views of the chunk's landmarks, which would stay alive.
        parts.append({name: value.copy() for name, value in measures(head).items()})
    return {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}


def _neutral_scores(scores: np.ndarray, chosen: np.ndarray, options: SolveOptions) -> np.ndarray:
    """(52,) the scores calibrated out: per shape, the lowest score of the neutral frames (the
    resting floor; their mean zeroed half of those frames' own motion, r 0.95 against 0.998
    unsmoothed on carphone), the neutral image's, or 0."""
    if not options.calibrate:
        return np.zeros(scores.shape[1])
    if len(chosen):
        return scores[chosen].min(axis=0)
    if options.neutral_blendshapes is not None:
        return np.asarray(options.neutral_blendshapes, dtype=np.float64)
    return np.zeros(scores.shape[1])


def solve(
    landmarks: np.ndarray,
    detected: np.ndarray,
    times_s: np.ndarray,
    frame_size: tuple[int, int],
    options: SolveOptions = SolveOptions(),
    scores: np.ndarray | None = None,
    allocate: Callable[[tuple[int, ...]], np.ndarray] = lambda shape: np.empty(shape, np.float32),
) -> Solution:
    """Solve pose and blendshapes. landmarks: (T, 478, 3) image axes px, NaN where not detected;
    detected: (T,) bool; times_s: (T,) seconds; frame_size: (height, width) px; scores:
    (T, 52) the learned model's blendshape scores in `ARKIT_NAMES` order (None: all 0).

    Weights: the scores, calibrated against the neutral frames' (`calibration.py`), gaps
    filled as the landmarks are, then smoothed with the pose.

    Memory: the two (T, 478, 3) float32 outputs (`landmarks`, `head_landmarks`) come from
    `allocate(shape)` (default in memory; the capture passes a disk-backed one), the input is
    read chunk by chunk, and what else grows with T is the per-frame curves (~1 kB a frame).
    Raises ValueError when no frame has a face or the neutral frame index is out of range.
    """
    landmarks = np.asarray(landmarks)  # a memory map stays one: no copy
    if landmarks.ndim != 3 or landmarks.shape[2] != 3 or len(detected) != len(landmarks):
        raise ValueError(f"landmarks must be (T, N, 3) with T flags, got {landmarks.shape}")
    filled = allocate(landmarks.shape)
    finite = np.empty(len(landmarks), dtype=bool)
    for part in _chunks(len(landmarks)):
        filled[part] = landmarks[part]
        finite[part] = np.isfinite(filled[part]).all(axis=(1, 2))
    detected = np.asarray(detected, dtype=bool) & finite
    times_s = np.asarray(times_s, dtype=np.float64)
    period = float(np.median(np.diff(times_s))) if len(times_s) > 1 else 1.0
    max_gap = max(1, int(round(options.max_gap_s / max(period, 1e-6))))
    filled, gaps = fill_gaps(filled, detected, max_gap, in_place=True)
    del landmarks  # the caller may have handed over its only reference: free it early
    if scores is None:
        scores = np.zeros((len(filled), len(ARKIT_NAMES)))
    scores, _ = fill_gaps(np.asarray(scores, dtype=np.float32), detected, max_gap)

    neutral = options.neutral
    chosen = np.zeros(0, dtype=np.int64)
    if isinstance(neutral, np.ndarray):
        reference = reference_shape(neutral, options.ipd_cm)
    else:
        if neutral is None:
            first = filled[int(np.flatnonzero(detected)[0])]
        elif 0 <= int(neutral) < len(filled):
            if not detected[int(neutral)]:
                raise ValueError(f"frame {neutral} has no face; choose another neutral frame")
            first = filled[int(neutral)]
        else:
            raise ValueError(f"neutral frame {neutral} is outside the clip (0-{len(filled) - 1})")
        reference = reference_shape(first, options.ipd_cm)
        if neutral is None:
            # A first pose against an arbitrary frame is enough to compare expressions; the
            # stable points do not depend on which frame it was.
            candidates = np.flatnonzero(detected)
            values = _measure_clip(filled, candidates, reference, frame_size, options.fov_deg)
            chosen = candidates[pick_neutral(values)]
            del values, candidates
            rough = estimate_pose(filled[chosen], reference, frame_size, fov_deg=options.fov_deg)
            mean = rough.head_landmarks.mean(axis=0)
            reference = reference_shape(mean * np.array([1.0, -1.0, -1.0]), options.ipd_cm)
        else:
            chosen = np.array([int(neutral)])

    count = len(filled)
    head = allocate(filled.shape)
    rotation = np.empty((count, 3, 3))
    angles = np.empty((count, 3))
    translation = np.empty((count, 3))
    weights = np.empty((count, len(ARKIT_NAMES)), np.float32)
    eyes = np.empty((count, 2, 3))
    neutral_scores = _neutral_scores(scores, chosen, options)
    for part in _chunks(count):
        pose = estimate_pose(filled[part], reference, frame_size, fov_deg=options.fov_deg)
        head[part] = pose.head_landmarks
        rotation[part] = pose.rotation
        angles[part] = pose.angles_deg
        translation[part] = pose.translation_cm
        weights[part] = calibrate(scores[part], neutral_scores)
        eyes[part] = eye_rotations(pose.head_landmarks, reference)
    del scores, pose  # what grows with T from here on is only the curves
    # Chunks are unwrapped one by one; join them without a 360-degree step.
    angles = np.rad2deg(np.unwrap(np.deg2rad(angles), axis=0))
    if options.smoothing is not None:
        min_cutoff, beta = options.smoothing
        channels = to_channels(weights, angles, translation, eyes)
        del weights, angles, translation, eyes, rotation
        channels = smooth(channels, times_s, min_cutoff, beta, in_place=True)
        weights, angles, translation, eyes = from_channels(channels)
        del channels
        rotation = rotation_from_angles(angles)
    for name in UNOBSERVED:
        weights[:, INDEX[name]] = 0.0
    return Solution(
        landmarks=filled,
        head_landmarks=head,
        rotation=rotation,
        angles_deg=angles,
        translation_cm=translation,
        blendshapes=weights.astype(np.float32),
        eye_rotation=eyes,
        neutral_cm=reference.astype(np.float32),
        detected=detected,
        interpolated=gaps.interpolated,
        held=gaps.held,
        neutral_frames=chosen,
    )
