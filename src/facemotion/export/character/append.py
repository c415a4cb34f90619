"""Append arrays and one animation to a glTF document without touching what is there.

New data goes after the last byte of the binary chunk (buffer 0), as new buffer views and
accessors; existing accessors, buffer views, their bytes and every extension stay as they were.
"""

from __future__ import annotations

import numpy as np
from pygltflib import ANIM_LINEAR, FLOAT, SCALAR, VEC3, VEC4

from facemotion.errors import InputError
from facemotion.io.gltf_file import GltfDocument

_TYPES = {1: SCALAR, 3: VEC3, 4: VEC4}


class Appender:
    """Adds float32 accessors to `gltf` (its binary grows; buffer 0 is the BIN chunk)."""

    def __init__(self, gltf: GltfDocument) -> None:
        self.gltf = gltf
        document = gltf.document
        buffers = document.setdefault("buffers", [])
        if not buffers or "uri" in buffers[0]:
            # The BIN chunk can only be buffer 0; a .glb whose buffer 0 is a file beside it
            # would need every buffer view re-pointed.
            if buffers:
                raise InputError(
                    "the character's first buffer is an external file; save it as one .glb"
                )
            buffers.append({"byteLength": 0})
        self.binary = gltf.binary

    def add(self, array: np.ndarray, bounds: bool = False) -> int:
        """An accessor of `array` (N,) or (N, C) as float32; its index. bounds: write min/max
        (required on animation inputs)."""
        values = np.ascontiguousarray(array, dtype=np.float32)
        rows = values.reshape(len(values), -1)
        document = self.gltf.document
        self.binary += b"\0" * (-len(self.binary) % 4)
        views = document.setdefault("bufferViews", [])
        views.append({"buffer": 0, "byteOffset": len(self.binary), "byteLength": values.nbytes})
        self.binary += values.tobytes()
        document["buffers"][0]["byteLength"] = len(self.binary)
        accessor = {
            "bufferView": len(views) - 1,
            "componentType": FLOAT,
            "count": len(values),
            "type": _TYPES[rows.shape[1]],
        }
        if bounds:
            accessor["min"] = rows.min(axis=0).tolist()
            accessor["max"] = rows.max(axis=0).tolist()
        accessors = document.setdefault("accessors", [])
        accessors.append(accessor)
        return len(accessors) - 1


def add_animation(
    gltf: GltfDocument,
    name: str,
    times_s: np.ndarray,
    channels: list[tuple[int, str, np.ndarray]],
) -> None:
    """Append one animation: channels of (node, path, values (T, C) or (T*K,) for weights), all
    keyed at `times_s` (T,) float32 seconds, linear."""
    appender = Appender(gltf)
    times = appender.add(times_s, bounds=True)
    samplers, targets = [], []
    for node, path, values in channels:
        output = appender.add(values)
        samplers.append({"input": times, "output": output, "interpolation": ANIM_LINEAR})
        targets.append({"sampler": len(samplers) - 1, "target": {"node": node, "path": path}})
    gltf.document.setdefault("animations", []).append(
        {"name": name, "samplers": samplers, "channels": targets}
    )
