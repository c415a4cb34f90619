"""Faces of a wide (or tall) image found square window by window.

MediaPipe's face detector sees the whole image squeezed into a square: in a side-by-side
picture of two portraits each face is small there, and often one is missed although each is
found in its own half. Square windows along the long side, half overlapping, see every face at
its size; a face found in two windows is kept once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

import numpy as np

from facemotion.landmarks.landmarker import FaceObservation

Face = TypeVar("Face")

WIDE_RATIO = 1.3  # longer side / shorter side from which windows are searched too


def window_offsets(length: int, side: int) -> list[int]:
    """Starts of windows of `side` along `length`, half overlapping, the last at the end."""
    if length <= side:
        return [0]
    step = max(1, side // 2)
    offsets = list(range(0, length - side, step))
    return [*offsets, length - side]


def faces_in_windows(
    image: np.ndarray, find_faces: Callable[[np.ndarray], list[FaceObservation]]
) -> list[FaceObservation]:
    """The faces `find_faces` finds in square windows of an (H, W, 3) image, their landmarks
    moved into the image's pixels; [] when the image is nearly square."""
    height, width = image.shape[:2]
    side = min(height, width)
    if max(height, width) < WIDE_RATIO * side:
        return []
    length, axis = max(height, width), 0 if width >= height else 1
    found = []
    for offset in window_offsets(length, side):
        if axis == 0:
            window, shift = image[:, offset : offset + side], np.float32([offset, 0, 0])
        else:
            window, shift = image[offset : offset + side], np.float32([0, offset, 0])
        for seen in find_faces(np.ascontiguousarray(window)):
            if _cut_by_window(seen.landmarks[:, axis], offset, side, length):
                continue  # half a face at a window's inner edge: its whole is in a neighbour
            found.append(replace(seen, landmarks=seen.landmarks + shift))
    return found


def _cut_by_window(along: np.ndarray, offset: int, side: int, length: int) -> bool:
    """True when landmarks (N,) along the long side reach an edge of the window that is not
    an edge of the image (within 2% of the window)."""
    margin = 0.02 * side
    cut_before = offset > 0 and float(along.min()) < margin
    cut_after = offset + side < length and float(along.max()) > side - margin
    return cut_before or cut_after


def merge_faces(
    *groups: list[Face], landmarks: Callable[[Face], np.ndarray] = lambda face: face
) -> list[Face]:
    """The faces of all groups, each kept once: one whose box centre lies within a third of
    an earlier face's box size of that face's centre is the same face. landmarks: a face's
    (478, 3) pixel landmarks (default: the face is that array)."""
    kept: list[Face] = []
    for face in (f for group in groups for f in group):
        points = landmarks(face)
        low, high = points[:, :2].min(axis=0), points[:, :2].max(axis=0)
        centre = (low + high) / 2
        for other_face in kept:
            other = landmarks(other_face)
            other_low, other_high = other[:, :2].min(axis=0), other[:, :2].max(axis=0)
            size = float((other_high - other_low).max())
            if np.linalg.norm(centre - (other_low + other_high) / 2) < size / 3:
                break
        else:
            kept.append(face)
    return kept
