"""Baselines shared by the benchmarks: MediaPipe's Face Landmarker on its own."""

from __future__ import annotations

import time

import numpy as np


def raw_landmarker_scores(frames: list[np.ndarray], fps: float = 30.0) -> np.ndarray:
    """(T, 52) the bare Face Landmarker's blendshape scores (VIDEO mode, one face), mapped to
    ARKit order by name (tongueOut 0; frames without a face NaN)."""
    from facemotion.landmarks.arkit import INDEX

    scores = np.full((len(frames), len(INDEX)), np.nan)
    with _landmarker() as landmarker:
        for t, frame in enumerate(frames):
            result = landmarker.detect_for_video(_image(frame), round(t * 1000 / fps))
            if result.face_blendshapes:
                scores[t] = 0.0
                for category in result.face_blendshapes[0]:
                    if category.category_name in INDEX:
                        scores[t, INDEX[category.category_name]] = category.score
    return scores


def raw_landmarker_seconds(frames: list[np.ndarray], read: bool = True) -> float:
    """Seconds for MediaPipe's Face Landmarker alone (the bundled model, VIDEO mode, one face,
    blendshapes and matrix on) on `frames`, each (H, W, 3) uint8 RGB; with `read`, each
    result's landmarks are turned into a (478, 3) pixel array the plain way (a Python loop
    over the points), as a caller of MediaPipe would."""
    started = time.perf_counter()
    with _landmarker() as landmarker:
        for t, frame in enumerate(frames):
            height, width = frame.shape[:2]
            result = landmarker.detect_for_video(_image(frame), t * 33)
            if read and result.face_landmarks:
                points = result.face_landmarks[0]
                np.array([(p.x * width, p.y * height, p.z * width) for p in points], np.float32)
    return time.perf_counter() - started


def _image(frame: np.ndarray):
    import mediapipe as mp

    return mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(frame))


def _landmarker():
    from mediapipe.tasks.python import BaseOptions, vision

    from facemotion.assets import model_path

    options = vision.FaceLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(model_path("face_landmarker.task"))),
        running_mode=vision.RunningMode.VIDEO,
        num_faces=1,
        output_face_blendshapes=True,
        output_facial_transformation_matrixes=True,
    )
    return vision.FaceLandmarker.create_from_options(options)
