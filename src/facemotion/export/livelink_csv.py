"""The CSV layout of Epic's Live Link Face app, which Unreal's Live Link Face importer reads.

Columns: Timecode, BlendShapeCount (61: the 52 weights and 9 head and eye angles), the 52
weights in Live Link Face order, then HeadYaw, HeadPitch, HeadRoll, LeftEyeYaw, LeftEyePitch,
LeftEyeRoll, RightEyeYaw, RightEyePitch, RightEyeRoll in radians.
"""

from __future__ import annotations

import io
import math

import numpy as np

from facemotion.landmarks.arkit import ARKIT_NAMES, LIVE_LINK_COLUMNS, POSE_COLUMNS

BLENDSHAPE_COUNT = len(ARKIT_NAMES) + len(POSE_COLUMNS)


def timecode(time_s: float, fps: float) -> str:
    """`HH:MM:SS:FF.mmm` of a time in seconds at `fps`: non-drop-frame timecode at the nominal
    rate round(fps), with the fraction of a frame (Unreal's subframe) in thousandths."""
    nominal = max(1, round(fps))
    position = max(0.0, time_s * fps)
    # Timestamps computed as n / fps come back a hair under n; they mean frame n.
    whole = math.floor(position + 1e-6)
    subframe = min(999, int(round((position - whole) * 1000))) if position > whole else 0
    seconds, frame = divmod(whole, nominal)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}:{frame:02d}.{subframe:03d}"


def build_csv(
    times_s: np.ndarray,
    fps: float,
    blendshapes: np.ndarray,
    angles_deg: np.ndarray,
    eye_rotation: np.ndarray,
) -> str:
    """The CSV text. times_s: (T,) seconds from the start; blendshapes: (T, 52) in [0, 1];
    angles_deg: (T, 3) head yaw, pitch, roll in degrees; eye_rotation: (T, 2, 3) [left, right]
    x (yaw, pitch, roll) in radians."""
    blendshapes = np.asarray(blendshapes)
    if blendshapes.shape[1:] != (len(ARKIT_NAMES),):
        raise ValueError(f"blendshapes must be (T, 52), got {blendshapes.shape}")
    rows = np.concatenate(
        [
            blendshapes,
            np.deg2rad(angles_deg),
            np.asarray(eye_rotation).reshape(len(blendshapes), 6),
        ],
        axis=1,
    )
    out = io.StringIO()
    out.write(",".join(LIVE_LINK_COLUMNS) + "\n")
    for time_s, row in zip(times_s, rows, strict=True):
        values = ",".join(f"{value:.6f}" for value in row)
        out.write(f"{timecode(float(time_s), fps)},{BLENDSHAPE_COUNT},{values}\n")
    return out.getvalue()
