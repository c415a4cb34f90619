"""Reading images in any mode Pillow knows, float conversion, resizing, atomic saving."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from facemotion.errors import InputError, OutputError
from facemotion.io.images import (
    as_float_image,
    center_square,
    load_image,
    resize_square,
    save_image,
    shrink,
)


def test_modes_become_rgb_uint8(tmp_path):
    rgba = Image.new("RGBA", (8, 6), (255, 0, 0, 0))  # fully transparent red -> white
    rgba.save(tmp_path / "rgba.png")
    Image.new("L", (8, 6), 128).save(tmp_path / "gray.png")
    Image.new("RGB", (8, 6), (0, 0, 255)).convert("P").save(tmp_path / "palette.png")
    Image.fromarray(np.full((6, 8), 65535, np.uint16)).save(tmp_path / "deep.png")
    images = {name: load_image(tmp_path / f"{name}.png") for name in ("rgba", "gray", "palette")}
    images["deep"] = load_image(tmp_path / "deep.png")
    for image in images.values():
        assert image.shape == (6, 8, 3) and image.dtype == np.uint8
    assert (images["rgba"] == 255).all()
    assert (images["gray"] == 128).all()
    assert tuple(images["palette"][0, 0]) == (0, 0, 255)
    assert (images["deep"] == 255).all()


def test_exif_orientation_is_applied(tmp_path):
    image = Image.new("RGB", (10, 4), (10, 20, 30))
    exif = image.getexif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    image.save(tmp_path / "rotated.jpg", exif=exif)
    assert load_image(tmp_path / "rotated.jpg").shape == (10, 4, 3)


def test_missing_and_non_images_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        load_image(tmp_path / "missing.png")
    (tmp_path / "notes.png").write_text("not pixels")
    with pytest.raises(InputError, match="not an image"):
        load_image(tmp_path / "notes.png")


def test_float_conversion_and_passthrough():
    uint8 = np.full((2, 2, 3), 255, np.uint8)
    assert as_float_image(uint8).dtype == np.float32 and as_float_image(uint8).max() == 1.0
    exact = np.random.default_rng(0).random((4, 4, 3), dtype=np.float32)
    assert as_float_image(exact) is exact
    assert as_float_image(np.zeros((3, 5))).shape == (3, 5, 3)
    with pytest.raises(InputError):
        as_float_image(np.zeros((2, 2, 7)))


def test_center_square_and_resize():
    image = np.zeros((10, 20, 3), np.uint8)
    image[:, 5:15] = 200
    square = center_square(image)
    assert square.shape == (10, 10, 3) and (square == 200).all()
    as_float = resize_square(as_float_image(square), 4)
    assert as_float.dtype == np.float32 and as_float.shape == (4, 4, 3)
    assert np.allclose(as_float, 200 / 255, atol=1e-5)
    assert resize_square(square, 4).dtype == np.uint8


def test_save_is_atomic(tmp_path):
    path = save_image(np.zeros((4, 4, 3), np.float32), tmp_path / "out")
    assert path.name == "out.png" and load_image(path).shape == (4, 4, 3)
    with pytest.raises(OutputError, match="is a file"):
        save_image(np.zeros((4, 4, 3), np.uint8), tmp_path / "out.png" / "x.png")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.png"]
    # a missing folder is created, parents too
    nested = save_image(np.zeros((4, 4, 3), np.uint8), tmp_path / "a" / "b" / "x.png")
    assert nested.is_file() and sorted(p.name for p in nested.parent.iterdir()) == ["x.png"]


def test_shrink_averages_like_one_area_resize():
    import cv2

    rng = np.random.default_rng(0)
    # Smooth content plus a 1-pixel checkerboard: bilinear alone would alias the checker.
    smooth = cv2.resize(rng.integers(0, 256, (9, 16, 3), dtype=np.uint8), (1280, 720))
    checker = ((np.indices((720, 1280)).sum(axis=0) % 2) * 60)[..., None].astype(np.int16)
    image = np.clip(smooth.astype(np.int16) + checker - 30, 0, 255).astype(np.uint8)
    for size in [(480, 270), (640, 360), (320, 180)]:
        shrunk = shrink(image, size)
        assert shrunk.shape == (size[1], size[0], 3) and shrunk.dtype == np.uint8
        reference = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        assert np.abs(shrunk.astype(int) - reference).mean() < 1.5
    # A whole factor is the area resize itself; odd sides fall back to it.
    assert np.array_equal(
        shrink(image, (640, 360)), cv2.resize(image, (640, 360), interpolation=cv2.INTER_AREA)
    )
    odd = image[:719, :1279]
    assert np.array_equal(
        shrink(odd, (480, 270)), cv2.resize(odd, (480, 270), interpolation=cv2.INTER_AREA)
    )
