"""An animated glTF 2.0 binary (.glb): the subject's face mesh with 52 ARKit morph targets.

The mesh is the neutral face in MediaPipe's face-mesh topology, in the head frame (glTF's own
axes: x to the subject's left, y up, z out of the face; metres). Each morph target is fitted to
the subject: the per-vertex displacements that, weighted by the captured blendshapes, best
reproduce the captured head-frame landmarks (ridge least squares). The head node carries the
captured rotation and translation (camera frame, metres), one keyframe per video frame.
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

import numpy as np
import pygltflib
from pygltflib import (
    ANIM_LINEAR,
    ARRAY_BUFFER,
    ELEMENT_ARRAY_BUFFER,
    FLOAT,
    SCALAR,
    TRIANGLES,
    UNSIGNED_SHORT,
    VEC3,
    VEC4,
)
from scipy.spatial.transform import Rotation

from facemotion.landmarks.topology import iris_triangles, tessellation_triangles

CM_PER_M = 100.0
RIDGE = 1e-3  # relative to the mean squared weight: keeps unused targets at zero


@lru_cache(maxsize=1)
def face_triangles() -> np.ndarray:
    """(F, 3) int triangles of MediaPipe's 468-point face mesh plus a fan over each iris.

    Winding is not oriented here; see `_orient`.
    """
    return np.concatenate([tessellation_triangles(), iris_triangles()])


def _orient(triangles: np.ndarray, vertices: np.ndarray) -> np.ndarray:
    """Consistent counter-clockwise winding seen from outside (+z), per connected component."""
    triangles = triangles.copy()
    by_edge: dict[tuple[int, int], list[int]] = defaultdict(list)
    for index, (a, b, c) in enumerate(triangles):
        for edge in ((a, b), (b, c), (c, a)):
            by_edge[tuple(sorted(edge))].append(index)
    done = np.zeros(len(triangles), dtype=bool)
    for seed in range(len(triangles)):
        if done[seed]:
            continue
        component, stack = [seed], [seed]
        done[seed] = True
        while stack:
            current = stack.pop()
            a, b, c = triangles[current]
            for u, v in ((a, b), (b, c), (c, a)):
                for other in by_edge[tuple(sorted((u, v)))]:
                    if done[other]:
                        continue
                    # A neighbour agrees when it runs the shared edge the other way round.
                    x, y, z = triangles[other]
                    if (u, v) in ((x, y), (y, z), (z, x)):
                        triangles[other] = (x, z, y)
                    done[other] = True
                    component.append(other)
                    stack.append(other)
        corners = vertices[triangles[component]]
        normals = np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0])
        if normals[:, 2].sum() < 0:
            triangles[component] = triangles[component][:, ::-1]
    return triangles


def fit_morph_targets(
    head_landmarks: np.ndarray, neutral: np.ndarray, weights: np.ndarray
) -> np.ndarray:
    """Per-target vertex displacements (K, N, 3), same units as the landmarks.

    head_landmarks: (T, N, 3) and neutral (N, 3) in the head frame; weights: (T, K) in [0, 1].
    Minimises |weights @ targets - (head_landmarks - neutral)|^2 + ridge |targets|^2, so a
    target the clip never uses stays flat.
    """
    weights = np.asarray(weights, dtype=np.float64)
    count, k = weights.shape
    gram = weights.T @ weights
    ridge = RIDGE * max(float(np.trace(gram)) / k, 1e-6)
    rhs = np.zeros((k, neutral.size))
    # Accumulated in blocks: the displacements of a long clip never exist all at once.
    for start in range(0, count, 1024):
        block = np.asarray(head_landmarks[start : start + 1024], dtype=np.float64) - neutral
        rhs += weights[start : start + 1024].T @ block.reshape(len(block), -1)
    targets = np.linalg.solve(gram + ridge * np.eye(k), rhs)
    return targets.reshape(k, *neutral.shape)


class _Blob:
    """The binary chunk: appends typed arrays as 4-byte-aligned buffer views and accessors."""

    def __init__(self, gltf: pygltflib.GLTF2) -> None:
        self.gltf = gltf
        self.data = bytearray()

    def add(
        self,
        array: np.ndarray,
        kind: str,
        component: int,
        target: int | None = None,
        bounds: bool = False,
    ) -> int:
        raw = np.ascontiguousarray(array).tobytes()
        self.data += b"\0" * (-len(self.data) % 4)
        self.gltf.bufferViews.append(
            pygltflib.BufferView(
                buffer=0, byteOffset=len(self.data), byteLength=len(raw), target=target
            )
        )
        self.data += raw
        rows = array.reshape(len(array), -1)
        accessor = pygltflib.Accessor(
            bufferView=len(self.gltf.bufferViews) - 1,
            componentType=component,
            count=len(array),
            type=kind,
            min=rows.min(axis=0).tolist() if bounds else None,
            max=rows.max(axis=0).tolist() if bounds else None,
        )
        self.gltf.accessors.append(accessor)
        return len(self.gltf.accessors) - 1


def _continuous_quaternions(rotation: np.ndarray) -> np.ndarray:
    return continuous(Rotation.from_matrix(rotation).as_quat())  # x, y, z, w as glTF wants


def continuous(quaternions: np.ndarray) -> np.ndarray:
    """(T, 4) quaternions with signs flipped so that neighbours agree."""
    quaternions = np.array(quaternions, dtype=np.float64)
    # q and -q are the same rotation; flipping keeps linear interpolation on the short arc.
    signs = np.sign(np.sum(quaternions[1:] * quaternions[:-1], axis=1))
    signs[signs == 0] = 1.0
    quaternions[1:] *= np.cumprod(signs)[:, None]
    return quaternions


def key_times(times_s: np.ndarray) -> np.ndarray:
    """(T,) float32 seconds from the first frame, strictly increasing as glTF requires."""
    times = np.asarray(times_s, dtype=np.float64) - float(times_s[0])
    # glTF requires strictly increasing key times; duplicated VFR timestamps get nudged apart.
    for i in range(1, len(times)):
        times[i] = max(times[i], times[i - 1] + 1e-4)
    return times.astype(np.float32)


def build_glb(
    neutral_cm: np.ndarray,
    head_landmarks_cm: np.ndarray,
    blendshapes: np.ndarray,
    names: tuple[str, ...],
    rotation: np.ndarray,
    translation_cm: np.ndarray,
    times_s: np.ndarray,
    *,
    name: str = "face",
) -> bytes:
    """The .glb file as bytes.

    neutral_cm: (478, 3) head frame, cm; head_landmarks_cm: (T, 478, 3); blendshapes: (T, K);
    names: K morph-target names; rotation: (T, 3, 3) head -> camera; translation_cm: (T, 3);
    times_s: (T,) seconds.
    """
    vertices = (np.asarray(neutral_cm, dtype=np.float64) / CM_PER_M).astype(np.float32)
    targets = fit_morph_targets(
        np.asarray(head_landmarks_cm) / CM_PER_M, vertices.astype(np.float64), blendshapes
    )
    triangles = _orient(face_triangles(), vertices)
    gltf = pygltflib.GLTF2(asset=pygltflib.Asset(version="2.0", generator="facemotion capture"))
    blob = _Blob(gltf)
    position = blob.add(vertices, VEC3, FLOAT, ARRAY_BUFFER, bounds=True)
    indices = blob.add(
        triangles.reshape(-1).astype(np.uint16), SCALAR, UNSIGNED_SHORT, ELEMENT_ARRAY_BUFFER
    )
    morphs = [
        {"POSITION": blob.add(target.astype(np.float32), VEC3, FLOAT, ARRAY_BUFFER, bounds=True)}
        for target in targets
    ]
    primitive = pygltflib.Primitive(
        attributes=pygltflib.Attributes(POSITION=position),
        indices=indices,
        mode=TRIANGLES,
        targets=morphs,
    )
    gltf.meshes.append(
        pygltflib.Mesh(
            name=name,
            primitives=[primitive],
            weights=[0.0] * len(names),
            extras={"targetNames": list(names)},
        )
    )
    gltf.nodes.append(pygltflib.Node(name="Head", mesh=0))
    gltf.scenes.append(pygltflib.Scene(nodes=[0]))
    gltf.scene = 0

    times = blob.add(key_times(times_s), SCALAR, FLOAT, bounds=True)
    weights_out = blob.add(np.asarray(blendshapes, dtype=np.float32).reshape(-1), SCALAR, FLOAT)
    rotation_out = blob.add(_continuous_quaternions(rotation).astype(np.float32), VEC4, FLOAT)
    translation_out = blob.add(
        (np.asarray(translation_cm) / CM_PER_M).astype(np.float32), VEC3, FLOAT
    )
    samplers = [
        pygltflib.AnimationSampler(input=times, output=output, interpolation=ANIM_LINEAR)
        for output in (weights_out, rotation_out, translation_out)
    ]
    channels = [
        pygltflib.AnimationChannel(
            sampler=i, target=pygltflib.AnimationChannelTarget(node=0, path=path)
        )
        for i, path in enumerate(("weights", "rotation", "translation"))
    ]
    gltf.animations.append(pygltflib.Animation(name=name, samplers=samplers, channels=channels))
    gltf.buffers.append(pygltflib.Buffer(byteLength=len(blob.data)))
    gltf.set_binary_blob(bytes(blob.data))
    return b"".join(gltf.save_to_bytes())
