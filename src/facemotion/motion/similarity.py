"""2-D similarity transforms (rotation, uniform scale, translation) and their least-squares fit."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Similarity:
    """x -> scale * rotation @ x + translation, for points (N, 2)."""

    scale: float
    rotation: np.ndarray  # (2, 2), orthonormal with determinant +1
    translation: np.ndarray  # (2,)

    def __call__(self, points: np.ndarray) -> np.ndarray:
        """Apply to points (N, 2) -> (N, 2)."""
        return self.scale * points @ self.rotation.T + self.translation

    @property
    def matrix(self) -> np.ndarray:
        """The (2, 3) affine matrix, as cv2.warpAffine takes it."""
        return np.hstack([self.scale * self.rotation, self.translation[:, None]])

    @classmethod
    def identity(cls) -> Similarity:
        return cls(1.0, np.eye(2), np.zeros(2))


def fit_similarity(source: np.ndarray, target: np.ndarray) -> Similarity:
    """The similarity that best maps source (N, 2) onto target (N, 2) in least squares.

    Umeyama, "Least-squares estimation of transformation parameters between two point
    patterns", PAMI 1991, with the reflection excluded. Degenerate input gives the identity
    rotation and scale with the centroid shift.
    """
    source = np.asarray(source, dtype=np.float64)
    target = np.asarray(target, dtype=np.float64)
    source_mean, target_mean = source.mean(axis=0), target.mean(axis=0)
    source_centered, target_centered = source - source_mean, target - target_mean
    variance = float((source_centered**2).sum()) / len(source)
    if variance <= 1e-12:
        return Similarity(1.0, np.eye(2), target_mean - source_mean)
    covariance = target_centered.T @ source_centered / len(source)
    u, singular, vt = np.linalg.svd(covariance)
    sign = np.diag([1.0, np.sign(np.linalg.det(u @ vt)) or 1.0])
    rotation = u @ sign @ vt
    scale = float(np.trace(np.diag(singular) @ sign)) / variance
    return Similarity(scale, rotation, target_mean - scale * source_mean @ rotation.T)
