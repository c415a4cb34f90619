"""Bring any image array to what MediaPipe reads: (H, W, 3) uint8 RGB, C-contiguous."""

from __future__ import annotations

import numpy as np

from facemotion.errors import InputError
from facemotion.io.images import as_uint8_image


def as_rgb_uint8(image: np.ndarray) -> np.ndarray:
    """(H, W, 3) uint8 RGB, C-contiguous; returns `image` itself when it already is one.

    image: (H, W, 3) RGB, (H, W, 4) RGBA (composited over white), (H, W) or (H, W, 1) grey;
    uint8, uint16 (scaled down), bool, or float in [0, 1] (clipped). Raises InputError on
    any other shape or an empty image.
    """
    image = np.asarray(image)
    if image.ndim == 3 and image.shape[2] == 3 and image.dtype == np.uint8 and image.size:
        return np.ascontiguousarray(image)
    if image.ndim == 2:
        image = image[:, :, None]
    if image.ndim != 3 or image.shape[2] not in (1, 3, 4) or 0 in image.shape:
        raise InputError(
            f"expected an (H, W, 3) RGB image, got an array of shape {image.shape}; "
            "pass a colour or greyscale image"
        )
    if image.dtype != np.uint8:
        image = as_uint8_image(image)
    if image.shape[2] == 4:
        alpha = image[:, :, 3:].astype(np.float32) / 255.0
        over_white = image[:, :, :3] * alpha + 255.0 * (1.0 - alpha)
        image = np.rint(over_white).astype(np.uint8)
    if image.shape[2] == 1:
        image = np.repeat(image, 3, axis=2)
    return np.ascontiguousarray(image)
