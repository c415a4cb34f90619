"""The animation job on arrays: preprocessing, reference frames, best-frame stitching."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
import pytest

from facemotion.errors import InputError
from facemotion.io.images import center_box, crop_to_box
from facemotion.pipeline.animate import (
    animate,
    animate_with_reference,
    fit_frame,
)
from tests.fakes import FaceFreeModel


class RecordingModel(FaceFreeModel):
    """A stand-in model: frame value = driving value - reference value + source value."""

    name = "recording"

    def __init__(self, frame_size: int | None = 8):
        self.frame_size = frame_size
        self.calls: list[tuple[bool, bool]] = []
        self.frames_read = 0

    def animate(
        self,
        source: np.ndarray,
        driving: Iterable[np.ndarray],
        *,
        relative: bool = True,
        adapt_scale: bool = True,
    ) -> Iterator[np.ndarray]:
        self.calls.append((relative, adapt_scale))
        reference = None
        for frame in driving:
            self.frames_read += 1
            if reference is None:
                reference = frame
            yield source + (frame - reference if relative else frame)


def frames(values):
    return [np.full((8, 8, 3), v, dtype=np.float32) for v in values]


def values(outputs):
    return [float(frame[0, 0, 0]) for frame in outputs]


def test_reference_is_first_frame_by_default():
    model = RecordingModel()
    out = animate_with_reference(model, np.zeros((8, 8, 3), np.float32), frames([1, 2, 5]))
    assert values(out) == [0, 1, 4]


def test_best_frame_stitches_backward_then_forward():
    model = RecordingModel()
    drive = frames([10, 11, 12, 13, 14, 15])
    out = list(animate_with_reference(model, np.zeros((8, 8, 3), np.float32), drive, best_frame=2))
    # every frame relative to frame 2, in the original order, one output per driving frame
    assert values(out) == [-2, -1, 0, 1, 2, 3]
    assert len(model.calls) == 2


def test_best_frame_on_last_frame_and_options_passed():
    model = RecordingModel()
    out = animate_with_reference(
        model, np.zeros((8, 8, 3), np.float32), frames([1, 2, 3]), best_frame=2, adapt_scale=False
    )
    assert values(out) == [-2, -1, 0]
    assert model.calls == [(True, False), (True, False)]


def test_best_frame_past_the_end_is_a_clear_error():
    with pytest.raises(InputError, match="past the end"):
        list(
            animate_with_reference(
                RecordingModel(), np.zeros((8, 8, 3), np.float32), frames([1, 2]), best_frame=5
            )
        )


def test_driving_frames_are_read_lazily():
    model = RecordingModel()
    results = animate(model, np.zeros((8, 8, 3), np.float32), iter(frames(range(100))))
    next(results)
    assert model.frames_read == 1


def test_float_frames_at_model_size_pass_through_unchanged():
    image = np.random.default_rng(0).random((8, 8, 3), dtype=np.float32)
    assert fit_frame(image, 8) is image


def test_uint8_and_non_square_inputs_are_cropped_and_resized():
    image = np.zeros((40, 80, 3), np.uint8)
    image[:, 20:60] = 255  # the centred 40x40 square is white, the sides black
    out = fit_frame(image, 16)
    assert out.shape == (16, 16, 3) and out.dtype == np.float32
    assert out.min() > 0.95


def test_crop_box_outside_the_image_pads_with_edges():
    image = np.arange(16, dtype=np.float32).reshape(4, 4, 1).repeat(3, axis=2)
    crop = crop_to_box(image, (-2, -2, 4))
    assert crop.shape == (4, 4, 3)
    assert crop[0, 0, 0] == image[0, 0, 0] and crop[3, 3, 0] == image[1, 1, 0]
    assert center_box(40, 80) == (20, 0, 40)


def test_relative_off_uses_driving_as_is():
    model = RecordingModel()
    out = animate(model, np.zeros((8, 8, 3), np.float32), frames([3, 4]), relative=False)
    assert values(out) == [3, 4]
