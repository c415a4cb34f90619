"""Still images: reading any Pillow-readable file as RGB, float conversion, square crops, saving.

Arrays are (H, W, 3) RGB, either uint8 or float32 in [0, 1].
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from facemotion.errors import InputError
from facemotion.io.atomic import atomic_output

# Decompression-bomb guard: refuse images over 20000x20000 (Pillow's default warns at ~89 MP).
MAX_PIXELS = 400_000_000


def load_image(path: str | Path) -> np.ndarray:
    """Read an image file as (H, W, 3) uint8 RGB.

    EXIF orientation is applied; grayscale, palette, RGBA (composited on white) and 16-bit
    images are converted. Raises InputError when the file is missing or not an image.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path} does not exist or is not a file")
    try:
        with Image.open(path) as opened:
            if opened.width * opened.height > MAX_PIXELS:
                raise InputError(
                    f"{path} is {opened.width}x{opened.height}; images over "
                    f"{MAX_PIXELS // 1_000_000} megapixels are refused, scale it down first"
                )
            image = ImageOps.exif_transpose(opened)
            return pil_to_rgb(image)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise InputError(
            f"{path} is not an image Pillow can read ({type(exc).__name__}); use a PNG or JPEG file"
        ) from exc


def pil_to_rgb(image: Image.Image) -> np.ndarray:
    """A Pillow image in any mode as (H, W, 3) uint8 RGB."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit and 32-bit integer grayscale: scale the full range down to 8 bits.
        values = np.asarray(image, dtype=np.float64)
        top = 65535.0 if image.mode != "I" or values.max() > 255 else 255.0
        gray = np.clip(values / top * 255.0 + 0.5, 0, 255).astype(np.uint8)
        return np.repeat(gray[:, :, None], 3, axis=2)
    if image.mode == "F":
        values = np.asarray(image, dtype=np.float64)
        top = 1.0 if values.max() <= 1.0 else values.max()
        gray = np.clip(values / top * 255.0 + 0.5, 0, 255).astype(np.uint8)
        return np.repeat(gray[:, :, None], 3, axis=2)
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return np.asarray(Image.alpha_composite(background, rgba).convert("RGB"))
    return np.asarray(image.convert("RGB"))


def as_float_image(image: np.ndarray) -> np.ndarray:
    """(H, W, 3) or (H, W) uint8/float array -> (H, W, 3) float32 in [0, 1].

    A float32 RGB array is returned as it is (no copy), so exact inputs stay exact.
    """
    array = np.asarray(image)
    if array.ndim == 2:
        array = np.repeat(array[:, :, None], 3, axis=2)
    if array.ndim != 3 or array.shape[2] not in (3, 4):
        raise InputError(f"expected an (H, W, 3) image, got an array of shape {array.shape}")
    if array.shape[2] == 4:
        array = array[:, :, :3]
    if array.dtype == np.uint8:
        return array.astype(np.float32) / np.float32(255.0)
    if array.dtype == np.uint16:
        return array.astype(np.float32) / np.float32(65535.0)
    if np.issubdtype(array.dtype, np.floating):
        return array if array.dtype == np.float32 else array.astype(np.float32)
    raise InputError(f"unsupported image dtype {array.dtype}; use uint8 or float32 in [0, 1]")


def as_uint8_image(image: np.ndarray) -> np.ndarray:
    """(H, W, 3) uint8 or float [0, 1] -> uint8 (rounded, clipped)."""
    array = np.asarray(image)
    if array.dtype == np.uint8:
        return array
    return (np.clip(array, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


def center_square(image: np.ndarray) -> np.ndarray:
    """The largest centred square of an (H, W, C) image (a view, no copy)."""
    height, width = image.shape[:2]
    side = min(height, width)
    top, left = (height - side) // 2, (width - side) // 2
    return image[top : top + side, left : left + side]


def resize_square(image: np.ndarray, size: int) -> np.ndarray:
    """Resize an (S, S, 3) image to (size, size, 3) with Lanczos filtering.

    uint8 in -> uint8 out; float in -> float32 out (resampled per channel in 32-bit float, so
    no quantisation is added).
    """
    if image.shape[0] == size and image.shape[1] == size:
        return image
    if image.dtype == np.uint8:
        return np.asarray(Image.fromarray(image).resize((size, size), Image.Resampling.LANCZOS))
    channels = []
    for c in range(image.shape[2]):
        plane = Image.fromarray(np.ascontiguousarray(image[:, :, c], dtype=np.float32), mode="F")
        channels.append(np.asarray(plane.resize((size, size), Image.Resampling.LANCZOS)))
    return np.clip(np.stack(channels, axis=2), 0.0, 1.0).astype(np.float32)


def save_image(image: np.ndarray, path: str | Path) -> Path:
    """Write an (H, W, 3) uint8 or float [0, 1] image; the format follows the suffix (PNG
    default). Written to a temporary name and renamed when complete."""
    path = Path(path)
    if not path.suffix:
        path = path.with_suffix(".png")
    pil_format = Image.registered_extensions().get(path.suffix.lower(), "PNG")
    with atomic_output(path) as temporary:
        Image.fromarray(as_uint8_image(image)).save(temporary, format=pil_format)
    return path
