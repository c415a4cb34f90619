"""MediaPipe's Face Landmarker (Tasks API, the bundled model) and what it says about one face.

One graph gives, per face: the v2 mesh's 478 landmarks, the learned blendshape model's 52
scores and the facial transformation matrix. `FaceObservation` holds them in this package's
conventions; `open_landmarker` and `open_detector` build the MediaPipe tasks from the bundled
file (its sha256 checked), with their native start-up logging silenced.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from functools import cache
from typing import Protocol

import numpy as np

from facemotion.assets import model_path
from facemotion.errors import ModelError
from facemotion.landmarks.arkit import ARKIT_NAMES, INDEX
from facemotion.landmarks.caller_thread import run_on_caller_thread
from facemotion.landmarks.faces import NUM_POINTS

MODEL = "face_landmarker.task"
DETECTOR_MEMBER = "face_detector.tflite"  # the landmarker's own detector, inside the bundle
BLENDSHAPE_COUNT = len(ARKIT_NAMES)


@dataclass(frozen=True)
class FaceObservation:
    """One face in one frame, or its absence (found False, every array zero).

    landmarks: (478, 3) float32 px: x right, y down, z MediaPipe's normalised depth times the
    image width (negative toward the camera). blendshapes: (52,) float32 in [0, 1], the
    learned model's scores in `ARKIT_NAMES` order (tongueOut, which it lacks, is 0).
    matrix: (4, 4) float32, canonical face model (cm) -> MediaPipe's camera frame (x right,
    y up, z toward the viewer, cm).
    """

    landmarks: np.ndarray
    blendshapes: np.ndarray
    matrix: np.ndarray
    found: bool = True

    @staticmethod
    def missing() -> FaceObservation:
        """The observation of a frame without the face."""
        return FaceObservation(
            np.zeros((NUM_POINTS, 3), np.float32),
            np.zeros(BLENDSHAPE_COUNT, np.float32),
            np.zeros((4, 4), np.float32),
            found=False,
        )


class FaceObserver(Protocol):
    """What observes a face frame after frame (`LandmarkTracker`, or a stand-in)."""

    def observe(self, frame: np.ndarray, time_s: float | None = None) -> FaceObservation:
        """The face in `frame` (H, W, 3) uint8 RGB at `time_s` seconds."""
        ...

    def close(self) -> None:
        """Free what it holds."""
        ...


def _tasks():
    from mediapipe.tasks.python import BaseOptions, vision

    return BaseOptions, vision


def open_landmarker(*, video: bool, faces: int, min_confidence: float):
    """A MediaPipe FaceLandmarker on the bundled model (VIDEO mode if `video`, else IMAGE),
    with blendshapes and transformation matrices on. The caller closes it. Raises ModelError
    when the bundled file is missing or corrupt."""
    base_options, vision = _tasks()
    options = vision.FaceLandmarkerOptions(
        base_options=base_options(model_asset_path=str(model_path(MODEL))),
        running_mode=vision.RunningMode.VIDEO if video else vision.RunningMode.IMAGE,
        num_faces=faces,
        min_face_detection_confidence=min_confidence,
        min_face_presence_confidence=0.5,
        min_tracking_confidence=0.5,
        output_face_blendshapes=True,
        output_facial_transformation_matrixes=True,
    )
    try:
        return run_on_caller_thread(vision.FaceLandmarker.create_from_options(options))
    except (RuntimeError, ValueError) as exc:
        raise ModelError(f"cannot load {model_path(MODEL)}: {exc}") from exc


def open_detector(min_confidence: float):
    """A MediaPipe FaceDetector (IMAGE mode) on the detector inside the bundle, for counting
    faces. The caller closes it."""
    base_options, vision = _tasks()
    options = vision.FaceDetectorOptions(
        base_options=base_options(model_asset_buffer=_detector_bytes()),
        min_detection_confidence=min_confidence,
    )
    return run_on_caller_thread(vision.FaceDetector.create_from_options(options))


@cache
def _detector_bytes() -> bytes:
    path = model_path(MODEL)
    try:
        with zipfile.ZipFile(path) as bundle:
            return bundle.read(DETECTOR_MEMBER)
    except (zipfile.BadZipFile, KeyError) as exc:
        raise ModelError(f"{path} has no {DETECTOR_MEMBER}: {exc}") from exc


def mp_image(image: np.ndarray):
    """A MediaPipe SRGB Image over an (H, W, 3) uint8 C-contiguous array."""
    import mediapipe as mp

    return mp.Image(image_format=mp.ImageFormat.SRGB, data=image)


def observations(result, width: int, height: int) -> list[FaceObservation]:
    """Every face of a FaceLandmarkerResult, in MediaPipe's order, as FaceObservations."""
    scale = np.array([width, height, width], dtype=np.float32)
    faces = []
    for k, landmarks in enumerate(result.face_landmarks):
        points = np.array([(p.x, p.y, p.z) for p in landmarks], dtype=np.float32) * scale
        scores = np.zeros(BLENDSHAPE_COUNT, np.float32)
        if k < len(result.face_blendshapes):
            for category in result.face_blendshapes[k]:
                where = INDEX.get(category.category_name)
                if where is not None:  # "_neutral" has no ARKit counterpart
                    scores[where] = category.score
        matrix = np.zeros((4, 4), np.float32)
        if k < len(result.facial_transformation_matrixes):
            matrix = np.asarray(result.facial_transformation_matrixes[k], dtype=np.float32)
        faces.append(FaceObservation(points, np.clip(scores, 0.0, 1.0), matrix))
    return faces
