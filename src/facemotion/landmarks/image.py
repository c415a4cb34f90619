"""Landmarks of one still image, retrying harder cases before giving up with a clear error."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

import cv2
import numpy as np

from facemotion.errors import NoFaceError, Remedy
from facemotion.landmarks.faces import choose_index
from facemotion.landmarks.landmarker import FaceObservation
from facemotion.landmarks.rgb import as_rgb_uint8
from facemotion.landmarks.tracker import LandmarkTracker
from facemotion.landmarks.windows import faces_in_windows, merge_faces

CONFIDENCES = (0.5, 0.3, 0.1)  # the detector's threshold, lowered only as a last resort
WINDOW_MIN_CONFIDENCE = 0.3  # measured: at 0.1 a window of the astronaut's helmet is a "face"
SMALL_SIDE_PX = 256  # images whose longer side is at most this are also tried upscaled ...
UPSCALED_SIDE_PX = 512  # ... to this longer side
HUGE_SIDE_PX = 2000  # images whose longer side is at least this are also tried downscaled ...
DOWNSCALED_SIDE_PX = 1024  # ... to this longer side
# Padding by mirroring (of the longer side, on every edge) completes a face cut by the border
# with its own reflection: on the samples, cut through the eyes, its visible points land within
# ~2 px of where the whole image puts them. Constant or replicated borders rarely help.
PAD_FRACTION = 0.15


@dataclass(frozen=True)
class _Variant:
    """A rescaled and padded copy of the image: copy px = image px * scale + offset."""

    image: np.ndarray
    scale_x: float = 1.0
    scale_y: float = 1.0
    offset_px: int = 0

    def to_original(self, points: np.ndarray) -> np.ndarray:
        """(478, 3) px of the copy -> px of the original (z scales with x), in place."""
        points[:, :2] -= self.offset_px
        points /= np.array([self.scale_x, self.scale_y, self.scale_x], dtype=np.float32)
        return points


def detect_image_landmarks(
    image: np.ndarray, *, name: str = "image", face: int | None = None
) -> np.ndarray:
    """(478, 3) float32 pixel landmarks of the face in one image: `detect_image_face`'s."""
    return detect_image_face(image, name=name, face=face).landmarks


def detect_image_face(
    image: np.ndarray, *, name: str = "image", face: int | None = None
) -> FaceObservation:
    """The FaceObservation of the face in one image (IMAGE mode), landmarks in its pixels.

    image: (H, W, 3) uint8 RGB (grey, RGBA, float [0, 1] converted). face: None for the
    largest face, N for the N-th counted left to right (0-based). When the first try finds no
    face: the image upscaled (longer side <= 256 px) or downscaled (>= 2000 px), padded (a face
    cut by the border), both, then square windows of several sizes (a face too small for the
    detector in the whole image: `windows.py`), then the same with a lower detection threshold
    (0.3, 0.1; no windows at 0.1). face=N searches the windows at once: it needs every face.
    The blendshapes do not depend on the copy; the matrix is that of the copy that found it.
    Raises NoFaceError naming `name` when none of these finds the face.
    """
    image = as_rgb_uint8(image)
    for confidence in CONFIDENCES:
        # not at the last-resort threshold, where windows of hair and background pass for faces
        windows = confidence >= WINDOW_MIN_CONFIDENCE
        with LandmarkTracker(static=True, face=face, min_confidence=confidence) as tracker:
            for number, variant in enumerate(_variants(image)):
                found = tracker.faces(variant.image)
                # counting faces from the left needs every face, small ones too; the windows
                # of the image as it is stand for those of its rescaled copies
                if face is not None and windows and number == 0:
                    windowed = faces_in_windows(variant.image, tracker.faces)
                    found = merge_faces(found, windowed, landmarks=lambda seen: seen.landmarks)
                chosen = _chosen(found, variant, image.shape, face)
                if chosen is not None:
                    return chosen
            if face is None and windows:
                # a face too small for the detector in the whole image (a wide or large photo)
                found = faces_in_windows(image, tracker.faces, first_level=True)
                chosen = _chosen(found, _Variant(image), image.shape, face)
                if chosen is not None:
                    return chosen
    tried = "(tried windows, padding, rescaling and a lower threshold)"
    if face is not None:
        # naming --face 0 only helps when another number was asked for
        others = (Remedy("face", 0),) if face else ()
        raise NoFaceError(
            f"no face number {face} (counted left to right from 0) found in {name} {tried}",
            *others,
            Remedy("model", "vox"),
        )
    raise NoFaceError(f"no face found in {name} {tried}", Remedy("model", "vox"))


def _chosen(
    found: list[FaceObservation], variant: _Variant, shape: tuple[int, ...], face: int | None
) -> FaceObservation | None:
    """The requested face of those found in `variant`, its landmarks in the image's pixels."""
    faces = [replace(seen, landmarks=variant.to_original(seen.landmarks)) for seen in found]
    faces = [seen for seen in faces if _inside(seen.landmarks, shape)]
    index = choose_index([seen.landmarks for seen in faces], face)
    return None if index is None else faces[index]


def _variants(image: np.ndarray) -> Iterator[_Variant]:
    """The image as is, rescaled when small or huge, then padded (rescaled first if it was)."""
    original = _Variant(image)
    yield original
    longer = max(image.shape[:2])
    if longer <= SMALL_SIDE_PX:
        upscaled = _rescaled(image, UPSCALED_SIDE_PX / longer, cv2.INTER_CUBIC)
        yield upscaled
        yield _padded(upscaled)
        yield _padded(original)
    elif longer >= HUGE_SIDE_PX:
        downscaled = _rescaled(image, DOWNSCALED_SIDE_PX / longer, cv2.INTER_AREA)
        yield downscaled
        yield _padded(downscaled)  # padding the full-size copy would only cost time
    else:
        yield _padded(original)


def _rescaled(image: np.ndarray, scale: float, interpolation: int) -> _Variant:
    height, width = image.shape[:2]
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    resized = cv2.resize(image, size, interpolation=interpolation)
    return _Variant(np.ascontiguousarray(resized), size[0] / width, size[1] / height)


def _padded(variant: _Variant) -> _Variant:
    pad = max(8, round(PAD_FRACTION * max(variant.image.shape[:2])))
    padded = cv2.copyMakeBorder(variant.image, pad, pad, pad, pad, cv2.BORDER_REFLECT_101)
    return _Variant(padded, variant.scale_x, variant.scale_y, variant.offset_px + pad)


def _inside(points: np.ndarray, shape: tuple[int, ...]) -> bool:
    """Whether a face's box centre is in the image, give or take a quarter of the face.

    Drops the reflections that padding adds of faces near the border; keeps a face cut by the
    border, whose centre stays close to it.
    """
    low, high = points[:, :2].min(axis=0), points[:, :2].max(axis=0)
    centre, margin = (low + high) / 2.0, (high - low) / 4.0
    height, width = shape[:2]
    return bool(np.all(centre >= -margin) and np.all(centre <= np.array([width, height]) + margin))
