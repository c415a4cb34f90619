"""Look-alikes made from the public-domain samples, for telling drawings from photos
(facemotion/motion/drawn.py): photos of statues and dolls (smooth, evenly lit, in one colour),
which are not drawings, and posterised photos, which are half-way. We have no photos of dolls or
statues and download nothing; these keep the photo's face where it was, changing only its
pixels. Images are (H, W, 3) uint8 RGB."""

from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image

STONE = (0.96, 0.89, 0.74)  # sandstone, RGB in [0, 1]


def jpeg(image: np.ndarray, quality: int) -> np.ndarray:
    """(H, W, 3) uint8 RGB after a round trip through JPEG at `quality`."""
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, "JPEG", quality=quality)
    return np.asarray(Image.open(buffer).convert("RGB"))


def statue(image: np.ndarray, tint: tuple[float, float, float] | None = None) -> np.ndarray:
    """(H, W, 3) uint8: a photo as a statue: its lightness alone (grey, no colour noise left),
    or in one stone `tint` (RGB in [0, 1], e.g. sandstone (0.96, 0.89, 0.74))."""
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY).astype(np.float32)
    colour = np.asarray(tint if tint is not None else (1.0, 1.0, 1.0), np.float32)
    return np.clip(np.round(grey[..., None] * colour), 0, 255).astype(np.uint8)


def polished(image: np.ndarray, passes: int = 5) -> np.ndarray:
    """(H, W, 3) uint8: grain and pores smoothed away, edges kept (bilateral filter, `passes`
    times): polished marble, plastic skin."""
    for _ in range(passes):
        image = cv2.bilateralFilter(image, 9, 60, 9)
    return image


def even_light(image: np.ndarray, contrast: float = 0.5) -> np.ndarray:
    """(H, W, 3) uint8: shading flattened, every pixel pulled towards the image's mean by
    1 - `contrast` (a face lit evenly from everywhere)."""
    pixels = image.astype(np.float32)
    mean = pixels.mean(axis=(0, 1))
    return np.clip(np.round(mean + contrast * (pixels - mean)), 0, 255).astype(np.uint8)


def doll(image: np.ndarray, saturation: float = 1.5) -> np.ndarray:
    """(H, W, 3) uint8: a photo as a doll: skin smoothed by an edge-preserving filter, colours
    made more saturated."""
    smooth = cv2.edgePreservingFilter(
        polished(image, 2), flags=cv2.RECURS_FILTER, sigma_s=60, sigma_r=0.4
    )
    hsv = cv2.cvtColor(smooth, cv2.COLOR_RGB2HSV).astype(np.float32)
    hsv[..., 1] = np.clip(hsv[..., 1] * saturation, 0, 255)
    return cv2.cvtColor(np.round(hsv).astype(np.uint8), cv2.COLOR_HSV2RGB)


def posterised(image: np.ndarray, levels: int = 4) -> np.ndarray:
    """(H, W, 3) uint8: each channel cut to `levels` values (a poster effect)."""
    step = 256 // levels
    return (image // step * step + step // 2).astype(np.uint8)


# Photos that are not drawings: name -> photo -> look-alike.
LOOKALIKES = {
    "grey statue": statue,
    "stone statue": lambda photo: statue(photo, STONE),
    "polished statue": lambda photo: polished(statue(photo)),
    "evenly lit statue": lambda photo: even_light(polished(statue(photo))),
    "evenly lit stone, JPEG 60": lambda photo: jpeg(
        even_light(polished(statue(photo, STONE)), 0.4), 60
    ),
    "doll": doll,
    "evenly lit doll": lambda photo: even_light(doll(photo)),
}
