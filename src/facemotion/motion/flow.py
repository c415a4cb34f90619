"""The motion of the driving video around the face (shoulders, hair, camera), from dense
optical flow between the current frame and the reference one.

Landmarks say nothing about the body or the background; a coarse, smoothed DIS optical flow
(Kroeger et al., "Fast Optical Flow using Dense Inverse Search", ECCV 2016, as OpenCV ships
it) on a small grey copy of the frames does, for about a millisecond a frame. The face itself
stays with the landmark mesh: the two maps are blended with a feathered mask of the face.
"""

from __future__ import annotations

import cv2
import numpy as np

from facemotion.motion.similarity import Similarity

_SUBPIXEL_BITS = 4
_BLUR_SAMPLES_PER_SIGMA = 4  # the coarsest grid a wide blur is done on, in samples per sigma


def _grey(frame: np.ndarray, side: int) -> tuple[np.ndarray, float]:
    """A grey uint8 copy of frame (H, W, 3) uint8 whose longer side is at most `side`, and its
    scale (small / original)."""
    height, width = frame.shape[:2]
    scale = min(1.0, side / max(height, width))
    grey = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)
    if scale < 1.0:
        size = (max(8, round(width * scale)), max(8, round(height * scale)))
        grey = cv2.resize(grey, size, interpolation=cv2.INTER_AREA)
        scale = size[0] / width
    return grey, scale


class DrivingFlow:
    """Backward optical flow from driving frames to a reference driving frame, smoothed.

    reference: (H, W, 3) uint8. side: the longer side the flow is computed at. smoothing:
    the Gaussian blur of the flow as a fraction of that side (keeps the large-scale motion,
    drops the noise that would make a still background shimmer). preset: OpenCV's DIS preset
    (0 ultrafast, 1 fast, 2 medium); finest_scale: the finest
    pyramid level it refines to (0 is full resolution; each level halves it).
    """

    def __init__(
        self,
        reference: np.ndarray,
        side: int = 176,
        smoothing: float = 0.025,
        preset: int = 0,
        finest_scale: int = 1,
    ) -> None:
        self._side = side
        self._reference, self._scale = _grey(reference, side)
        self._sigma = smoothing * max(self._reference.shape)
        self._dis = cv2.DISOpticalFlow_create(preset)
        self._dis.setFinestScale(finest_scale)
        self._field: np.ndarray | None = None

    def update(self, frame: np.ndarray) -> None:
        """Flow from frame (H, W, 3) uint8 back to the reference: frame(x) ~ reference(x + f)."""
        grey, _ = _grey(frame, self._side)
        if grey.shape != self._reference.shape:
            grey = cv2.resize(grey, self._reference.shape[::-1], interpolation=cv2.INTER_AREA)
        field = self._dis.calc(grey, self._reference, None)
        self._field = cv2.GaussianBlur(field, (0, 0), self._sigma)

    def source_map(
        self,
        coarse_shape: tuple[int, int],
        step: int,
        to_source: Similarity,
        vector_scale: float,
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """The backward map the flow implies for the source, at the grid of `coarse_map`.

        to_source: the similarity from driving pixels to source pixels; vector_scale: how much
        a driving displacement grows in the source (with the similarity's rotation). Returns
        (map_x, map_y) (h, w) float64 pixel indices, or None before the first `update`.
        """
        if self._field is None:
            return None
        height, width = coarse_shape
        offset = (step - 1) / 2 + 0.5
        # Coarse sample index -> source pixel -> driving pixel -> flow-field index.
        inverse = np.eye(3)
        inverse[:2, :2] = to_source.rotation.T / to_source.scale
        inverse[:2, 2] = -inverse[:2, :2] @ to_source.translation
        grid_to_source = np.array([[step, 0.0, offset], [0.0, step, offset], [0.0, 0.0, 1.0]])
        small = np.array([[self._scale, 0.0, -0.5], [0.0, self._scale, -0.5], [0.0, 0.0, 1.0]])
        matrix = (small @ inverse @ grid_to_source)[:2]
        field = cv2.warpAffine(
            self._field,
            matrix,
            (width, height),
            flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
            borderMode=cv2.BORDER_REPLICATE,
        ).astype(np.float64)
        # Flow vectors are in flow-field pixels: back to driving pixels, then into the source.
        linear = to_source.rotation * (vector_scale / self._scale)
        ys = np.arange(height, dtype=np.float64)[:, None] * step + (step - 1) / 2
        xs = np.arange(width, dtype=np.float64)[None, :] * step + (step - 1) / 2
        map_x = xs + linear[0, 0] * field[..., 0] + linear[0, 1] * field[..., 1]
        map_y = ys + linear[1, 0] * field[..., 0] + linear[1, 1] * field[..., 1]
        return map_x, map_y


def face_weight(
    oval: np.ndarray, coarse_shape: tuple[int, int], step: int, feather: float
) -> np.ndarray:
    """1 inside the target face oval (N, 2) pixels, falling smoothly to 0 outside it, over
    `feather` oval radii, sampled at the grid of `coarse_map`: (h, w) float32."""
    corners = (oval - 0.5 - (step - 1) / 2) / step
    center = corners.mean(axis=0)
    radius = float(np.sqrt(np.mean(np.sum((corners - center) ** 2, axis=1))))
    sigma = max(feather * radius / 2, 0.5)
    # Grow the polygon by one sigma so the blur's half-way line sits outside the oval.
    grown = center + (corners - center) * (1 + 2 * sigma / max(radius, 1e-6))
    mask = np.zeros(coarse_shape, dtype=np.float32)
    points = np.round(grown * (1 << _SUBPIXEL_BITS)).astype(np.int32)
    cv2.fillPoly(mask, [points], 1.0, lineType=cv2.LINE_AA, shift=_SUBPIXEL_BITS)
    # A wide blur (relative mode: sigma ~ 30 samples) is done on the mask averaged down to a
    # grid `shrink` times coarser and brought back bilinearly: the blurred weight is smooth at
    # that scale, and a blur's cost grows with its kernel (at full size it took ~0.8 ms of a
    # frame's ~11).
    shrink = max(1, int(sigma // _BLUR_SAMPLES_PER_SIGMA))
    if shrink == 1:
        return cv2.GaussianBlur(mask, (0, 0), sigma)
    height, width = coarse_shape
    small = (-(-height // shrink), -(-width // shrink))
    # Mirrored beyond the edge as GaussianBlur's border is (an oval reaching out of the image
    # goes on there).
    padding = ((0, small[0] * shrink - height), (0, small[1] * shrink - width))
    padded = np.pad(mask, padding, mode="reflect") if height > 1 and width > 1 else mask
    averaged = cv2.resize(padded, (small[1], small[0]), interpolation=cv2.INTER_AREA)
    weight = cv2.GaussianBlur(averaged, (0, 0), sigma / shrink)
    big = cv2.resize(weight, (padded.shape[1], padded.shape[0]), interpolation=cv2.INTER_LINEAR)
    return np.ascontiguousarray(big[:height, :width])


def occluded_weight(face_mask: np.ndarray, map_x: np.ndarray, map_y: np.ndarray) -> np.ndarray:
    """Where a flow map samples the source's face: face_mask (H, W) float32 of the source
    face, maps (h, w) pixel indices -> (h, w) float32 in [0, 1]. Outside the target face such
    samples would duplicate the face (background uncovered by a moving head is not in the
    source); the mesh warp, which stretches the surroundings instead, takes over there."""
    return cv2.remap(
        face_mask,
        map_x.astype(np.float32),
        map_y.astype(np.float32),
        cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=0.0,
    )
