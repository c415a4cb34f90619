"""Faces found square window by window, at several window sizes.

MediaPipe's face detector sees the whole image squeezed into 128 px: a face smaller than about
a seventh of the image's longer side is not found (measured on the astronaut: found at 15% of
the side, missed at 11%), so a face of medium size in a group photo or a 24-megapixel picture
is missed, as is one of two side-by-side portraits. Square windows, half overlapping, each
level's side 0.6 of the last, see every face at some level at a size the detector takes;
a face found in two windows is kept once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import TypeVar

import cv2
import numpy as np

from facemotion.landmarks.landmarker import FaceObservation

Face = TypeVar("Face")

# A face fills at most half of a half-overlapping window that holds it whole, and is found down
# to ~15% of the window: levels 0.6 apart leave no size between two levels unseen.
LEVEL_SCALE = 0.6
MIN_WINDOW_PX = 256  # smaller windows would hold faces under ~40 px, too few for landmarks
MAX_WINDOWS = 128  # per level; measured 2-10 ms a window on 2 busy cores, ~1 s a level at most
WINDOW_INPUT_PX = 1024  # larger windows are shrunk to this first (the detector sees 128 px)


def window_offsets(length: int, side: int) -> list[int]:
    """Starts of windows of `side` along `length`, half overlapping, the last at the end."""
    if length <= side:
        return [0]
    step = max(1, side // 2)
    offsets = list(range(0, length - side, step))
    return [*offsets, length - side]


def window_sides(height: int, width: int) -> list[int]:
    """The window sides searched in an image of (height, width), largest first: the shorter
    side, then 0.6 of the last while windows stay >= 256 px and <= 128 a level."""
    sides: list[int] = []
    side = min(height, width)
    while side >= MIN_WINDOW_PX or not sides:
        count = len(window_offsets(height, side)) * len(window_offsets(width, side))
        if count > MAX_WINDOWS:
            break
        sides.append(side)
        side = round(side * LEVEL_SCALE)
    return sides


def _windows(height: int, width: int, side: int) -> Iterator[tuple[int, int]]:
    for top in window_offsets(height, side):
        for left in window_offsets(width, side):
            yield top, left


def faces_in_windows(
    image: np.ndarray,
    find_faces: Callable[[np.ndarray], list[FaceObservation]],
    *,
    first_level: bool = False,
) -> list[FaceObservation]:
    """The faces `find_faces` finds in square windows of an (H, W, 3) image at every level of
    `window_sides` (the whole image itself is not searched again), their landmarks moved into
    the image's pixels. first_level: stop at the first level that finds a face (its faces are
    the largest; enough when the largest face is wanted)."""
    height, width = image.shape[:2]
    found: list[FaceObservation] = []
    for side in window_sides(height, width):
        if side >= max(height, width):
            continue  # one window: the whole image
        # shrinking the image once a level costs ~1/20 of shrinking each window of it
        scale = min(1.0, WINDOW_INPUT_PX / side)
        level = image
        if scale < 1.0:
            size = (max(1, round(width * scale)), max(1, round(height * scale)))
            level = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        level_side = min(round(side * scale), *level.shape[:2])
        to_image = np.float32([width / level.shape[1], height / level.shape[0]])
        for top, left in _windows(*level.shape[:2], level_side):
            window = np.ascontiguousarray(level[top : top + level_side, left : left + level_side])
            for seen in find_faces(window):
                if _cut_by_window(seen.landmarks, (left, top), level_side, level.shape[1::-1]):
                    continue  # part of a face at a window's inner edge: a neighbour has it whole
                points = seen.landmarks + np.float32([left, top, 0])
                points *= np.float32([*to_image, to_image[0]])  # z scales with x
                found.append(replace(seen, landmarks=points))
        if found and first_level:
            break
    return found


def _cut_by_window(
    points: np.ndarray, origin: tuple[int, int], side: int, size: tuple[int, int]
) -> bool:
    """True when landmarks (N, >=2) in window pixels reach an edge of the window that is not an
    edge of the image (within 2% of the window). origin: the window's (x, y); size: the
    image's (width, height)."""
    margin = 0.02 * side
    for axis in (0, 1):
        along = points[:, axis]
        if origin[axis] > 0 and float(along.min()) < margin:
            return True
        if origin[axis] + side < size[axis] and float(along.max()) > side - margin:
            return True
    return False


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
