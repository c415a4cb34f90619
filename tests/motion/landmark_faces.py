"""Synthetic landmark sets and textured images for the landmark-model tests."""

from __future__ import annotations

import cv2
import numpy as np

from tests.solver.synthetic_face import NEUTRAL_CM, open_jaw, to_image

SIZE = 160
CLOSING_DEGREES = -6.0  # the jaw turn that brings the synthetic face's inner lips together


def face_landmarks(size: int = SIZE, face=NEUTRAL_CM, **pose) -> np.ndarray:
    """(478, 3) pixel landmarks of the synthetic face, centred in a size x size image."""
    pose.setdefault("centre_px", (size / 2, size / 2 + size * 0.05))
    pose.setdefault("px_per_cm", size / 28)
    return to_image(face, **pose).astype(np.float64)


def open_mouth_landmarks(size: int = SIZE, degrees: float = 14.0, **pose) -> np.ndarray:
    return face_landmarks(size, open_jaw(degrees), **pose)


def closed_mouth_landmarks(size: int = SIZE, **pose) -> np.ndarray:
    """The synthetic face with its lips together (its neutral mesh has them ~0.9 cm apart)."""
    return face_landmarks(size, open_jaw(CLOSING_DEGREES), **pose)


def textured_image(size: int = SIZE, seed: int = 0) -> np.ndarray:
    """(size, size, 3) float32 smooth random texture in [0, 1] (no flat areas)."""
    rng = np.random.default_rng(seed)
    coarse = rng.random((size // 8, size // 8, 3)).astype(np.float32)
    image = cv2.resize(coarse, (size, size), interpolation=cv2.INTER_CUBIC)
    return np.clip(image, 0.0, 1.0)


# Each eye's opening as a closed loop: outer corner, upper lid rim, inner corner, lower lid rim
# back (MediaPipe's indices, written out here so that the tests judge the output by their own
# geometry, not by facemotion's).
RIGHT_EYE_LOOP = (33, 246, 161, 160, 159, 158, 157, 173, 133, 155, 154, 153, 145, 144, 163, 7)
LEFT_EYE_LOOP = (263, 466, 388, 387, 386, 385, 384, 398, 362, 382, 381, 380, 374, 373, 390, 249)


def with_white_eyes(image: np.ndarray, points: np.ndarray) -> np.ndarray:
    """(H, W, 3) float32: the image with each eye's opening between its lids painted white."""
    painted = image.copy()
    for loop in (RIGHT_EYE_LOOP, LEFT_EYE_LOOP):
        polygon = np.round(points[list(loop), :2] * 16).astype(np.int32)
        cv2.fillPoly(painted, [polygon], (1.0, 1.0, 1.0), lineType=cv2.LINE_AA, shift=4)
    return painted


def white_pixels(image: np.ndarray, points: np.ndarray, loop: tuple[int, ...]) -> int:
    """How many pixels near one eye (the box of its loop in `points`, 4 px wider each way) are
    nearly white: how open the painted eye is."""
    rim = points[list(loop), :2]
    (x0, y0), (x1, y1) = rim.min(axis=0).astype(int) - 4, rim.max(axis=0).astype(int) + 5
    return int((image[y0:y1, x0:x1].min(axis=-1) > 0.9).sum())


class ScriptedTracker:
    """Stands in for LandmarkTracker: returns the given (points, found) pairs in turn, and
    the given blendshape scores (52,) of each frame (none by default)."""

    def __init__(
        self, script: list[tuple[np.ndarray, bool]], scores: list[np.ndarray] | None = None
    ) -> None:
        self.script = list(script)
        self.scores = scores
        self.calls = 0
        self.closed = False

    def __call__(self, frame: np.ndarray) -> tuple[np.ndarray, bool]:
        points, found = self.script[min(self.calls, len(self.script) - 1)]
        self.calls += 1
        return np.asarray(points, np.float32), found

    def blendshapes(self) -> np.ndarray | None:
        if self.scores is None:
            return None
        return self.scores[min(self.calls - 1, len(self.scores) - 1)]

    def close(self) -> None:
        self.closed = True
