"""Head pose from 3D face landmarks: a rigid fit of the stable points against a reference shape.

Frames. MediaPipe landmarks come in image axes: x right and y down in pixels, z (MediaPipe z
times the frame width) growing away from the camera. Everything here works in the *camera
frame* of ARKit, OpenGL and glTF instead: x to the image right, y up, z toward the viewer, so a
face in front of the camera has z < 0. The *head frame* is the same frame attached to the
subject's face in its neutral, frontal pose: x to the subject's left, y up, z out of the face.

Rotation `R` (3, 3) maps head-frame directions to camera-frame ones. Angles are
`Rotation.from_matrix(R).as_euler("YXZ", degrees=True)`: intrinsic yaw about y, then pitch
about the new x, then roll about the new z, each right-handed: yaw > 0 turns the face toward the
image right (the subject's left), pitch > 0 tips the chin down, roll > 0 tilts the head toward
the subject's right shoulder (counter-clockwise in the image). Pitch stays inside (-90°, 90°) for
any head pose a neck allows, so yaw and roll never flip.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.spatial.transform import Rotation

from facemotion.landmarks.topology import eye_centres

# Points that move with the skull but not with the expression: forehead, nose bridge,
# cheekbones and temples. Mouth, lids and brows are left out on purpose.
STABLE_POINTS: tuple[int, ...] = (
    # forehead
    10, 151, 9, 108, 337, 109, 338, 67, 297, 69, 299,
    # nose bridge
    8, 168, 6, 197, 195,
    # cheekbones
    116, 345, 117, 346, 123, 352, 50, 280, 101, 330,
    # temples and the sides of the face
    234, 454, 127, 356, 93, 323,
)  # fmt: skip

# Pairs (subject's right, subject's left) whose differences give the head's left-right axis.
SYMMETRIC_PAIRS: tuple[tuple[int, int], ...] = (
    (234, 454),
    (127, 356),
    (93, 323),
    (116, 345),
    (123, 352),
    (33, 263),
    (133, 362),
    (50, 280),
    (109, 338),
    (67, 297),
)
CHIN, FOREHEAD_TOP = 152, 10

DEFAULT_IPD_CM = 6.3
DEFAULT_FOV_DEG = 60.0


@dataclass(frozen=True)
class HeadPose:
    """Per-frame head pose of T frames.

    rotation: (T, 3, 3) head frame -> camera frame. angles_deg: (T, 3) yaw, pitch, roll in
    degrees (see the module docstring), unwrapped so they are continuous. translation_cm:
    (T, 3) position of the point between the eyes in the camera frame, cm. scale: (T,) pixels
    per centimetre at the face. head_landmarks: (T, N, 3) the landmarks in the head frame, cm,
    with the point between the neutral eyes at the origin (pose removed).
    """

    rotation: np.ndarray
    angles_deg: np.ndarray
    translation_cm: np.ndarray
    scale: np.ndarray
    head_landmarks: np.ndarray


def to_camera_frame(landmarks: np.ndarray) -> np.ndarray:
    """(..., N, 3) image-axis landmarks (x right, y down, z away) -> camera frame (y up, z near)."""
    return np.asarray(landmarks, dtype=np.float64) * np.array([1.0, -1.0, -1.0])


def head_axes(shape: np.ndarray) -> np.ndarray:
    """The head frame's axes of one neutral camera-frame shape (N, 3): (3, 3), columns x, y, z.

    x is the mean right-to-left vector of symmetric point pairs (cheekbones, temples, eye
    corners); y runs from the chin (152) to the top of the forehead (10), the facial profile
    line that is vertical in a frontal portrait, made orthogonal to x; z = x cross y points out
    of the face. The chin is usable because the shape is a neutral one, mouth closed.
    """
    pairs = np.array(SYMMETRIC_PAIRS)
    across = (shape[pairs[:, 1]] - shape[pairs[:, 0]]).mean(axis=0)
    x_axis = across / np.linalg.norm(across)
    up = shape[FOREHEAD_TOP] - shape[CHIN]
    up -= x_axis * (up @ x_axis)
    y_axis = up / np.linalg.norm(up)
    return np.stack([x_axis, y_axis, np.cross(x_axis, y_axis)], axis=1)


def reference_shape(neutral: np.ndarray, ipd_cm: float = DEFAULT_IPD_CM) -> np.ndarray:
    """A frontal reference (N, 3) in cm, head frame, from neutral landmarks (N, 3) in image axes.

    The shape is rotated into its own head axes (`head_axes`), centred on the point between the
    eyes and scaled so the eyes are `ipd_cm` apart.
    """
    shape = to_camera_frame(neutral)
    if not np.isfinite(shape).all():
        raise ValueError("the neutral landmarks contain NaN points")
    right, left = eye_centres(shape)
    centre = (right + left) / 2
    scale = ipd_cm / np.linalg.norm(left - right)
    return (shape - centre) @ head_axes(shape) * scale


def similarity_fit(source: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, ...]:
    """Least-squares similarity `target ~ s R source + t` (Umeyama 1991), batched over frames.

    source: (K, 3); target: (T, K, 3). Returns R (T, 3, 3) with det +1, s (T,), t (T, 3).
    """
    source_mean = source.mean(axis=0)
    target_mean = target.mean(axis=1)
    source_centred = source - source_mean
    target_centred = target - target_mean[:, None]
    covariance = np.einsum("tki,kj->tij", target_centred, source_centred) / len(source)
    u, sigma, vt = np.linalg.svd(covariance)
    # Flip the weakest axis where the best orthogonal fit is a reflection.
    sign = np.sign(np.linalg.det(u @ vt))
    sign[sign == 0] = 1.0
    d = np.ones((len(target), 3))
    d[:, 2] = sign
    rotation = u @ (d[:, :, None] * vt)
    variance = (source_centred**2).sum() / len(source)
    scale = (sigma * d).sum(axis=1) / variance
    translation = target_mean - scale[:, None] * np.einsum("tij,j->ti", rotation, source_mean)
    return rotation, scale, translation


def euler_angles(rotation: np.ndarray) -> np.ndarray:
    """(T, 3, 3) -> (T, 3) yaw, pitch, roll in degrees (module convention), unwrapped in time."""
    angles = Rotation.from_matrix(rotation).as_euler("YXZ", degrees=True)
    return np.rad2deg(np.unwrap(np.deg2rad(angles), axis=0))


def rotation_from_angles(angles_deg: np.ndarray) -> np.ndarray:
    """(T, 3) yaw, pitch, roll in degrees -> (T, 3, 3); the inverse of `euler_angles`."""
    return Rotation.from_euler("YXZ", angles_deg, degrees=True).as_matrix()


def focal_length_px(width: int, fov_deg: float = DEFAULT_FOV_DEG) -> float:
    """Focal length in pixels of a pinhole camera whose horizontal field of view is `fov_deg`."""
    return (width / 2) / math.tan(math.radians(fov_deg) / 2)


def estimate_pose(
    landmarks: np.ndarray,
    reference: np.ndarray,
    frame_size: tuple[int, int],
    *,
    fov_deg: float = DEFAULT_FOV_DEG,
) -> HeadPose:
    """Head pose of every frame from its landmarks against a `reference_shape`.

    landmarks: (T, N, 3) image axes in pixels, finite (fill gaps first). reference: (N, 3) cm,
    head frame. frame_size: (height, width) in pixels. The fit is weak-perspective (the
    landmarks are an orthographic reconstruction), so depth comes from the scale: a face whose
    eyes are `ipd` apart spans `focal * ipd / distance` pixels.
    """
    if landmarks.ndim != 3 or landmarks.shape[1:] != reference.shape:
        raise ValueError(
            f"landmarks {landmarks.shape} do not match the reference {reference.shape}"
        )
    camera = to_camera_frame(landmarks)
    stable = list(STABLE_POINTS)
    rotation, scale, shift = similarity_fit(reference[stable], camera[:, stable])
    # The reference origin (between the eyes) lands at `shift` in camera-frame pixels.
    height, width = frame_size
    focal = focal_length_px(width, fov_deg)
    depth_cm = focal / scale
    principal = np.array([width / 2, -height / 2])
    translation = np.empty_like(shift)
    translation[:, :2] = (shift[:, :2] - principal) * (depth_cm / focal)[:, None]
    translation[:, 2] = -depth_cm
    head = np.einsum("tji,tnj->tni", rotation, camera - shift[:, None]) / scale[:, None, None]
    return HeadPose(
        rotation=rotation,
        angles_deg=euler_angles(rotation),
        translation_cm=translation,
        scale=scale,
        head_landmarks=head,
    )
