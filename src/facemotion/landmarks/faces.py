"""The choice of one face among several, by size or by its place from the left."""

from __future__ import annotations

import numpy as np

NUM_POINTS = 478  # the v2 face mesh: 468 points + 5 per iris


def choose_index(faces: list[np.ndarray], face: int | None) -> int | None:
    """The index in `faces` ((N, >=2) pixel arrays) of the requested face, or None.

    face=None: the largest face, by the area of its landmarks' x/y bounding box.
    face=N: the N-th face counted left to right (0-based) by the centre of that box.
    """
    if not faces:
        return None
    if len(faces) == 1:
        return 0 if face in (None, 0) else None
    boxes = np.array([[*p[:, :2].min(axis=0), *p[:, :2].max(axis=0)] for p in faces])
    if face is None:
        areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
        return int(np.argmax(areas))
    if face >= len(faces):
        return None
    order = np.argsort((boxes[:, 0] + boxes[:, 2]) / 2.0, kind="stable")
    return int(order[face])


def choose_face(faces: list[np.ndarray], face: int | None) -> np.ndarray | None:
    """One of `faces` ((478, 3) pixel arrays), or None when the requested one is not there
    (see `choose_index`)."""
    index = choose_index(faces, face)
    return None if index is None else faces[index]
