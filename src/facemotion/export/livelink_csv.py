"""The CSV layout of Epic's Live Link Face app, which Unreal's Live Link Face importer reads.

Columns: Timecode, BlendShapeCount (61: the 52 weights and 9 head and eye angles), the 52
weights in Live Link Face order, then HeadYaw, HeadPitch, HeadRoll, LeftEyeYaw, LeftEyePitch,
LeftEyeRoll, RightEyeYaw, RightEyePitch, RightEyeRoll in radians.
"""

from __future__ import annotations

import csv
import io
import math
import re

import numpy as np
from scipy.spatial.transform import Rotation

from facemotion.errors import InputError
from facemotion.export.tracks import FaceMotion
from facemotion.landmarks.arkit import ARKIT_NAMES, LIVE_LINK_COLUMNS, POSE_COLUMNS, csv_name

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


_TIMECODE = re.compile(r"^(\d+):(\d+):(\d+)[:;](\d+)(?:\.(\d+))?$")
# Live Link Face records at one of these rates; a timecode's frame field counts up to it.
_RATES = (24, 25, 30, 48, 50, 60, 90, 120, 240)


def _seconds(codes: list[tuple[int, ...]], fps: float | None) -> tuple[np.ndarray, float]:
    """Times from the first frame and the frame rate of `HH:MM:SS:FF.mmm` timecodes.

    Without `fps`: once the clip crosses a second, the smallest usual rate above every frame
    number seen; a clip inside one second shows no rate, and 30 (or the next usual rate above
    its frame numbers) is assumed.
    """
    highest = max(code[3] for code in codes)
    crosses = len({code[:3] for code in codes}) > 1
    floor = highest if crosses else max(highest, 29)
    nominal = fps or next((rate for rate in _RATES if rate > floor), 240)
    times = np.array(
        [h * 3600 + m * 60 + s + (f + sub / 1000) / nominal for h, m, s, f, sub in codes]
    )
    return times - times[0], float(nominal)


def parse_csv(text: str, source: str = "the CSV", fps: float | None = None) -> FaceMotion:
    """The motion of a Live Link Face CSV (`facemotion capture`, `live --record` or the iPhone
    app): columns found by name, in any order and case; head angles in radians.

    InputError when a column is missing or a row cannot be read.
    """
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise InputError(f"{source} is empty")
    header = {name.strip().lower(): i for i, name in enumerate(rows[0])}
    wanted = [csv_name(name) for name in ARKIT_NAMES] + ["HeadYaw", "HeadPitch", "HeadRoll"]
    missing = [name for name in ["Timecode", *wanted] if name.lower() not in header]
    if missing:
        raise InputError(f"{source} is not a Live Link Face CSV: no column {missing[0]}")
    columns = [header[name.lower()] for name in wanted]
    codes, values = [], []
    for number, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        match = _TIMECODE.match(row[header["timecode"]].strip())
        try:
            values.append([float(row[i]) for i in columns])
        except (ValueError, IndexError):
            match = None
        if match is None:
            raise InputError(f"{source}, line {number}: cannot read its timecode or values")
        fraction = match.group(5) or "0"
        codes.append((*(int(part) for part in match.groups()[:4]), int(fraction.ljust(3, "0")[:3])))
    if not values:
        raise InputError(f"{source} has no frames")
    table = np.array(values, dtype=np.float64)
    times, rate = _seconds(codes, fps)
    # Yaw, pitch and roll as `build_csv` writes them: radians, intrinsic YXZ (solver/pose.py).
    rotation = Rotation.from_euler("YXZ", table[:, 52:55]).as_matrix()
    return FaceMotion(times, rate, table[:, :52], rotation)
