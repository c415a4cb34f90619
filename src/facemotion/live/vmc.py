"""The VMC protocol (Virtual Motion Capture, OSC over UDP) as VTuber apps read it.

Each frame is one OSC bundle:

    /VMC/Ext/OK 1 3 0 TRACKING        loaded, calibrated, normal mode, 1 if a face is tracked
    /VMC/Ext/T TIME                   seconds since the stream started
    /VMC/Ext/Blend/Val NAME VALUE     one per ARKit blendshape, named as VRM "perfect sync"
                                      avatars name their clips: EyeBlinkLeft, JawOpen, ...
    /VMC/Ext/Blend/Apply              the app applies the values it received
    /VMC/Ext/Bone/Pos Head PX PY PZ QX QY QZ QW

The head bone's pose is in Unity's left-handed frame as VMC apps expect (x to the avatar's
left seen from the front, y up, z toward the viewer): the rotation of the head, and its position
in metres relative to where it was in the first frame sent (so the rig's own head height stays).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from pythonosc.osc_bundle_builder import IMMEDIATELY, OscBundleBuilder
from pythonosc.osc_message_builder import OscMessageBuilder
from scipy.spatial.transform import Rotation

from facemotion.landmarks.arkit import ARKIT_NAMES, csv_name
from facemotion.live.targets import DatagramSender, Target
from facemotion.solver.streaming import FrameSolution

# VRM perfect-sync clip names: Apple's names with a capital first letter.
VMC_BLENDSHAPES: tuple[str, ...] = tuple(csv_name(name) for name in ARKIT_NAMES)
# Camera frame (x image right, y up, z toward the viewer, right-handed) -> Unity's frame for
# an avatar facing the viewer: x flips, which also turns right-handed into left-handed.
_TO_UNITY = np.array([-1.0, 1.0, 1.0])


def _message(address: str, *args) -> OscMessageBuilder:
    message = OscMessageBuilder(address=address)
    for value in args:
        message.add_arg(value)
    return message


def unity_head_pose(rotation: np.ndarray, offset_cm: np.ndarray) -> tuple[float, ...]:
    """(px, py, pz, qx, qy, qz, qw): position in metres and rotation quaternion in Unity's
    frame, from a head rotation (3, 3) and an offset (3,) in cm, both in the camera frame."""
    mirrored = rotation * np.outer(_TO_UNITY, _TO_UNITY)
    quaternion = Rotation.from_matrix(mirrored).as_quat()
    position = np.asarray(offset_cm) * _TO_UNITY / 100.0
    return tuple(float(v) for v in (*position, *quaternion))


def encode_bundle(frame: FrameSolution, origin_cm: np.ndarray) -> bytes:
    """The OSC bundle of one frame; origin_cm: (3,) the head position that counts as zero."""
    bundle = OscBundleBuilder(IMMEDIATELY)
    bundle.add_content(_message("/VMC/Ext/OK", 1, 3, 0, int(frame.detected)).build())
    bundle.add_content(_message("/VMC/Ext/T", float(frame.time_s)).build())
    for name, value in zip(VMC_BLENDSHAPES, frame.blendshapes, strict=True):
        bundle.add_content(_message("/VMC/Ext/Blend/Val", name, float(value)).build())
    bundle.add_content(_message("/VMC/Ext/Blend/Apply").build())
    pose = unity_head_pose(frame.rotation, frame.translation_cm - origin_cm)
    bundle.add_content(_message("/VMC/Ext/Bone/Pos", "Head", *pose).build())
    return bundle.build().dgram


class VmcSender:
    """Sends each solved frame to a VMC receiver as one OSC bundle."""

    def __init__(self, target: Target, *, warn: Callable[[str], None]) -> None:
        self.sender = DatagramSender(target, warn)
        self._origin_cm: np.ndarray | None = None

    def send(self, frame: FrameSolution) -> None:
        if self._origin_cm is None and frame.detected:
            self._origin_cm = np.array(frame.translation_cm, dtype=np.float64)
        origin = self._origin_cm if self._origin_cm is not None else frame.translation_cm
        self.sender.send(encode_bundle(frame, origin))

    def close(self) -> None:
        self.sender.close()
