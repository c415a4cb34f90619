"""Live Link Face packets decode with the independent pylivelinkface; values map by name."""

from __future__ import annotations

import numpy as np
from pylivelinkface import FaceBlendShape, PyLiveLinkFace

from facemotion.landmarks.arkit import ARKIT_NAMES, INDEX, csv_name
from facemotion.live.livelink import (
    PACKET_BLENDSHAPES,
    encode_packet,
    frame_rate,
    frame_time,
    new_device_id,
    packet_values,
)


def test_packet_order_is_arkit_enum_and_swaps_jaw_and_mouth_sides():
    assert sorted(PACKET_BLENDSHAPES) == sorted(ARKIT_NAMES)
    assert [csv_name(name) for name in PACKET_BLENDSHAPES] == [
        shape.name for shape in FaceBlendShape
    ][:52]
    csv = list(ARKIT_NAMES)
    assert csv.index("jawRight") < csv.index("jawLeft")
    assert PACKET_BLENDSHAPES.index("jawLeft") < PACKET_BLENDSHAPES.index("jawRight")
    assert PACKET_BLENDSHAPES.index("mouthLeft") < PACKET_BLENDSHAPES.index("mouthRight")


def test_pylivelinkface_decodes_our_packet_by_name():
    weights = np.linspace(0.0, 1.0, 52, dtype=np.float32)
    angles = np.array([10.0, -5.0, 2.5])
    eyes = np.array([[0.1, -0.2, 0.0], [0.15, -0.25, 0.0]])
    device = new_device_id()
    data = encode_packet(
        packet_values(weights, angles, eyes),
        device_id=device,
        subject="Actor",
        time_s=2.5,
        fps=30000 / 1001,
    )
    found, face = PyLiveLinkFace.decode(data)
    assert found
    assert face._version == 6 and face.name == "Actor" and face.uuid == "$" + device
    assert (face.fps, face._denominator) == (30000, 1001)
    assert face._frames == 74
    for name in ("jawLeft", "jawRight", "mouthLeft", "mouthRight", "eyeBlinkLeft", "tongueOut"):
        value = face.get_blendshape(FaceBlendShape[csv_name(name)])
        assert abs(value - weights[INDEX[name]]) < 1e-7, name
    assert abs(face.get_blendshape(FaceBlendShape.HeadYaw) - np.deg2rad(10.0)) < 1e-6
    assert abs(face.get_blendshape(FaceBlendShape.HeadPitch) - np.deg2rad(-5.0)) < 1e-6
    assert abs(face.get_blendshape(FaceBlendShape.RightEyePitch) - -0.25) < 1e-6


def test_frame_time_and_rate():
    assert frame_rate(30.0) == (30, 1)
    assert frame_rate(30000 / 1001) == (30000, 1001)
    assert frame_time(3 / 30, 30.0) == (3, 0.0)
    number, sub = frame_time(0.05, 30.0)
    assert number == 1 and abs(sub - 0.5) < 1e-9
