"""A BVH motion file: a small head rig (Head root with Neck, Jaw, LeftEye, RightEye).

Offsets in cm, in the head frame (x to the subject's left, y up, z out of the face), the Head
joint between the eyes. Every joint rotates with channels `Zrotation Xrotation Yrotation`
(the matrix Rz @ Rx @ Ry), degrees; the root also moves (cm, camera frame). The Jaw opens by
`JAW_OPEN_DEG` at jawOpen = 1 and swings sideways with jawLeft/jawRight; the eyes follow the
captured gaze.
"""

from __future__ import annotations

import io

import numpy as np
from scipy.spatial.transform import Rotation

from facemotion.landmarks.arkit import INDEX

JAW_OPEN_DEG = 25.0
JAW_SIDE_DEG = 8.0
ROTATION_CHANNELS = "Zrotation Xrotation Yrotation"

# name -> (offset from the parent in cm, end-site offset)
JOINTS = {
    "Neck": ((0.0, -9.0, -8.0), (0.0, -8.0, 0.0)),
    "Jaw": ((0.0, -3.5, -6.0), (0.0, -6.0, 8.0)),
    "LeftEye": ((3.15, 0.0, -1.2), (0.0, 0.0, 1.2)),
    "RightEye": ((-3.15, 0.0, -1.2), (0.0, 0.0, 1.2)),
}


def _zxy_degrees(rotation: np.ndarray) -> np.ndarray:
    """(T, 3, 3) -> (T, 3) angles for channels Z, X, Y (intrinsic), unwrapped in time."""
    angles = Rotation.from_matrix(rotation).as_euler("ZXY", degrees=False)
    return np.rad2deg(np.unwrap(angles, axis=0))


def _triple(values) -> str:
    return " ".join(f"{value:.4f}" for value in values)


def build_bvh(
    fps: float,
    rotation: np.ndarray,
    translation_cm: np.ndarray,
    blendshapes: np.ndarray,
    eye_rotation: np.ndarray,
) -> str:
    """The BVH text. rotation: (T, 3, 3) head -> camera; translation_cm: (T, 3); blendshapes:
    (T, 52); eye_rotation: (T, 2, 3) [left, right] x (yaw, pitch, roll) radians."""
    count = len(rotation)
    jaw_pitch = blendshapes[:, INDEX["jawOpen"]] * JAW_OPEN_DEG
    jaw_yaw = (blendshapes[:, INDEX["jawLeft"]] - blendshapes[:, INDEX["jawRight"]]) * JAW_SIDE_DEG
    jaw = Rotation.from_euler(
        "YX", np.stack([jaw_yaw, jaw_pitch], axis=1), degrees=True
    ).as_matrix()
    eyes = [
        Rotation.from_euler("YXZ", eye_rotation[:, k], degrees=False).as_matrix() for k in (0, 1)
    ]
    neck = np.zeros((count, 3))
    per_joint = [neck, _zxy_degrees(jaw), _zxy_degrees(eyes[0]), _zxy_degrees(eyes[1])]

    out = io.StringIO()
    out.write("HIERARCHY\nROOT Head\n{\n  OFFSET 0.0000 0.0000 0.0000\n")
    out.write(f"  CHANNELS 6 Xposition Yposition Zposition {ROTATION_CHANNELS}\n")
    for name, (offset, end) in JOINTS.items():
        out.write(f"  JOINT {name}\n  {{\n    OFFSET {_triple(offset)}\n")
        out.write(f"    CHANNELS 3 {ROTATION_CHANNELS}\n")
        out.write(f"    End Site\n    {{\n      OFFSET {_triple(end)}\n    }}\n  }}\n")
    out.write("}\n")
    out.write(f"MOTION\nFrames: {count}\nFrame Time: {1.0 / fps:.8f}\n")
    motion = np.concatenate([translation_cm, _zxy_degrees(rotation), *per_joint], axis=1)
    for row in motion:
        out.write(" ".join(f"{value:.4f}" for value in row) + "\n")
    return out.getvalue()
