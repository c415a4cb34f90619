"""Inputs as phones and cameras make them: portrait video stored sideways with a display matrix,
a variable frame rate, a face of medium size in a large photo."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
from PIL import Image

from facemotion.assets import sample_path
from facemotion.io.video import VideoReader
from facemotion.pipeline.animate import animate_video
from facemotion.pipeline.capture import capture
from tests.fakes import SourceModel
from tests.media import astronaut_in_a_wide_photo, moving_frames, write_video


@pytest.fixture(scope="module")
def carphone_clip():
    with VideoReader(sample_path("carphone.mp4")) as reader:
        return np.stack(list(itertools.islice(reader, 12)))


def test_capture_of_a_phone_video_stored_sideways_is_upright(carphone_clip, tmp_path):
    upright = write_video(tmp_path / "upright.mp4", carphone_clip, Fraction(30))
    # stored a quarter turn clockwise, shown turned back counterclockwise, as phones do
    stored = np.ascontiguousarray(np.rot90(carphone_clip, -1, axes=(1, 2)))
    phone = write_video(tmp_path / "phone.mp4", stored, Fraction(30), rotation=90)
    plain, turned = capture(upright), capture(phone)
    assert turned.frame_size == plain.frame_size == carphone_clip.shape[1:3]
    # head pose as upright: a sideways reading puts ~90 degrees into the roll
    assert np.abs(turned.angles_deg - plain.angles_deg).max() < 4.0


def test_animate_drives_with_upright_frames_of_a_phone_video(tmp_path):
    upright = moving_frames(4, 40, 24)
    stored = np.ascontiguousarray(np.rot90(upright, 1, axes=(1, 2)))
    phone = write_video(tmp_path / "phone.mp4", stored, 30, rotation=-90)
    model = SourceModel()
    model.frame_size = None  # whole driving frames, as the landmark model takes them
    source = moving_frames(1, 32, 32)[0]
    animate_video(model, source, phone, tmp_path / "out.mp4", progress=False)
    assert model.shapes == [(40, 24, 3)] * 4


def test_animate_keeps_a_variable_frame_rate_in_step_with_the_sound(tmp_path):
    # 60 frames 33 ms apart, then 60 frames 67 ms apart: frame 60 is at 1.98 s
    times = np.concatenate([np.arange(60) * 0.033, 60 * 0.033 + np.arange(60) * 0.067])
    driving = write_video(tmp_path / "vfr.mp4", moving_frames(120, 32, 32), 30, times=times)
    out = tmp_path / "out.mp4"
    report = animate_video(SourceModel(), moving_frames(1, 32, 32)[0], driving, out, progress=False)
    assert report.variable_rate and report.frames == 120
    with VideoReader(out) as reader:
        written = np.array([time for time, _ in reader.timed_frames()])
    assert abs(written[60] - 1.98) < 0.002  # at the mean rate: 2.95 s, a second off the sound
    assert np.allclose(written, times, atol=0.002)


def test_an_even_frame_rate_is_not_reported_variable(tmp_path):
    driving = write_video(tmp_path / "cfr.mp4", moving_frames(8, 32, 32), 25)
    report = animate_video(
        SourceModel(), moving_frames(1, 32, 32)[0], driving, tmp_path / "o.mp4", progress=False
    )
    assert not report.variable_rate


def test_of_two_runs_writing_one_output_the_second_to_finish_says_replaced(tmp_path):
    driving = write_video(tmp_path / "d.mp4", moving_frames(3, 32, 32), 25)
    source, out = moving_frames(1, 32, 32)[0], tmp_path / "out.mp4"
    inner = []

    def run_another(done, total):
        if done == 1:  # the other run starts after this one and finishes before it
            inner.append(animate_video(SourceModel(), source, driving, out, progress=False))

    outer = animate_video(SourceModel(), source, driving, out, progress=False, on_frame=run_another)
    assert not inner[0].replaced and outer.replaced


def test_capture_of_a_still_finds_a_medium_face_in_a_wide_photo(tmp_path):
    image, left = astronaut_in_a_wide_photo(1920, 1080)
    Image.fromarray(image).save(tmp_path / "wide.jpg")
    result = capture(tmp_path / "wide.jpg")
    assert result.detected.all() and result.frame_size == (1080, 1920)
    centre_x = result.landmarks[0, :, 0].mean()
    assert left < centre_x < left + 800
