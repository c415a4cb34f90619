"""One frame of the character's pose, for a live view: what a viewer sets on the character it
loaded (three.js: morph influences by glTF mesh, joint rotations by glTF node; three-vrm:
expression weights and the humanoid's normalised neck and head rotations)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from facemotion.export.character.drive import curves, split_turn, turn_in_scene
from facemotion.export.character.names import Drive
from facemotion.export.character.rig import read_rig


class CharacterPose:
    """The character's rig, read once; `frame` gives the pose of one captured frame."""

    def __init__(self, document: dict, user_map: Mapping[str, Drive] | None = None) -> None:
        self.document = document
        self.rig = read_rig(document)
        self.user_map = user_map

    def frame(self, scores: np.ndarray, rotation: np.ndarray) -> dict:
        """scores: (52,) in ARKIT_NAMES order; rotation: (3, 3) head -> camera frame.

        {"morphs": {mesh: [K weights]}, "joints": {node: [x, y, z, w] local}, "expressions":
        {name: weight}, "humanoid": {"neck"?: q, "head": q} (VRM 1.0 axes)}; keys are strings.
        """
        scores = np.asarray(scores, dtype=np.float64)[None]
        rotation = np.asarray(rotation, dtype=np.float64)[None]
        found = curves(self.document, self.rig, scores, rotation, self.user_map)
        neck, head = split_turn(turn_in_scene(rotation, 1), self.rig.neck is not None)
        humanoid = {"head": head.as_quat()[0].tolist()}
        if neck is not None:
            humanoid["neck"] = neck.as_quat()[0].tolist()
        return {
            "morphs": {str(mesh): values[0].tolist() for mesh, values in found.weights.items()},
            "joints": {str(node): values[0].tolist() for node, values in found.joints.items()},
            "expressions": {name: float(values[0]) for name, values in found.expressions.items()},
            "humanoid": humanoid,
        }
