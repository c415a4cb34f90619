"""Still images: reading any Pillow-readable file as RGB, float conversion, square crops, saving.

Arrays are (H, W, 3) RGB, either uint8 or float32 in [0, 1].
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from facemotion.errors import InputError
from facemotion.io.atomic import atomic_output

# Decompression-bomb guard: Pillow refuses images over 2 * Image.MAX_IMAGE_PIXELS (~179 MP)
# when it opens them; this is the same limit, said in one line.
MAX_PIXELS = 2 * Image.MAX_IMAGE_PIXELS


def load_image(path: str | Path) -> np.ndarray:
    """Read an image file as (H, W, 3) uint8 RGB.

    EXIF orientation is applied; grayscale, palette, RGBA (composited on white) and 16-bit
    images are converted. Raises InputError when the file is missing or not an image.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path} does not exist or is not a file")
    try:
        with warnings.catch_warnings():
            # our own limit below speaks for Pillow's warning (one line, not a warning's two)
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as opened:
                if opened.width * opened.height > MAX_PIXELS:
                    raise _too_large(path, f"{opened.width}x{opened.height}")
                image = ImageOps.exif_transpose(opened)
                return pil_to_rgb(image)
    except Image.DecompressionBombError as exc:
        raise _too_large(path, "too large") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise InputError(
            f"{path} is not an image Pillow can read ({type(exc).__name__}); use a PNG or JPEG file"
        ) from exc


def _too_large(path: Path, size: str) -> InputError:
    return InputError(
        f"{path} is {size}; images over {MAX_PIXELS // 1_000_000} megapixels are refused "
        "(a decompression bomb guard), scale it down first"
    )


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
    """(H, W, C) uint8, float [0, 1], bool, uint16 or other integers -> uint8 (rounded,
    clipped; uint16 keeps its high byte). The one conversion every layer uses."""
    array = np.asarray(image)
    if array.dtype == np.uint8:
        return array
    if array.dtype == np.bool_:
        return array.astype(np.uint8) * 255
    if array.dtype == np.uint16:
        return (array >> 8).astype(np.uint8)
    if np.issubdtype(array.dtype, np.floating):
        return (np.clip(array, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
    if np.issubdtype(array.dtype, np.integer):
        return np.clip(array, 0, 255).astype(np.uint8)
    raise InputError(f"cannot read an image of dtype {array.dtype}; give uint8 or float in [0, 1]")


Box = tuple[int, int, int]  # x0, y0, side of a square in pixels; may reach outside the image


def center_box(height: int, width: int) -> Box:
    """The largest centred square of an (H, W) image."""
    side = min(height, width)
    return (width - side) // 2, (height - side) // 2, side


def crop_to_box(image: np.ndarray, box: Box) -> np.ndarray:
    """Square crop (side, side, C) of an (H, W, C) image; pads with edge values where the box
    leaves the image (a view, no copy, where it does not)."""
    x0, y0, side = box
    height, width = image.shape[:2]
    if x0 >= 0 and y0 >= 0 and x0 + side <= width and y0 + side <= height:
        return image[y0 : y0 + side, x0 : x0 + side]
    pad = ((max(0, -y0), max(0, y0 + side - height)), (max(0, -x0), max(0, x0 + side - width)))
    padded = np.pad(image, (*pad, (0, 0)), mode="edge")
    return padded[y0 + pad[0][0] : y0 + pad[0][0] + side, x0 + pad[1][0] : x0 + pad[1][0] + side]


def center_square(image: np.ndarray) -> np.ndarray:
    """The largest centred square of an (H, W, C) image (a view, no copy)."""
    return crop_to_box(image, center_box(*image.shape[:2]))


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


def shrink(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """An (H, W, C) uint8 image made smaller, to size (width, height), as one area resize
    would: each block of k x k pixels averaged for the largest whole factor k that divides
    both sides and leaves the image at least the target's size, then the rest (a factor under
    2) bilinear. OpenCV's area averaging is fast at a whole factor and ~10x slower at any
    other (1280x720 to 480x270: 0.8 ms this way, 8.7 ms in one area resize); without such a
    factor (odd sides) it is the one area resize."""
    import cv2

    height, width = image.shape[:2]
    most = min(width // size[0], height // size[1])
    factor = next((k for k in range(most, 1, -1) if width % k == 0 and height % k == 0), 1)
    if factor == 1:
        return cv2.resize(image, tuple(size), interpolation=cv2.INTER_AREA)
    image = cv2.resize(image, (width // factor, height // factor), interpolation=cv2.INTER_AREA)
    if (image.shape[1], image.shape[0]) == tuple(size):
        return image
    return cv2.resize(image, tuple(size), interpolation=cv2.INTER_LINEAR)


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
