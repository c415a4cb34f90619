"""The captured face on a user's character (.glb, .gltf, VRM 0.x / 1.0).

`animate_character` appends one animation to the character, driving every mesh's morph targets
by name (names.py), VRM expressions through their binds, and the head and neck joints on top of
their rest pose (drive.py); for a VRM it also writes a VRM Animation (vrma.py). The character's
own data is kept byte for byte (append.py).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy.spatial.transform import Rotation

from facemotion.errors import InputError, Remedy
from facemotion.export.character.append import add_animation
from facemotion.export.character.drive import curves, turn_in_scene
from facemotion.export.character.names import Drive, read_user_map
from facemotion.export.character.rig import Rig, read_rig
from facemotion.export.character.vrma import build_vrma
from facemotion.export.gltf import continuous, key_times
from facemotion.io.gltf_file import GltfDocument, glb_bytes

__all__ = ["Animated", "animate_character", "read_rig", "read_user_map"]


@dataclass(frozen=True)
class Animated:
    """glb: the character with the animation; vrma: the VRM Animation (VRM characters only);
    used: ARKit indices that drive something; summary: one line for the user."""

    glb: bytes
    vrma: bytes | None
    used: frozenset[int]
    summary: str


def _trs(node: dict) -> None:
    """A node moved by an animation may not have a `matrix` (glTF 2.0, 3.7.2): its TRS."""
    if "matrix" not in node:
        return
    matrix = np.asarray(node.pop("matrix"), dtype=np.float64).reshape(4, 4).T
    scale = np.linalg.norm(matrix[:3, :3], axis=0)
    node["translation"] = matrix[:3, 3].tolist()
    node["rotation"] = Rotation.from_matrix(matrix[:3, :3] / scale).as_quat().tolist()
    node["scale"] = scale.tolist()


def _summary(rig: Rig, document: dict, used: frozenset[int], driven: tuple[str, ...]) -> str:
    nodes = document.get("nodes", [])
    shown = ", ".join(driven[:4]) + (", ..." if len(driven) > 4 else "")
    text = f"{len(used)} of the 52 ARKit shapes drive {len(driven)} of its shapes or expressions"
    text += f" ({shown})" if driven else ""
    if rig.head is None:
        return text + "; no head joint found, so the head does not turn"
    joints = [rig.neck, rig.head] if rig.neck is not None else [rig.head]
    named = " and ".join(repr(nodes[j].get("name", f"node {j}")) for j in joints)
    return text + f"; the head turns ({named})"


def animate_character(
    character: GltfDocument,
    times_s: np.ndarray,
    scores: np.ndarray,
    rotation: np.ndarray,
    *,
    name: str = "capture",
    user_map: Mapping[str, Drive] | None = None,
    character_name: str = "the character",
) -> Animated:
    """The character with the capture as its last animation (`character` itself unchanged).

    times_s: (T,) seconds; scores: (T, 52) ARKit blendshapes in ARKIT_NAMES order;
    rotation: (T, 3, 3) head -> camera frame. InputError when nothing on the character can be
    driven.
    """
    rig = read_rig(character.document)
    found = curves(character.document, rig, scores, rotation, user_map)
    if not found.used and rig.head is None:
        names = sorted({n for mesh in rig.meshes for n in mesh.names if n})
        shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
        raise InputError(
            f"{character_name} has no head joint, and none of its shapes ({shown or 'unnamed'})"
            " is an ARKit name or VRM preset; give a map of its shapes to ARKit names",
            Remedy("map"),
        )
    document = copy.deepcopy(character.document)
    gltf = GltfDocument(document, bytearray(character.binary))
    channels = []
    for mesh in rig.meshes:
        weights = found.weights[mesh.mesh].reshape(-1)
        channels += [(node, "weights", weights) for node in mesh.nodes]
    for node, quaternions in found.joints.items():
        _trs(document["nodes"][node])
        channels.append((node, "rotation", continuous(quaternions)))
    add_animation(gltf, name, key_times(times_s), channels)
    vrma = None
    if rig.vrm is not None:
        vrma = build_vrma(
            times_s,
            found.expressions,
            turn_in_scene(rotation, 1),
            has_neck=rig.neck is not None,
            name=name,
        )
    return Animated(
        glb_bytes(gltf.document, gltf.binary),
        vrma,
        found.used,
        _summary(rig, document, found.used, found.driven),
    )
