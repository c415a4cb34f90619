"""The tracks of a capture: what every export format reads."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from facemotion.landmarks.arkit import ARKIT_NAMES


@dataclass
class CaptureTracks:
    """Facial motion of T frames.

    fps: frames per second (the video's average for VFR). times_s: (T,) presentation times in
    seconds from the first frame. landmarks: (T, 478, 3) image axes px (x right, y down, z away;
    gaps filled). rotation: (T, 3, 3) head -> camera frame (x right, y up, z toward the viewer).
    angles_deg: (T, 3) yaw, pitch, roll. translation: (T, 3) cm, camera frame. blendshapes:
    (T, 52) in [0, 1], `names` order. detected: (T,) face found in that frame. interpolated /
    held: (T,) filled across a short gap / held across a long one. eye_rotation: (T, 2, 3)
    [left, right] x (yaw, pitch, roll) radians. head_landmarks: (T, 478, 3) head frame, cm.
    neutral_cm: (478, 3) the neutral face.
    """

    fps: float
    times_s: np.ndarray
    landmarks: np.ndarray
    rotation: np.ndarray
    angles_deg: np.ndarray
    translation: np.ndarray
    blendshapes: np.ndarray
    detected: np.ndarray
    interpolated: np.ndarray
    held: np.ndarray
    eye_rotation: np.ndarray
    head_landmarks: np.ndarray
    neutral_cm: np.ndarray
    frame_size: tuple[int, int]
    names: tuple[str, ...] = ARKIT_NAMES
    source: Path | None = None


@dataclass(frozen=True)
class FaceMotion:
    """What a character takes from a capture: times_s (T,) seconds from the first frame; fps;
    blendshapes (T, 52) in ARKIT_NAMES order, [0, 1]; rotation (T, 3, 3) head -> camera frame
    (x right, y up, z toward the viewer)."""

    times_s: np.ndarray
    fps: float
    blendshapes: np.ndarray
    rotation: np.ndarray

    @classmethod
    def of(cls, tracks: CaptureTracks) -> FaceMotion:
        """The motion of a capture's tracks (blendshapes reordered to ARKIT_NAMES)."""
        order = [tracks.names.index(name) for name in ARKIT_NAMES]
        scores = np.asarray(tracks.blendshapes)[:, order]
        return cls(np.asarray(tracks.times_s), tracks.fps, scores, np.asarray(tracks.rotation))
