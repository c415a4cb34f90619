"""A solved synthetic capture shared by the export tests: a face that turns and opens its jaw."""

from __future__ import annotations

import numpy as np

from facemotion.landmarks.arkit import INDEX
from facemotion.solver.clip import Solution, SolveOptions, solve
from tests.solver.synthetic_face import FRAME_SIZE, close_right_eye, open_jaw, to_image

FPS = 30000 / 1001
FRAMES = 24


def solved_clip() -> tuple[Solution, np.ndarray]:
    """(solution, times_s) of 24 frames at 29.97 fps."""
    jaw = np.r_[np.zeros(6), np.linspace(0, 18, FRAMES - 6)]
    yaw = np.linspace(-20, 35, FRAMES)
    shapes = [open_jaw(j) for j in jaw]
    shapes[3] = close_right_eye(shapes[3])
    landmarks = np.stack([to_image(s, (y, 8, -4)) for s, y in zip(shapes, yaw, strict=True)])
    times = np.arange(FRAMES) / FPS
    # The scores a learned model would give: the jaw's opening, the right eye's blink.
    scores = np.zeros((FRAMES, 52))
    scores[:, INDEX["jawOpen"]] = jaw / 20.0
    scores[3, INDEX["eyeBlinkRight"]] = 0.9
    options = SolveOptions(neutral=0)
    return solve(landmarks, np.ones(FRAMES, bool), times, FRAME_SIZE, options, scores), times
