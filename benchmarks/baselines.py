"""Baselines shared by the benchmarks: MediaPipe FaceMesh on its own."""

from __future__ import annotations

import time

import numpy as np


def raw_mediapipe_seconds(frames: list[np.ndarray], read: bool = True) -> float:
    """Seconds for MediaPipe FaceMesh alone (tracking, refined, 478 points, one face) on
    `frames`, each (H, W, 3) uint8 RGB; with `read`, each result is turned into a (478, 3)
    pixel array the plain way (a Python loop over the points), as a caller of MediaPipe would."""
    from mediapipe.python.solutions.face_mesh import FaceMesh

    started = time.perf_counter()
    with FaceMesh(refine_landmarks=True, max_num_faces=1) as mesh:
        for frame in frames:
            height, width = frame.shape[:2]
            result = mesh.process(frame)
            if read and result.multi_face_landmarks:
                points = result.multi_face_landmarks[0].landmark
                np.array([(p.x * width, p.y * height, p.z * width) for p in points], np.float32)
    return time.perf_counter() - started
