"""Synthetic landmark clips: a symmetric neutral face (from a real MediaPipe mesh) posed and moved.

`face.npz` holds `neutral_cm` (478, 3), a frontal neutral face in the head frame (cm, x to the
subject's left, y up, z out of the face, eyes 6.3 cm apart and symmetric about x = 0), and
`mirror` (478,), the index of each point's mirror image (33 <-> 263, 13 <-> 13, ...).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy.spatial.transform import Rotation

_DATA = np.load(Path(__file__).with_name("data") / "face.npz")
NEUTRAL_CM: np.ndarray = _DATA["neutral_cm"].astype(np.float64)
MIRROR: np.ndarray = _DATA["mirror"].astype(np.int64)
FRAME_SIZE = (480, 640)  # height, width

# Upper and lower lid contours of each eye, paired top-to-bottom (MediaPipe indices).
RIGHT_UPPER_LID = (246, 161, 160, 159, 158, 157, 173)
RIGHT_LOWER_LID = (7, 163, 144, 145, 153, 154, 155)


def to_image(
    head_cm: np.ndarray, angles_deg=(0.0, 0.0, 0.0), centre_px=(320.0, 240.0), px_per_cm=10.0
):
    """Pose head-frame shapes (..., 478, 3) cm into image-axis landmarks (x, y down, z away) px."""
    rotation = Rotation.from_euler("YXZ", angles_deg, degrees=True).as_matrix()
    camera = np.asarray(head_cm) @ rotation.T * px_per_cm
    camera[..., 0] += centre_px[0]
    camera[..., 1] -= centre_px[1]
    return (camera * np.array([1.0, -1.0, -1.0])).astype(np.float32)


def open_jaw(amount_deg: float, face: np.ndarray = NEUTRAL_CM) -> np.ndarray:
    """The face with the jaw turned open by `amount_deg` about a hinge below the ears."""
    shape = face.copy()
    lip_line = (face[13, 1] + face[14, 1]) / 2
    lower = (face[:, 1] < lip_line) & (np.abs(face[:, 0]) < 6.0)
    hinge = np.array([0.0, face[1, 1], face[1, 2] - 10.0])
    turn = Rotation.from_euler("x", amount_deg, degrees=True).as_matrix()
    shape[lower] = (face[lower] - hinge) @ turn.T + hinge
    return shape


def close_right_eye(face: np.ndarray = NEUTRAL_CM) -> np.ndarray:
    """The face with the subject's right eye shut: upper lid laid onto the lower lid."""
    shape = face.copy()
    shape[list(RIGHT_UPPER_LID)] = face[list(RIGHT_LOWER_LID)] + np.array([0.0, 0.02, 0.0])
    return shape


def mirror_image(landmarks: np.ndarray, width: int = FRAME_SIZE[1]) -> np.ndarray:
    """What a detector returns for the horizontally flipped frame: (..., 478, 3) image axes."""
    flipped = np.asarray(landmarks)[..., MIRROR, :].copy()
    flipped[..., 0] = width - flipped[..., 0]
    return flipped
