"""Live Link Face packets: what Epic's iPhone app sends to Unreal's Live Link Face source.

One UDP datagram per frame, big-endian except where said (packet version 6):

    uint8   version (6)
    int32   length, then that many UTF-8 bytes: the device id
    int32   length, then that many UTF-8 bytes: the subject name
    int32   frame number, float32 sub-frame (0 <= sub-frame < 1)
    int32   frame rate numerator, int32 denominator
    uint8   value count (61)
    float32 x 61: the 52 blendshapes in ARKit's enum order, then head yaw, pitch, roll and
            left and right eye yaw, pitch, roll, in radians

ARKit's enum order is not the CSV column order of `facemotion.landmarks.arkit`: jawLeft and
jawRight, mouthLeft and mouthRight swap places. Values are mapped by name.
"""

from __future__ import annotations

import struct
import uuid
from collections.abc import Callable
from fractions import Fraction

import numpy as np

from facemotion.landmarks.arkit import ARKIT_ENUM_NAMES, INDEX
from facemotion.live.targets import DatagramSender, Target
from facemotion.solver.streaming import FrameSolution

PACKET_VERSION = 6

# ARFaceAnchor.BlendShapeLocation in the order of ARKit's (and Unreal's EARFaceBlendShape) enum.
PACKET_BLENDSHAPES: tuple[str, ...] = ARKIT_ENUM_NAMES
# Column of each packet slot in facemotion's (CSV-ordered) blendshape arrays.
PACKET_COLUMNS = np.array([INDEX[name] for name in PACKET_BLENDSHAPES])
VALUE_COUNT = len(PACKET_BLENDSHAPES) + 9


def packet_values(
    blendshapes: np.ndarray, angles_deg: np.ndarray, eye_rotation: np.ndarray
) -> np.ndarray:
    """The 61 packet values (61,) float32 from blendshapes (52,) in ARKIT_NAMES order, head
    angles (3,) yaw, pitch, roll in degrees and eye_rotation (2, 3) [left, right] radians."""
    return np.concatenate(
        [
            np.asarray(blendshapes)[PACKET_COLUMNS],
            np.deg2rad(np.asarray(angles_deg)),
            np.asarray(eye_rotation).reshape(6),
        ]
    ).astype(np.float32)


def frame_rate(fps: float) -> tuple[int, int]:
    """(numerator, denominator) of a frame rate: 30 -> (30, 1), 29.97 -> (30000, 1001)."""
    rate = Fraction(fps).limit_denominator(1001)
    return rate.numerator, rate.denominator


def frame_time(time_s: float, fps: float) -> tuple[int, float]:
    """(frame number, sub-frame in [0, 1)) of a time in seconds at `fps`."""
    position = max(0.0, time_s * fps)
    # n / fps computed in floating point can land a hair under frame n.
    whole = int(np.floor(position + 1e-6))
    return whole, max(0.0, position - whole)


def new_device_id() -> str:
    """A device id as the app makes one: a UUID string (36 characters)."""
    return str(uuid.uuid4()).upper()


def _string(text: str) -> bytes:
    data = text.encode("utf-8")
    return struct.pack(">i", len(data)) + data


def encode_packet(
    values: np.ndarray,
    *,
    device_id: str,
    subject: str,
    time_s: float,
    fps: float,
) -> bytes:
    """One Live Link Face datagram from the 61 `packet_values` of a frame at `time_s` seconds."""
    values = np.asarray(values, dtype=">f4")
    if values.shape != (VALUE_COUNT,):
        raise ValueError(f"a packet has {VALUE_COUNT} values, got {values.shape}")
    frame, subframe = frame_time(time_s, fps)
    numerator, denominator = frame_rate(fps)
    return b"".join(
        [
            struct.pack(">B", PACKET_VERSION),
            _string(device_id),
            _string(subject),
            struct.pack(">ifiiB", frame, subframe, numerator, denominator, VALUE_COUNT),
            values.tobytes(),
        ]
    )


class LiveLinkSender:
    """Sends each solved frame to a Live Link Face source as one datagram."""

    def __init__(
        self,
        target: Target,
        *,
        subject: str,
        fps: float,
        warn: Callable[[str], None],
        device_id: str | None = None,
    ) -> None:
        self.subject = subject
        self.fps = fps
        self.device_id = device_id or new_device_id()
        self.sender = DatagramSender(target, warn)

    def send(self, frame: FrameSolution) -> None:
        values = packet_values(frame.blendshapes, frame.angles_deg, frame.eye_rotation)
        self.sender.send(
            encode_packet(
                values,
                device_id=self.device_id,
                subject=self.subject,
                time_s=frame.time_s,
                fps=self.fps,
            )
        )

    def close(self) -> None:
        self.sender.close()
