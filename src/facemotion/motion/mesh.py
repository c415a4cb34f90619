"""The MediaPipe face-mesh topology the landmark warp uses: oriented triangles and hole loops.

The 468-point tessellation (`facemotion.landmarks.topology`) is a disk with three holes (two
eyes and the mouth); its outer boundary is the face oval. Its triangles are oriented here
consistently, so that a triangle whose projected area changes sign faces away.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass
from functools import cache

import numpy as np

MESH_POINTS = 468
RIGHT_IRIS_CENTER = 468  # the iris of the eye at the image's left (subject's right)
LEFT_IRIS_CENTER = 473

# Points that move little with expressions (forehead, temples, nose bridge and tip, inner and
# outer eye corners, upper cheekbones): the head's similarity is fitted on them.
STABLE_POINTS = (
    10, 151, 9, 8, 168, 6, 197, 195, 5, 4, 1,
    109, 67, 103, 54, 21, 338, 297, 332, 284, 251,
    33, 133, 362, 263, 127, 356, 234, 454, 116, 345, 50, 280,
)  # fmt: skip


@dataclass(frozen=True)
class FaceTopology:
    """Triangles (F, 3) over the 468 mesh points, oriented alike; the closed boundary loops
    (oval, the eye at the image's left, the other eye, inner lips) as point-index arrays."""

    triangles: np.ndarray
    oval: np.ndarray
    right_eye: np.ndarray
    left_eye: np.ndarray
    inner_lips: np.ndarray


def _orient(triangles: list[tuple[int, int, int]]) -> np.ndarray:
    """Reorder vertices so that neighbouring faces traverse their shared edge in opposite
    directions (one consistent orientation over the connected mesh)."""
    by_edge: dict[tuple[int, int], list[int]] = defaultdict(list)
    for index, (a, b, c) in enumerate(triangles):
        for u, v in ((a, b), (b, c), (c, a)):
            by_edge[(min(u, v), max(u, v))].append(index)
    oriented: list[tuple[int, int, int] | None] = [None] * len(triangles)
    for seed in range(len(triangles)):
        if oriented[seed] is not None:
            continue
        oriented[seed] = triangles[seed]
        queue = deque([seed])
        while queue:
            index = queue.popleft()
            a, b, c = oriented[index]  # type: ignore[misc]
            for u, v in ((a, b), (b, c), (c, a)):
                for other in by_edge[(min(u, v), max(u, v))]:
                    if oriented[other] is not None:
                        continue
                    x, y, z = triangles[other]
                    cycle = [(x, y), (y, z), (z, x)]
                    # The neighbour must run the shared edge as (v, u).
                    oriented[other] = (x, y, z) if (v, u) in cycle else (x, z, y)
                    queue.append(other)
    return np.array(oriented, dtype=np.int32)


@cache
def face_topology() -> FaceTopology:
    """The oriented face-mesh triangles and hole loops (computed once per process)."""
    from facemotion.landmarks import topology

    triangles = [tuple(int(i) for i in t) for t in topology.tessellation_triangles()]
    return FaceTopology(
        triangles=_orient(triangles),
        oval=np.asarray(topology.FACE_OVAL, dtype=np.int32),
        right_eye=np.asarray(topology.RIGHT_EYE, dtype=np.int32),
        left_eye=np.asarray(topology.LEFT_EYE, dtype=np.int32),
        inner_lips=np.asarray(topology.LIPS_INNER, dtype=np.int32),
    )


def signed_areas(points: np.ndarray, triangles: np.ndarray) -> np.ndarray:
    """Twice the signed area of each triangle: points (N, >=2), triangles (F, 3) -> (F,)."""
    a, b, c = (points[triangles[:, k], :2] for k in range(3))
    return (b[:, 0] - a[:, 0]) * (c[:, 1] - a[:, 1]) - (b[:, 1] - a[:, 1]) * (c[:, 0] - a[:, 0])


@cache
def _laplacian() -> np.ndarray:
    """(468, 468) graph Laplacian of the face mesh's edges (degree minus adjacency)."""
    triangles = face_topology().triangles
    edges = np.concatenate([triangles[:, [0, 1]], triangles[:, [1, 2]], triangles[:, [2, 0]]])
    adjacency = np.zeros((MESH_POINTS, MESH_POINTS))
    adjacency[edges[:, 0], edges[:, 1]] = 1.0
    adjacency[edges[:, 1], edges[:, 0]] = 1.0
    laplacian = np.diag(adjacency.sum(axis=1)) - adjacency
    laplacian.flags.writeable = False
    return laplacian


def harmonic(values: np.ndarray, free: np.ndarray) -> np.ndarray:
    """values (N >= 468,) with the mesh points marked `free` (N,) bool replaced by the
    harmonic interpolation of the others over the mesh's edges (each free value the mean of
    its neighbours': the discrete Laplace equation), so a weight field set on some points
    varies smoothly, without new extremes, over the points between them. A new array."""
    result = np.array(values, dtype=np.float64)
    inner = np.asarray(free, bool)[:MESH_POINTS]
    if not inner.any():
        return result
    laplacian = _laplacian()
    known = result[:MESH_POINTS][~inner]
    right = -laplacian[np.ix_(inner, ~inner)] @ known
    solved, *_ = np.linalg.lstsq(laplacian[np.ix_(inner, inner)], right, rcond=None)
    result[np.flatnonzero(inner)] = solved
    return result
