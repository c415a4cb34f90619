"""Filling the person's hole in the scene: copies of the scene's own texture, the same every
time, the scene outside the hole untouched."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from facemotion.errors import InputError
from facemotion.motion.fill import repeat_offsets, smooth_fill, texture_fill
from facemotion.motion.scene import SceneOptions, background_plate

SIZE = 96
PANE = 16  # the window's period, px


def _window(size: int = SIZE) -> np.ndarray:
    """(size, size, 3) float32: dark bars every PANE px over a sky graded top to bottom."""
    rows = np.arange(size, dtype=np.float32)[:, None, None] / size
    image = np.broadcast_to(
        np.concatenate([0.5 + 0.2 * rows, 0.7 + 0.1 * rows, 0.95 - 0.1 * rows], axis=2),
        (size, size, 3),
    ).copy()
    bars = (np.arange(size)[:, None] % PANE < 3) | (np.arange(size)[None, :] % PANE < 3)
    image[bars] = (0.35, 0.22, 0.12)
    return image


def _head_hole(size: int = SIZE) -> np.ndarray:
    """(size, size) bool: a head and shoulders standing on the bottom edge."""
    hole = np.zeros((size, size), np.uint8)
    cv2.ellipse(hole, (size // 2, size // 2), (14, 18), 0, 0, 360, 1, -1)
    cv2.rectangle(hole, (size // 2 - 20, size // 2 + 14), (size // 2 + 20, size), 1, -1)
    return hole > 0


def test_repeat_offsets_find_the_period_of_a_repeating_scene():
    image = _window()
    hole = _head_hole()
    offsets, typical = repeat_offsets(image, ~hole, min_shift_px=10, max_shift_px=50)
    best = min(offsets, key=lambda offset: offset[2])
    dy, dx, rms = best
    # Panes repeat every PANE px across; the sky's grade makes vertical repeats worse.
    assert dy == 0 and dx % PANE == 0, best
    assert rms < 1e-3 < 0.1 < typical


def test_the_texture_fill_continues_window_bars_where_telea_smears_them():
    truth = _window()
    hole = _head_hole()
    holed = truth.copy()
    holed[hole] = 0.0
    texture = texture_fill(holed, hole, min_shift_px=10)
    quantised = np.clip(holed * 255 + 0.5, 0, 255).astype(np.uint8)
    smooth = smooth_fill(quantised, hole).astype(np.float32) / 255
    texture_error = float(np.abs(texture - truth)[hole].mean())
    smooth_error = float(np.abs(smooth - truth)[hole].mean())
    assert texture_error < 0.02, texture_error
    assert smooth_error > 4 * texture_error, (smooth_error, texture_error)


def _clouds() -> np.ndarray:
    """(SIZE, SIZE, 3) float32: soft blobs that repeat nowhere."""
    rng = np.random.default_rng(0)
    return cv2.GaussianBlur(rng.random((SIZE, SIZE, 3)).astype(np.float32), (0, 0), 2.0)


def test_a_scene_that_does_not_repeat_gets_the_smooth_fill():
    scene = _clouds()
    hole = _head_hole()
    quantised = np.clip(scene * 255 + 0.5, 0, 255).astype(np.uint8)
    smooth = smooth_fill(quantised, hole).astype(np.float32) / 255
    np.testing.assert_array_equal(
        texture_fill(quantised / np.float32(255), hole, 12)[hole], smooth[hole]
    )
    # a repeating scene does not
    window = _window()
    quantised = np.clip(window * 255 + 0.5, 0, 255).astype(np.uint8)
    smooth = smooth_fill(quantised, hole).astype(np.float32) / 255
    assert np.abs(texture_fill(quantised / np.float32(255), hole, 12) - smooth).max() > 0.1


def test_the_fill_is_the_same_every_time_and_leaves_the_scene_outside():
    scene = _window() * 0.8 + 0.2 * _clouds()
    hole = _head_hole()
    first = texture_fill(scene, hole, min_shift_px=12)
    second = texture_fill(scene.copy(), hole.copy(), min_shift_px=12)
    np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(first[~hole], scene[~hole])
    assert np.isfinite(first).all() and first.min() >= 0.0 and first.max() <= 1.0
    # The hole is filled from the scene, not left as it was.
    assert np.abs(first[hole] - scene[hole]).mean() > 0.0


def test_a_hole_no_copy_reaches_is_still_filled():
    scene = _window()
    hole = np.zeros((SIZE, SIZE), bool)
    hole[:, 8:] = True  # all but a strip on the left: most offsets leave the image
    filled = texture_fill(scene, hole, min_shift_px=30)
    assert np.isfinite(filled).all()
    np.testing.assert_array_equal(filled[~hole], scene[~hole])
    # Filled from the strip's colours, not left at the source's.
    assert np.abs(filled[:, 40:] - scene[:, 40:]).mean() > 0.01


@pytest.mark.parametrize("fill", ["texture", "smooth"])
def test_the_plate_is_the_source_outside_the_hole(fill):
    scene = _window(128)
    hole = np.zeros((128, 128), bool)
    hole[30:90, 40:80] = True
    source = scene.copy()
    source[hole] = (1.0, 0.0, 0.0)  # a red person
    plate = background_plate(source, hole, side=64, fill=fill, shift_px=20)
    np.testing.assert_array_equal(plate[~hole], source[~hole])
    # No red left: the hole holds the scene's colours.
    np.testing.assert_allclose(plate[hole].mean(axis=0), scene.mean(axis=(0, 1)), atol=0.08)


def test_an_unknown_fill_is_refused():
    with pytest.raises(InputError, match="fill must be one of"):
        SceneOptions(fill="clone")
