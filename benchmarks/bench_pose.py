"""Head pose: the rigid fit (`solver/pose.py`) against the Face Landmarker's transformation
matrix, on known rotations and on still and moving faces.

Figures (degrees):
- pose_roll_error_deg_fit / _matrix: the shipped portraits (astronaut, Grace Hopper) turned in
  the image plane by -30..30 degrees (a known roll), each frame on its own (IMAGE mode): mean
  absolute error of the roll change against the turn, plus the yaw and pitch changes (which
  should be 0).
- pose_still_jitter_deg_fit / _matrix: a still portrait with fresh sensor-like noise
  (sigma 3 of 255) on every frame, tracked (VIDEO mode) for 60 frames: the mean over yaw, pitch
  and roll of their standard deviation.
- pose_clip_jitter_deg_fit / _matrix: carphone, tracked: the RMS of the angles' second
  difference (frame to frame roughness; the head moves, so this is not all noise).
No smoothing on either side; the rigid fit uses the first frame as its neutral face.
"""

from __future__ import annotations

import cv2
import numpy as np

from facemotion.assets import sample_path
from facemotion.io.images import load_image
from facemotion.landmarks import LandmarkTracker, observe_faces
from facemotion.solver.pose import estimate_pose, euler_angles, reference_shape

TURNS_DEG = (-30, -20, -10, 0, 10, 20, 30)


def _matrix_angles(matrices: np.ndarray) -> np.ndarray:
    """(T, 3) yaw, pitch, roll of (T, 4, 4) transformation matrices (rotation part, scale out)."""
    rotation = matrices[:, :3, :3].astype(np.float64)
    rotation /= np.cbrt(np.linalg.det(rotation))[:, None, None]
    # Nearest rotation (the matrix is a similarity up to float error).
    u, _, vt = np.linalg.svd(rotation)
    return euler_angles(u @ vt)


def _fit_angles(landmarks: np.ndarray, frame_size: tuple[int, int]) -> np.ndarray:
    reference = reference_shape(landmarks[0])
    return estimate_pose(landmarks, reference, frame_size).angles_deg


def _portrait(name: str) -> np.ndarray:
    image = np.asarray(load_image(sample_path(name)))
    return image if image.dtype == np.uint8 else np.rint(image * 255).astype(np.uint8)


def _turned(image: np.ndarray, degrees: float) -> np.ndarray:
    height, width = image.shape[:2]
    # cv2's positive angle turns the picture counter-clockwise: the head's roll > 0.
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    return cv2.warpAffine(image, matrix, (width, height), borderMode=cv2.BORDER_REFLECT_101)


def _roll_errors() -> tuple[float, float]:
    errors = {"fit": [], "matrix": []}
    for name in ("astronaut.png", "grace_hopper.jpg"):
        image = _portrait(name)
        frames = [_turned(image, turn) for turn in TURNS_DEG]
        seen = list(observe_faces(frames, static=True))
        landmarks = np.stack([o.landmarks for o in seen])
        truth = np.array([[0.0, 0.0, turn] for turn in TURNS_DEG])
        zero = TURNS_DEG.index(0)
        for key, angles in (
            ("fit", _fit_angles(landmarks[[zero, *range(len(frames))]], image.shape[:2])[1:]),
            ("matrix", _matrix_angles(np.stack([o.matrix for o in seen]))),
        ):
            change = angles - angles[zero]
            errors[key].append(np.abs(change - truth).mean())
    return float(np.mean(errors["fit"])), float(np.mean(errors["matrix"]))


def _still_jitter() -> tuple[float, float]:
    rng = np.random.default_rng(0)
    image = _portrait("grace_hopper.jpg").astype(np.float32)
    frames = [
        np.clip(image + rng.normal(0, 3.0, image.shape), 0, 255).astype(np.uint8) for _ in range(60)
    ]
    return _tracked_spread(frames, lambda a: a.std(axis=0).mean())


def _clip_jitter() -> tuple[float, float]:
    from facemotion.io.video import VideoReader

    with VideoReader(sample_path("carphone.mp4")) as reader:
        frames = [np.asarray(frame) for frame in reader]
    return _tracked_spread(frames, lambda a: float(np.sqrt((np.diff(a, 2, axis=0) ** 2).mean())))


def _tracked_spread(frames, spread) -> tuple[float, float]:
    with LandmarkTracker() as tracker:
        seen = [tracker.observe(frame, t / 30.0) for t, frame in enumerate(frames)]
    landmarks = np.stack([o.landmarks for o in seen])
    fit = _fit_angles(landmarks, frames[0].shape[:2])
    matrix = _matrix_angles(np.stack([o.matrix for o in seen]))
    return float(spread(fit)), float(spread(matrix))


def run() -> dict[str, float]:
    roll_fit, roll_matrix = _roll_errors()
    still_fit, still_matrix = _still_jitter()
    clip_fit, clip_matrix = _clip_jitter()
    figures = {
        "pose_roll_error_deg_fit": roll_fit,
        "pose_roll_error_deg_matrix": roll_matrix,
        "pose_still_jitter_deg_fit": still_fit,
        "pose_still_jitter_deg_matrix": still_matrix,
        "pose_clip_jitter_deg_fit": clip_fit,
        "pose_clip_jitter_deg_matrix": clip_matrix,
    }
    print(f"{'figure':32s} {'value':>10s}")
    for key, value in figures.items():
        print(f"{key:32s} {value:10.3f}")
    print(
        f"rigid fit / matrix: roll error {roll_fit / roll_matrix:.2f}x, still jitter "
        f"{still_fit / still_matrix:.2f}x, clip roughness {clip_fit / clip_matrix:.2f}x"
    )
    return figures
