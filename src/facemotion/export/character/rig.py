"""What a character offers to drive: morph targets per mesh, VRM expressions, head and neck.

Read from the glTF JSON alone (a plain dict, see io/gltf_file.py); nothing is changed here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from scipy.spatial.transform import Rotation

from facemotion.errors import InputError
from facemotion.export.character.names import VRM0_PRESETS


@dataclass(frozen=True)
class MorphMesh:
    """A mesh with morph targets: its index, target names ('' when unnamed), default weights
    and the nodes that show it."""

    mesh: int
    names: tuple[str, ...]
    defaults: tuple[float, ...]
    nodes: tuple[int, ...]


@dataclass(frozen=True)
class Expression:
    """A VRM expression. name: as VRM 1.0 (and three-vrm) call it (0.x presets renamed: `a`
    -> `aa`); preset: whether it is a VRM 1.0 preset; binds: (mesh, target, weight 0-1)."""

    name: str
    preset: bool
    binds: tuple[tuple[int, int, float], ...]
    other_binds: bool = False  # material or texture binds: it does something without morphs


@dataclass(frozen=True)
class Rig:
    """vrm: None, 0 or 1 (the VRM major version). facing: +1 when the model faces +Z (glTF,
    VRM 1.0), -1 for -Z (VRM 0.x). head / neck: node indices or None."""

    meshes: tuple[MorphMesh, ...]
    expressions: tuple[Expression, ...]
    head: int | None
    neck: int | None
    vrm: int | None
    facing: int


def _target_names(mesh: dict) -> tuple[str, ...]:
    count = len(mesh["primitives"][0].get("targets", []))
    # Blender, UniVRM and VRoid write them on the mesh; older exporters on the primitive.
    for extras in (mesh.get("extras"), mesh["primitives"][0].get("extras")):
        names = (extras or {}).get("targetNames")
        if isinstance(names, list) and len(names) == count:
            return tuple(str(name) for name in names)
    return ("",) * count


def morph_meshes(document: dict) -> tuple[MorphMesh, ...]:
    """Every mesh with morph targets that some node shows."""
    shown: dict[int, list[int]] = {}
    for index, node in enumerate(document.get("nodes", [])):
        if "mesh" in node:
            shown.setdefault(node["mesh"], []).append(index)
    found = []
    for index, mesh in enumerate(document.get("meshes", [])):
        names = _target_names(mesh)
        if not names or index not in shown:
            continue
        defaults = mesh.get("weights") or []
        if len(defaults) != len(names):  # absent, or wrong in the file: no default weights
            defaults = [0.0] * len(names)
        found.append(MorphMesh(index, names, tuple(map(float, defaults)), tuple(shown[index])))
    return tuple(found)


def _vrm0_expressions(extension: dict) -> tuple[Expression, ...]:
    expressions = []
    for group in extension.get("blendShapeMaster", {}).get("blendShapeGroups", []):
        preset = str(group.get("presetName", "unknown")).lower()
        name = VRM0_PRESETS.get(preset) or str(group.get("name", ""))
        binds = tuple(
            (int(bind["mesh"]), int(bind["index"]), float(bind.get("weight", 100)) / 100)
            for bind in group.get("binds", [])
        )
        other = bool(group.get("materialValues"))
        expressions.append(Expression(name, preset in VRM0_PRESETS, binds, other))
    return tuple(expressions)


def _vrm1_expressions(extension: dict, document: dict) -> tuple[Expression, ...]:
    nodes = document.get("nodes", [])
    expressions = []
    table = extension.get("expressions", {})
    for kind in ("preset", "custom"):
        for name, expression in table.get(kind, {}).items():
            binds = tuple(
                (nodes[bind["node"]]["mesh"], int(bind["index"]), float(bind.get("weight", 1)))
                for bind in expression.get("morphTargetBinds", [])
                if "mesh" in nodes[bind["node"]]
            )
            other = bool(
                expression.get("materialColorBinds") or expression.get("textureTransformBinds")
            )
            expressions.append(Expression(name, kind == "preset", binds, other))
    return tuple(expressions)


def _parents(document: dict) -> dict[int, int]:
    return {
        child: index
        for index, node in enumerate(document.get("nodes", []))
        for child in node.get("children", [])
    }


def _bare(name: str) -> str:
    """'mixamorig:Head' -> 'head'; 'CC_Base_NeckTwist01' -> 'ccbasenecktwist01'."""
    return re.sub(r"[^a-z0-9]", "", re.split(r"[:|]", name)[-1].lower())


def _joint_by_name(document: dict, word: str, under: set[int] | None = None) -> int | None:
    """The node named `word` (after a namespace), else the first whose name contains it and is
    no end, tip or twist helper; among `under` when given."""
    nodes = document.get("nodes", [])
    candidates = [i for i in range(len(nodes)) if under is None or i in under]
    names = {i: _bare(str(nodes[i].get("name", ""))) for i in candidates}
    exact = [i for i in candidates if names[i] == word]
    if exact:
        return exact[0]
    loose = [
        i
        for i in candidates
        if word in names[i] and not re.search(r"end|top|tip|nub|twist|eye", names[i])
    ]
    return loose[0] if loose else None


def head_and_neck(document: dict, vrm: int | None) -> tuple[int | None, int | None]:
    """The head and neck joints: from the VRM humanoid, else by name (the neck is the head's
    nearest ancestor named so)."""
    extensions = document.get("extensions", {})
    if vrm == 0:
        bones = {
            bone["bone"]: bone["node"]
            for bone in extensions["VRM"].get("humanoid", {}).get("humanBones", [])
        }
        return bones.get("head"), bones.get("neck")
    if vrm == 1:
        bones = extensions["VRMC_vrm"].get("humanoid", {}).get("humanBones", {})
        return (bones.get("head") or {}).get("node"), (bones.get("neck") or {}).get("node")
    head = _joint_by_name(document, "head")
    if head is None:
        return None, None
    parents, ancestors, node = _parents(document), set(), head
    while node in parents:
        node = parents[node]
        ancestors.add(node)
    return head, _joint_by_name(document, "neck", ancestors)


def read_rig(document: dict) -> Rig:
    """What `document` offers; InputError when it has no morph target, no expression with
    binds and no head joint."""
    extensions = document.get("extensions", {})
    if "VRMC_vrm" in extensions:
        vrm, expressions = 1, _vrm1_expressions(extensions["VRMC_vrm"], document)
    elif "VRM" in extensions:
        vrm, expressions = 0, _vrm0_expressions(extensions["VRM"])
    else:
        vrm, expressions = None, ()
    head, neck = head_and_neck(document, vrm)
    meshes = morph_meshes(document)
    if not meshes and head is None:
        raise InputError(
            "the character has no morph target (blend shape) and no head joint to drive; "
            "export it with its shape keys and armature"
        )
    return Rig(meshes, expressions, head, neck, vrm, -1 if vrm == 0 else 1)


def local_rotation(node: dict) -> Rotation:
    """A node's rest rotation relative to its parent (from `rotation`, or `matrix`)."""
    if "matrix" in node:
        matrix = np.asarray(node["matrix"], dtype=np.float64).reshape(4, 4).T[:3, :3]
        return Rotation.from_matrix(matrix / np.linalg.norm(matrix, axis=0))
    return Rotation.from_quat(node.get("rotation", [0.0, 0.0, 0.0, 1.0]))


def world_rotation(document: dict, index: int) -> Rotation:
    """A node's rest rotation in the scene (its ancestors' rotations composed; scale ignored)."""
    nodes, parents = document["nodes"], _parents(document)
    rotation = local_rotation(nodes[index])
    while index in parents:
        index = parents[index]
        rotation = local_rotation(nodes[index]) * rotation
    return rotation
