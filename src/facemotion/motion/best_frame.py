"""The driving frame whose face pose is closest to the source's (FOMM's --find-best-frame)."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from facemotion.errors import NoFaceError, Remedy
from facemotion.models.normalize import hull_area


def normalized_landmarks(points: np.ndarray) -> np.ndarray | None:
    """Landmarks (N, 2) centred on their mean and divided by sqrt of their convex hull's area;
    None when the hull is degenerate (collinear or coincident points)."""
    points = np.asarray(points, dtype=np.float64)[:, :2]
    area = hull_area(points)
    if area <= 0:
        return None
    return (points - points.mean(axis=0)) / math.sqrt(area)


def find_best_frame(source_points: np.ndarray, driving_points: Iterable[np.ndarray | None]) -> int:
    """Index of the driving frame whose normalised landmarks are closest to the source's.

    source_points: (N, 2) (or (N, 3), z ignored) pixel landmarks of the source face;
    driving_points: per driving frame (N, 2) landmarks, or None where no face was found (those
    frames, and degenerate ones, are skipped but still counted in the index). Distance: the sum
    of squared differences of the normalised landmarks. Raises NoFaceError when no driving
    frame has a face.
    """
    source = normalized_landmarks(source_points)
    if source is None:
        raise NoFaceError("the source face landmarks are degenerate", Remedy("best_frame"))
    best_index, best_distance = -1, math.inf
    for index, points in enumerate(driving_points):
        if points is None:
            continue
        driving = normalized_landmarks(points)
        if driving is None:
            continue
        if driving.shape != source.shape:
            raise ValueError(f"driving landmarks {driving.shape} differ from {source.shape}")
        distance = float(np.sum((source - driving) ** 2))
        if distance < best_distance:
            best_index, best_distance = index, distance
    if best_index < 0:
        raise NoFaceError(
            "no face found in any frame of the driving video; the best-frame search needs one",
            Remedy("best_frame"),
        )
    return best_index
