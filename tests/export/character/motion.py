"""A captured motion for the character tests: a head that turns and nods, a jaw that opens,
eyes that blink, a smile; and reading animations back out of a .glb."""

from __future__ import annotations

import numpy as np
from scipy.spatial.transform import Rotation

from facemotion.export.tracks import FaceMotion
from facemotion.io.gltf_file import parse_glb
from facemotion.landmarks.arkit import INDEX

FRAMES = 20


def captured() -> FaceMotion:
    """20 frames at 25 fps; every score different so that a mix-up shows."""
    times = np.arange(FRAMES) / 25.0
    ramp = np.linspace(0, 1, FRAMES)
    scores = (np.arange(52)[None, :] % 7 + 1) / 10.0 * ramp[:, None]
    scores[:, INDEX["jawOpen"]] = ramp
    scores[:, INDEX["eyeBlinkLeft"]] = ramp[::-1]
    angles = np.stack([40 * ramp, -15 * ramp, 10 * ramp], axis=1)
    rotation = Rotation.from_euler("YXZ", angles, degrees=True).as_matrix()
    return FaceMotion(times, 25.0, np.clip(scores, 0, 1), rotation)


def read_animation(glb: bytes, index: int = -1) -> tuple[dict, dict]:
    """(document, {(node, path): (times (T,), values (T, C))}) of one animation of a .glb."""
    gltf = parse_glb(glb)
    document = gltf.document

    def array(accessor_index: int) -> np.ndarray:
        accessor = document["accessors"][accessor_index]
        view = document["bufferViews"][accessor["bufferView"]]
        width = {"SCALAR": 1, "VEC3": 3, "VEC4": 4}[accessor["type"]]
        start = view.get("byteOffset", 0) + accessor.get("byteOffset", 0)
        values = np.frombuffer(gltf.binary, np.float32, accessor["count"] * width, start)
        return values.reshape(accessor["count"], width)

    animation = document["animations"][index]
    channels = {}
    for channel in animation["channels"]:
        sampler = animation["samplers"][channel["sampler"]]
        target = channel["target"]
        channels[(target["node"], target["path"])] = (
            array(sampler["input"])[:, 0],
            array(sampler["output"]),
        )
    return document, channels


def scene_rotation(document: dict, node: int, posed: dict[int, np.ndarray]) -> Rotation:
    """A node's rotation in the scene with the local rotations `posed` in place of the rest."""
    parents = {c: i for i, n in enumerate(document["nodes"]) for c in n.get("children", [])}
    rotation = Rotation.identity()
    while True:
        local = posed.get(node, document["nodes"][node].get("rotation", [0, 0, 0, 1]))
        rotation = Rotation.from_quat(local) * rotation
        if node not in parents:
            return rotation
        node = parents[node]
