"""The square around a face, and blending an animated square back into the full image."""

from __future__ import annotations

import math

import cv2
import numpy as np

from facemotion.io.images import Box


def face_box(
    points: np.ndarray,
    image_shape: tuple[int, ...],
    *,
    scale: float = 1.7,
    lift: float = 0.12,
) -> Box:
    """A square (x0, y0, side) framing a face like the VoxCeleb crops FOMM was trained on.

    points: (N, 2) or (N, 3) landmark pixel coordinates (x right, y down; z is ignored).
    image_shape: (H, W, ...) of the image they were found in.
    The landmark extent (the larger of width and height) fills 1/scale of the side (~60% by
    default) and the square is centred `lift` times that extent above the landmarks' centre,
    leaving room for hair and forehead above and the chin and neck below. The box may reach
    outside the image (crop_to_box pads with edge values; paste_back clips).
    """
    points = np.asarray(points, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] not in (2, 3) or len(points) == 0:
        raise ValueError(f"points must be (N, 2) or (N, 3), got {points.shape}")
    height, width = image_shape[:2]
    low, high = points[:, :2].min(axis=0), points[:, :2].max(axis=0)
    extent = float(max(high - low))
    side = max(2, int(math.ceil(scale * extent)))
    side = min(side, 4 * max(height, width))  # a stray point must not make a gigantic crop
    centre_x = (low[0] + high[0]) / 2
    centre_y = (low[1] + high[1]) / 2 - lift * extent
    return int(round(centre_x - side / 2)), int(round(centre_y - side / 2)), side


def feather_mask(side: int, *, feather: float = 0.15, roundness: float = 4.0) -> np.ndarray:
    """Blend weights (side, side, 1) float32: 1 inside a rounded square, falling smoothly to ~0
    at the square's border.

    The shape is the superellipse |u|^p + |v|^p = 1 (p = roundness; 2 is an ellipse, larger is
    squarer) over pixel centres u, v in (-1, 1); the outer `feather` fraction of the half-side
    is a smoothstep ramp, so the weight never increases from the centre outwards.
    """
    if side < 1:
        raise ValueError(f"side must be positive, got {side}")
    coords = (np.arange(side, dtype=np.float32) + 0.5) / side * 2 - 1
    powered = np.abs(coords) ** roundness
    radius = (powered[:, None] + powered[None, :]) ** (1 / roundness)
    ramp = np.clip((1 - radius) / max(feather, 1e-6), 0, 1)
    mask = ramp * ramp * (3 - 2 * ramp)
    return mask[:, :, None].astype(np.float32)


def resize_frame(frame: np.ndarray, side: int) -> np.ndarray:
    """An (s, s, C) float32 frame resized to (side, side, C): area averaging when shrinking,
    bilinear when enlarging."""
    if frame.shape[0] == side and frame.shape[1] == side:
        return frame
    shrinking = side < frame.shape[0]
    interpolation = cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR
    return cv2.resize(frame, (side, side), interpolation=interpolation)


def paste_back(
    full: np.ndarray, frame: np.ndarray, box: Box, mask: np.ndarray | None = None
) -> np.ndarray:
    """The full image with the animated square blended in over `box`.

    full: (H, W, 3) float32 in [0, 1], or uint8 (the fast path for video output: the result
    is uint8 too and only the box region is converted); left unchanged. frame: (s, s, 3)
    float32 in [0, 1], resized to the box side. box: (x0, y0, side), clipped at the image
    border. mask: feather_mask(side), computed here when not given (pass it to avoid
    recomputing it per frame). Returns a new array shaped and typed like `full`; only the box
    region differs from it.
    """
    x0, y0, side = box
    height, width = full.shape[:2]
    if mask is None:
        mask = feather_mask(side)
    elif mask.shape[:2] != (side, side):
        raise ValueError(f"mask is {mask.shape[:2]}, box side is {side}")
    out = full.copy()
    left, top = max(0, x0), max(0, y0)
    right, bottom = min(width, x0 + side), min(height, y0 + side)
    if right <= left or bottom <= top:
        return out
    inside = (slice(top - y0, bottom - y0), slice(left - x0, right - x0))
    resized = resize_frame(np.asarray(frame, dtype=np.float32), side)
    peak = 255.0 if full.dtype == np.uint8 else 1.0
    background = full[top:bottom, left:right].astype(np.float32)
    blended = resized[inside] * peak if peak != 1.0 else resized[inside].copy()
    blended -= background
    blended *= mask[inside]
    blended += background
    if full.dtype == np.uint8:
        np.clip(blended, 0, 255, out=blended)
        blended += 0.5
    out[top:bottom, left:right] = blended
    return out
