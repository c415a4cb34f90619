"""FOMM's best-frame search on synthetic landmarks."""

from __future__ import annotations

import numpy as np
import pytest

from facemotion.errors import NoFaceError
from facemotion.motion.best_frame import find_best_frame, normalized_landmarks


def face(rng: np.random.Generator, count: int = 40) -> np.ndarray:
    return rng.uniform(0, 1, size=(count, 2))


def similar(points: np.ndarray, scale: float, shift: tuple[float, float]) -> np.ndarray:
    return points * scale + np.asarray(shift)


def test_normalisation_removes_translation_and_scale():
    points = face(np.random.default_rng(1))
    moved = similar(points, 7, (3, -2))
    assert np.allclose(normalized_landmarks(points), normalized_landmarks(moved))
    assert normalized_landmarks(np.zeros((5, 2))) is None


def test_planted_frame_is_found_whatever_its_scale_and_position():
    rng = np.random.default_rng(0)
    source = face(rng)
    driving = [face(rng) for _ in range(9)]
    driving[6] = similar(source + rng.normal(0, 0.01, source.shape), 300, (120, 80))
    assert find_best_frame(source, driving) == 6
    assert find_best_frame(np.c_[source, np.ones(len(source))], iter(driving)) == 6


def test_frames_without_a_face_are_skipped_but_counted():
    rng = np.random.default_rng(2)
    source = face(rng)
    driving = [None, face(rng), None, similar(source, 2, (1, 1)), None]
    assert find_best_frame(source, driving) == 3
    assert find_best_frame(source, [None, None, source]) == 2


def test_no_face_anywhere_is_a_no_face_error():
    source = face(np.random.default_rng(3))
    with pytest.raises(NoFaceError, match="no face"):
        find_best_frame(source, [None, None])
    with pytest.raises(NoFaceError):
        find_best_frame(source, [])
