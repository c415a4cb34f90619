"""The character's curves from a capture: morph weights per mesh, expression weights, and the
head and neck rotations on top of their rest pose.

scores: (T, 52) ARKit blendshapes in ARKIT_NAMES order, [0, 1]. rotation: (T, 3, 3) head ->
camera frame (x right, y up, z toward the viewer), which is the character's own frame when it
faces +Z: identity is looking straight ahead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy.spatial.transform import Rotation

from facemotion.export.character.names import Drive, evaluate, match
from facemotion.export.character.rig import Rig, local_rotation, world_rotation

# The neck takes this share of the head's turn and the head the rest, about what a person's
# cervical spine does (most rigs' "head follow" setups use 30-50 %).
NECK_SHARE = 0.4


@dataclass(frozen=True)
class Curves:
    """weights: mesh index -> (T, K) morph weights; expressions: name -> (T,) weights of the
    expressions that matched; joints: node -> (T, 4) local rotations (x, y, z, w); used: the
    ARKit indices that drive something; driven: readable names of what moved."""

    weights: dict[int, np.ndarray]
    expressions: dict[str, np.ndarray]
    joints: dict[int, np.ndarray]
    used: frozenset[int]
    driven: tuple[str, ...]


def _uses(drive: Drive) -> set[int]:
    return {index for index, weight in drive if weight}


def morph_curves(
    rig: Rig, scores: np.ndarray, user_map: Mapping[str, Drive] | None = None
) -> tuple[dict[int, np.ndarray], dict[str, np.ndarray], set[int], list[str]]:
    """(mesh -> (T, K) weights, expression -> (T,), used ARKit indices, driven names).

    A target bound to VRM expressions follows them (the sum of expression x bind weight); any
    other target follows its own name.
    """
    count = len(scores)
    weights = {mesh.mesh: np.tile(np.asarray(mesh.defaults), (count, 1)) for mesh in rig.meshes}
    used: set[int] = set()
    driven: list[str] = []
    expressions: dict[str, np.ndarray] = {}
    bound: set[tuple[int, int]] = set()
    sizes = {mesh.mesh: len(mesh.names) for mesh in rig.meshes}

    def reachable(binds: tuple[tuple[int, int, float], ...]) -> list[tuple[int, int, float]]:
        # A bind to a mesh no node shows, or past its last target, reaches nothing.
        return [bind for bind in binds if 0 <= bind[1] < sizes.get(bind[0], 0)]

    for expression in rig.expressions:
        bound.update((mesh, target) for mesh, target, _ in reachable(expression.binds))
        drive = match(expression.name, user_map)
        if drive is None:
            continue
        values = evaluate(drive, scores)
        expressions[expression.name] = values
        if reachable(expression.binds) or expression.other_binds:
            used |= _uses(drive)
            driven.append(expression.name)
    for mesh, target in bound:
        weights[mesh][:, target] = 0.0
    for expression in rig.expressions:
        if expression.name not in expressions:
            continue
        for mesh, target, weight in reachable(expression.binds):
            weights[mesh][:, target] += weight * expressions[expression.name]
    for mesh in rig.meshes:
        for target, name in enumerate(mesh.names):
            if (mesh.mesh, target) in bound or not name:
                continue
            drive = match(name, user_map)
            if drive is None:
                continue
            weights[mesh.mesh][:, target] = evaluate(drive, scores)
            used |= _uses(drive)
            driven.append(name)
    for values in weights.values():
        np.clip(values, 0.0, 1.0, out=values)
    return weights, expressions, used, list(dict.fromkeys(driven))


def turn_in_scene(rotation: np.ndarray, facing: int) -> Rotation:
    """The captured head turn as a rotation of the scene: for a character facing -Z (VRM 0.x)
    the capture's frame is turned half round about y first."""
    turn = Rotation.from_matrix(np.asarray(rotation, dtype=np.float64))
    if facing > 0:
        return turn
    half = Rotation.from_euler("y", 180, degrees=True)
    return half * turn * half.inv()


def split_turn(turn: Rotation, has_neck: bool) -> tuple[Rotation | None, Rotation]:
    """(neck part, head part) of a turn: the same axis, NECK_SHARE and the rest of the angle;
    the head takes all of it when there is no neck."""
    if not has_neck:
        return None, turn
    rotvec = turn.as_rotvec()
    return (
        Rotation.from_rotvec(NECK_SHARE * rotvec),
        Rotation.from_rotvec((1 - NECK_SHARE) * rotvec),
    )


def on_rest(document: dict, node: int, turn: Rotation) -> np.ndarray:
    """(T, 4) local rotations (x, y, z, w) that turn `node` by `turn` (scene frame) on top of
    its rest pose: local_rest * W^-1 * turn * W, with W its rest rotation in the scene, so that
    its scene rotation becomes turn * W."""
    rest = world_rotation(document, node)
    local = local_rotation(document["nodes"][node]) * rest.inv() * turn * rest
    return local.as_quat()


def curves(
    document: dict,
    rig: Rig,
    scores: np.ndarray,
    rotation: np.ndarray,
    user_map: Mapping[str, Drive] | None = None,
) -> Curves:
    """Every curve the character gets from a capture (shapes in the module docstring)."""
    scores = np.asarray(scores, dtype=np.float64)
    weights, expressions, used, driven = morph_curves(rig, scores, user_map)
    joints: dict[int, np.ndarray] = {}
    if rig.head is not None:
        neck_part, head_part = split_turn(turn_in_scene(rotation, rig.facing), rig.neck is not None)
        joints[rig.head] = on_rest(document, rig.head, head_part)
        if neck_part is not None:
            joints[rig.neck] = on_rest(document, rig.neck, neck_part)
    return Curves(weights, expressions, joints, frozenset(used), tuple(driven))
