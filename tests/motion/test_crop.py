"""Face box and paste-back geometry."""

from __future__ import annotations

import numpy as np
import pytest

from facemotion.motion.crop import face_box, feather_mask, paste_back


def square_face(x0: float, y0: float, size: float, count: int = 50) -> np.ndarray:
    """(count, 3) points spread over an axis-aligned square face."""
    rng = np.random.default_rng(0)
    points = rng.uniform(0, 1, size=(count, 3)) * [size, size, 1] + [x0, y0, 0]
    points[:4, :2] = [[x0, y0], [x0 + size, y0], [x0, y0 + size], [x0 + size, y0 + size]]
    return points.astype(np.float32)


def test_face_box_frames_the_face_at_60_percent_above_centre():
    x0, y0, side = face_box(square_face(400, 300, 120), (1080, 1920))
    assert side == pytest.approx(120 / 0.6, rel=0.05)
    assert x0 + side / 2 == pytest.approx(460, abs=1)
    assert y0 + side / 2 < 360 - 5  # lifted for the forehead and hair
    assert x0 < 400 and y0 < 300 and x0 + side > 520 and y0 + side > 420


def test_face_box_may_leave_the_image_and_accepts_2d_points():
    x0, y0, side = face_box(square_face(0, 0, 60)[:, :2], (100, 100))
    assert x0 < 0 and y0 < 0 and side > 60


def test_feather_mask_is_one_inside_and_falls_monotonically():
    mask = feather_mask(101)[:, :, 0]
    assert mask.shape == (101, 101) and mask.dtype == np.float32
    assert mask[50, 50] == 1.0
    assert mask[50, 20:81].min() == 1.0  # the interior is fully covered
    row = mask[50, 50:]
    assert np.all(np.diff(row) <= 0) and row[-1] < 0.05
    diagonal = mask[np.arange(50, 101), np.arange(50, 101)]
    assert np.all(np.diff(diagonal) <= 0) and diagonal[-1] < 1e-3


def test_constant_frame_lands_exactly_in_the_box():
    full = np.zeros((120, 160, 3), np.float32)
    frame = np.full((32, 32, 3), 0.8, np.float32)
    box = (50, 30, 64)
    out = paste_back(full, frame, box)
    assert out.shape == full.shape and out.dtype == np.float32
    assert np.all(full == 0)  # the input is left alone
    assert np.allclose(out[62, 82], 0.8, atol=1e-6)  # centre pixel exact
    assert np.allclose(out[40:84, 60:104], 0.8, atol=1e-6)  # interior covered
    outside = np.ones(full.shape[:2], bool)
    outside[30:94, 50:114] = False
    assert np.all(out[outside] == 0)
    edge = out[62, 82:114, 0]
    assert np.all(np.diff(edge) <= 1e-7) and edge[-1] < 0.1


def test_box_reaching_outside_the_image_is_clipped():
    full = np.zeros((100, 100, 3), np.float32)
    frame = np.full((40, 40, 3), 1.0, np.float32)
    mask = feather_mask(40)
    out = paste_back(full, frame, (-20, 80, 40), mask=mask)
    assert out.shape == (100, 100, 3)
    # image columns 0..20 and rows 80..100 show box columns 20..40 and rows 0..20
    assert np.allclose(out[80:100, 0:20], mask[0:20, 20:40], atol=1e-6)
    assert np.all(out[:80] == 0) and np.all(out[:, 20:] == 0)
    assert np.all(paste_back(full, frame, (200, 200, 40)) == 0)  # entirely outside


def test_larger_frame_is_resized_to_the_box_side():
    full = np.zeros((64, 64, 3), np.float32)
    frame = np.zeros((128, 128, 3), np.float32)
    frame[:, :, 1] = 1.0
    out = paste_back(full, frame, (16, 16, 32))
    assert np.allclose(out[32, 32], [0, 1, 0], atol=1e-6)


def test_mask_of_the_wrong_size_is_refused():
    with pytest.raises(ValueError, match="side"):
        paste_back(np.zeros((8, 8, 3), np.float32), np.zeros((4, 4, 3), np.float32), (0, 0, 4),
                   mask=feather_mask(5))  # fmt: skip


def test_uint8_image_gives_uint8_with_the_same_blend():
    rng = np.random.default_rng(4)
    full = rng.integers(0, 256, size=(90, 120, 3), dtype=np.uint8)
    frame = rng.uniform(0, 1, size=(48, 48, 3)).astype(np.float32)
    box = (70, -10, 60)
    out = paste_back(full, frame, box)
    reference = paste_back(full.astype(np.float32) / 255, frame, box)
    assert out.dtype == np.uint8 and out.shape == full.shape
    assert np.abs(out.astype(np.float32) - reference * 255).max() <= 0.5 + 1e-3
    assert np.array_equal(out[:, :70], full[:, :70]) and np.array_equal(out[50:], full[50:])
