"""Faces of a side-by-side picture of two portraits: each is found, counted from the left."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from facemotion.assets import sample_path
from facemotion.errors import NoFaceError
from facemotion.landmarks import detect_image_landmarks
from facemotion.landmarks.windows import merge_faces, window_offsets
from tests.media import astronaut_in_a_wide_photo


def two_portraits(height: int = 400) -> np.ndarray:
    images = [Image.open(sample_path(name)).convert("RGB") for name in
              ("astronaut.png", "grace_hopper.jpg")]  # fmt: skip
    resized = [im.resize((round(im.width * height / im.height), height)) for im in images]
    return np.concatenate([np.asarray(im) for im in resized], axis=1)


def test_window_offsets_cover_the_long_side_half_overlapping():
    assert window_offsets(741, 400) == [0, 200, 341]
    assert window_offsets(400, 400) == [0]


def test_a_face_found_twice_is_kept_once():
    face = np.zeros((478, 3), np.float32)
    face[:, :2] = np.random.default_rng(0).uniform(100, 200, (478, 2))
    moved = face.copy()
    moved[:, 0] += 300
    assert len(merge_faces([face], [face + 2, moved])) == 2


def test_each_of_two_side_by_side_portraits_is_found_from_the_left():
    image = two_portraits()
    left = detect_image_landmarks(image, face=0)
    right = detect_image_landmarks(image, face=1)
    assert left[:, 0].mean() < image.shape[1] / 2 < right[:, 0].mean()
    with pytest.raises(NoFaceError, match="no face number 2"):
        detect_image_landmarks(image, face=2)


def test_animate_face_1_crop_auto_animates_the_right_portrait(tmp_path):
    import itertools
    from fractions import Fraction

    from facemotion.io.video import VideoReader
    from facemotion.pipeline.animate import animate_video
    from facemotion.pipeline.load import load_model
    from tests.media import write_video

    image = two_portraits()
    Image.fromarray(image).save(tmp_path / "two.png")
    with VideoReader(sample_path("carphone.mp4")) as reader:
        frames = np.stack(list(itertools.islice(reader, 4)))
    driving = write_video(tmp_path / "talk.mp4", frames, Fraction(25))
    report = animate_video(load_model("landmarks"), tmp_path / "two.png", driving,
                           tmp_path / "out.mp4", crop="auto", face=1, progress=False)  # fmt: skip
    x0, _, side = report.crop_box
    assert x0 + side / 2 > image.shape[1] / 2 and report.frames == 4


@pytest.mark.parametrize("size", [(1920, 1080), (6000, 4000)])
def test_a_medium_face_in_a_large_photo_is_found_without_a_face_number(size):
    # Too small for the detector in the whole picture (8% of 1920, 2% of 6000 px): windows
    image, left = astronaut_in_a_wide_photo(*size)
    for face in (None, 0):
        points = detect_image_landmarks(image, face=face)
        centre_x = (points[:, 0].min() + points[:, 0].max()) / 2
        width = points[:, 0].max() - points[:, 0].min()
        # the astronaut's face is ~ 0.37 of the way across her picture and ~ 0.18 of it wide
        assert abs(centre_x - (left + 0.37 * 800)) < 60 and 100 < width < 200


def test_a_missing_face_0_does_not_suggest_face_0():
    blank = np.full((300, 400, 3), 128, np.uint8)
    with pytest.raises(NoFaceError) as caught:
        detect_image_landmarks(blank, face=0)
    assert [remedy.parameter for remedy in caught.value.remedies] == ["model"]
    with pytest.raises(NoFaceError) as caught:
        detect_image_landmarks(blank, face=2)
    assert ("face", 0) in [(r.parameter, r.value) for r in caught.value.remedies]
