from __future__ import annotations

import numpy as np
import pytest

from facemotion.errors import InputError
from facemotion.landmarks.rgb import as_rgb_uint8


def test_rgb_uint8_passes_through_without_a_copy():
    image = np.zeros((4, 5, 3), dtype=np.uint8)
    assert as_rgb_uint8(image) is image


def test_non_contiguous_view_is_made_contiguous():
    image = np.arange(4 * 6 * 3, dtype=np.uint8).reshape(4, 6, 3)[:, ::2]
    out = as_rgb_uint8(image)
    assert out.flags.c_contiguous
    np.testing.assert_array_equal(out, image)


@pytest.mark.parametrize("shape", [(4, 5), (4, 5, 1)])
def test_grey_becomes_three_equal_channels(shape):
    grey = np.arange(20, dtype=np.uint8).reshape(shape)
    out = as_rgb_uint8(grey)
    assert out.shape == (4, 5, 3) and out.dtype == np.uint8
    np.testing.assert_array_equal(out[..., 0], grey.reshape(4, 5))
    np.testing.assert_array_equal(out[..., 2], out[..., 0])


def test_float_is_clipped_and_scaled():
    image = np.array([[[-0.5, 0.5, 1.5]]], dtype=np.float32)
    np.testing.assert_array_equal(as_rgb_uint8(image), [[[0, 128, 255]]])


def test_uint16_keeps_its_high_byte():
    image = np.full((2, 2, 3), 0xABCD, dtype=np.uint16)
    assert (as_rgb_uint8(image) == 0xAB).all()


def test_rgba_is_composited_over_white():
    image = np.zeros((1, 2, 4), dtype=np.uint8)
    image[0, 0] = (10, 20, 30, 255)  # opaque: kept
    image[0, 1] = (0, 0, 0, 0)  # transparent: white
    np.testing.assert_array_equal(as_rgb_uint8(image), [[[10, 20, 30], [255, 255, 255]]])


@pytest.mark.parametrize("shape", [(4, 5, 2), (4,), (0, 5, 3), (2, 4, 5, 3)])
def test_other_shapes_are_refused_in_one_line(shape):
    with pytest.raises(InputError) as error:
        as_rgb_uint8(np.zeros(shape, dtype=np.uint8))
    assert "\n" not in str(error.value) and str(shape) in str(error.value)
