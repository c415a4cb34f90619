"""MediaPipe face-mesh topology: contour index loops and the mesh's triangles.

Index arrays into the 478 points. "Left" and "right" are the subject's, as MediaPipe names
them: LEFT_EYE is the subject's left eye, on the right of a (non-mirrored) image. Each contour
is a closed loop (its last point joins its first) running clockwise on screen (x right,
y down) for a frontal face:

- FACE_OVAL (36 points), from the top of the forehead (10).
- LEFT_EYE, RIGHT_EYE (16 points each), the eyelid rims, from the outer corner (263, 33).
- LIPS_OUTER, LIPS_INNER (20 points each), from the corner on the image's left (61, 78).
- LEFT_IRIS, RIGHT_IRIS (4 points each) around LEFT_IRIS_CENTER (473), RIGHT_IRIS_CENTER (468).

The arrays are built from MediaPipe's own connection lists (`FaceLandmarksConnections`) on
first use and are read-only.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache, lru_cache

import numpy as np

NOSE_TIP = 1
FOREHEAD_TOP = 10  # the face oval's top point, at the hairline
CHIN = 152  # the face oval's bottom point
LEFT_IRIS_CENTER = 473
RIGHT_IRIS_CENTER = 468
MESH_POINTS = 468  # the face mesh proper; 468..477 are the irises

# (connection list, first point, second point): the second fixes the direction of the walk.
_LOOPS = {
    "FACE_OVAL": ("FACE_LANDMARKS_FACE_OVAL", 10, 338),
    "LEFT_EYE": ("FACE_LANDMARKS_LEFT_EYE", 263, 249),
    "RIGHT_EYE": ("FACE_LANDMARKS_RIGHT_EYE", 33, 246),
    "LIPS_OUTER": ("FACE_LANDMARKS_LIPS", 61, 185),
    "LIPS_INNER": ("FACE_LANDMARKS_LIPS", 78, 191),
    "LEFT_IRIS": ("FACE_LANDMARKS_LEFT_IRIS", 474, 477),
    "RIGHT_IRIS": ("FACE_LANDMARKS_RIGHT_IRIS", 469, 472),
}

__all__ = [
    *_LOOPS,
    "LEFT_IRIS_CENTER",
    "MESH_POINTS",
    "NOSE_TIP",
    "RIGHT_IRIS_CENTER",
    "iris_triangles",
    "tessellation_triangles",
]


def __getattr__(name: str) -> np.ndarray:
    if name in _LOOPS:
        return _loop(*_LOOPS[name])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _edges(name: str) -> list[tuple[int, int]]:
    """MediaPipe's connection list `name` (FaceLandmarksConnections) as (start, end) pairs."""
    from mediapipe.tasks.python.vision.face_landmarker import FaceLandmarksConnections

    return [(c.start, c.end) for c in getattr(FaceLandmarksConnections, name)]


@cache
def _loop(connections: str, first: int, second: int) -> np.ndarray:
    """(N,) int64: the closed contour through `first` then `second` in MediaPipe's edge set."""
    neighbours: dict[int, set[int]] = defaultdict(set)
    for a, b in _edges(connections):
        neighbours[a].add(b)
        neighbours[b].add(a)
    if second not in neighbours[first]:
        raise ValueError(f"{first} and {second} are not joined in {connections}")
    loop = [first, second]
    while True:
        following = neighbours[loop[-1]] - {loop[-2]}
        if len(following) != 1:
            raise ValueError(f"{connections} is not a simple loop at point {loop[-1]}")
        (after,) = following
        if after == first:
            break
        loop.append(after)
    return _frozen(np.array(loop, dtype=np.int64))


@lru_cache(maxsize=1)
def tessellation_triangles() -> np.ndarray:
    """(852, 3) int64 triangles of MediaPipe's 468-point face mesh, sorted, unoriented.

    MediaPipe ships the tessellation as edges; its triangles are the 3-cliques of that graph,
    less the cliques that are not faces: those whose three edges each already border two other
    triangles. The result is a manifold disk with three holes (eyes, mouth).
    """
    edges = {tuple(sorted(edge)) for edge in _edges("FACE_LANDMARKS_TESSELATION")}
    neighbours: dict[int, set[int]] = defaultdict(set)
    for a, b in edges:
        neighbours[a].add(b)
        neighbours[b].add(a)
    cliques = {tuple(sorted((a, b, c))) for a, b in edges for c in neighbours[a] & neighbours[b]}
    uses: dict[tuple[int, int], int] = defaultdict(int)
    for a, b, c in cliques:
        for edge in ((a, b), (a, c), (b, c)):
            uses[edge] += 1
    faces = [
        (a, b, c)
        for a, b, c in cliques
        if not all(uses[edge] > 2 for edge in ((a, b), (a, c), (b, c)))
    ]
    return _frozen(np.array(sorted(faces), dtype=np.int64))


@lru_cache(maxsize=1)
def iris_triangles() -> np.ndarray:
    """(8, 3) int64: a fan of four triangles over each iris (right 468.., then left 473..)."""
    fans = [
        (centre, ring[i], ring[(i + 1) % 4])
        for centre, ring in ((468, (469, 470, 471, 472)), (473, (474, 475, 476, 477)))
        for i in range(4)
    ]
    return _frozen(np.array(fans, dtype=np.int64))


def _frozen(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


# Eye centres: iris centres of the refined mesh, else the mean of each eye's corners.
RIGHT_EYE_CORNERS, LEFT_EYE_CORNERS = (33, 133), (263, 362)


def eye_centres(landmarks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(..., N, 3) -> the subject's right and left eye centres (..., 3): irises if present."""
    if landmarks.shape[-2] > LEFT_IRIS_CENTER:
        return landmarks[..., RIGHT_IRIS_CENTER, :], landmarks[..., LEFT_IRIS_CENTER, :]
    right = landmarks[..., RIGHT_EYE_CORNERS, :].mean(axis=-2)
    left = landmarks[..., LEFT_EYE_CORNERS, :].mean(axis=-2)
    return right, left
