"""A VRM Animation (.vrma, extension VRMC_vrm_animation 1.0) of expressions, neck and head.

The file is its own small glTF: a hips -> neck -> head chain with identity rest rotations (so
the tracks are the humanoid's normalised rotations, VRM 1.0 axes: the model faces +Z, which is
the capture's frame) and one node per expression whose translation.x carries its 0-1 weight,
as the VRM Animation specification defines. three-vrm-animation turns the tracks into a clip
for any VRM, 0.x included.
"""

from __future__ import annotations

import numpy as np

from facemotion.export.character.append import add_animation
from facemotion.export.character.drive import split_turn
from facemotion.export.character.names import VRM1_PRESETS
from facemotion.export.gltf import continuous, key_times
from facemotion.io.gltf_file import GltfDocument, glb_bytes

EXTENSION = "VRMC_vrm_animation"


def build_vrma(
    times_s: np.ndarray,
    expressions: dict[str, np.ndarray],
    turn,
    *,
    has_neck: bool = True,
    name: str = "capture",
) -> bytes:
    """The .vrma bytes. expressions: VRM 1.0 name -> (T,) weights in [0, 1] (presets by their
    1.0 names, others as custom); turn: scipy Rotation of T head turns (capture frame)."""
    neck_part, head_part = split_turn(turn, has_neck)
    # Hips above the ground: three-vrm-animation checks the rest pose looks like a T-pose.
    nodes: list[dict] = [{"name": "hips", "translation": [0.0, 1.0, 0.0], "children": []}]
    bones = {"hips": {"node": 0}}
    channels = []
    parent = 0
    for bone, part in (("neck", neck_part), ("head", head_part)):
        if part is None:
            continue
        nodes.append({"name": bone})
        nodes[parent].setdefault("children", []).append(len(nodes) - 1)
        parent = len(nodes) - 1
        bones[bone] = {"node": parent}
        channels.append((parent, "rotation", continuous(part.as_quat())))
    preset, custom = {}, {}
    for expression, values in expressions.items():
        nodes.append({"name": f"expression_{expression}"})
        (preset if expression in VRM1_PRESETS else custom)[expression] = {"node": len(nodes) - 1}
        weights = np.zeros((len(values), 3))
        weights[:, 0] = values
        channels.append((len(nodes) - 1, "translation", weights))
    roots = [0, *range(len(nodes) - len(expressions), len(nodes))]
    extension: dict = {"specVersion": "1.0", "humanoid": {"humanBones": bones}}
    if expressions:
        extension["expressions"] = {"preset": preset, "custom": custom}
    document = {
        "asset": {"version": "2.0", "generator": "facemotion retarget"},
        "extensionsUsed": [EXTENSION],
        "extensions": {EXTENSION: extension},
        "nodes": nodes,
        "scenes": [{"nodes": roots}],
        "scene": 0,
    }
    gltf = GltfDocument(document, bytearray())
    add_animation(gltf, name, key_times(times_s), channels)
    return glb_bytes(gltf.document, gltf.binary)
