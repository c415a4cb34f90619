"""Choosing one face of several: `animate_video(face=N)` and `facemotion animate --face N`."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from PIL import Image

from facemotion.assets import sample_path
from facemotion.cli import main
from facemotion.errors import NoFaceError
from facemotion.io.images import crop_to_box, load_image, resize_square
from facemotion.io.video import VideoReader
from facemotion.landmarks import detect_image_landmarks
from facemotion.motion.crop import face_box
from facemotion.motion.landmark_model import LandmarkModel
from facemotion.pipeline.animate import animate_video
from tests.media import write_video

SIDE = 224
SMALLER = 168


@pytest.fixture(scope="module")
def two_faces(tmp_path_factory):
    """A (224, 392) image: the astronaut's face on the left, Grace Hopper's smaller one on
    the right (so the largest is not the right-hand one), and a short driving clip (4 carphone
    frames)."""
    folder = tmp_path_factory.mktemp("two_faces")
    portraits = []
    for name, side in (("astronaut.png", SIDE), ("grace_hopper.jpg", SMALLER)):
        image = load_image(sample_path(name))
        box = face_box(detect_image_landmarks(image), image.shape)
        portrait = resize_square(crop_to_box(image, box), side)
        portraits.append(np.pad(portrait, ((SIDE - side, 0), (0, 0), (0, 0)), mode="edge"))
    source = folder / "two.png"
    Image.fromarray(np.concatenate(portraits, axis=1)).save(source)
    with VideoReader(sample_path("carphone.mp4")) as reader:
        frames = np.stack([frame for _, frame in zip(range(4), reader, strict=False)])
    driving = write_video(folder / "drive.mp4", frames, Fraction(25), audio=False)
    return source, driving


def _centre_x(box) -> float:
    x0, _, side = box
    return x0 + side / 2


def test_face_one_crops_the_right_hand_face_and_animates_it(two_faces, tmp_path):
    source, driving = two_faces
    model = LandmarkModel()
    report = animate_video(
        model, source, driving, tmp_path / "right.mp4", crop="auto", face=1, progress=False
    )
    assert _centre_x(report.crop_box) > SIDE  # the right half
    assert report.frames == 4 and model.lost_frames == 0
    # The model was handed the chosen face: its landmarks sit in the middle of the crop.
    side = report.crop_box[2]
    crop = crop_to_box(load_image(source), report.crop_box)
    points = model.source_landmarks(crop.astype(np.float32) / 255.0)
    centre = (points[:, :2].min(axis=0) + points[:, :2].max(axis=0)) / 2
    assert np.all(np.abs(centre - side / 2) < side * 0.2)

    left = animate_video(
        LandmarkModel(), source, driving, tmp_path / "left.mp4", crop="auto", face=0, progress=False
    )
    assert _centre_x(left.crop_box) < SIDE
    largest = animate_video(
        LandmarkModel(), source, driving, tmp_path / "largest.mp4", crop="auto", progress=False
    )
    assert largest.crop_box == left.crop_box


def test_a_face_number_that_is_not_there_is_one_clear_error(two_faces, tmp_path):
    source, driving = two_faces
    with pytest.raises(NoFaceError, match="no face number 2"):
        animate_video(LandmarkModel(), source, driving, tmp_path / "x.mp4", crop="auto", face=2)
    assert not (tmp_path / "x.mp4").exists()


def test_cli_face_option_animates_the_chosen_face(two_faces, tmp_path, capsys):
    source, driving = two_faces
    out = tmp_path / "frames"
    out.mkdir()
    code = main(
        ["animate", str(source), str(driving), "-o", str(out), "--quiet",
         "--crop", "auto", "--face", "1", "--size", "96"]
    )  # fmt: skip
    assert code == 0, capsys.readouterr().err
    first = np.asarray(Image.open(sorted(out.glob("*.png"))[0]).convert("RGB"), np.float32)
    image = load_image(source).astype(np.float32)
    # The first frame (the reference) shows the right-hand portrait, not the left-hand one.
    right = image[SIDE - SMALLER :, SIDE:] / 255.0
    halves = [resize_square(part, 96) * 255 for part in (image[:, :SIDE] / 255.0, right)]
    assert np.abs(first - halves[1]).mean() < np.abs(first - halves[0]).mean()
    assert main(["animate", str(source), str(driving), "--face", "-1"]) == 2


def test_driving_face_goes_to_the_landmark_model(two_faces):
    from facemotion.pipeline.load import load_model

    assert load_model("landmarks", face=1).face == 1
    assert load_model("landmarks").face is None
    source, driving = two_faces
    assert main(["animate", str(source), str(driving), "--driving-face", "-1"]) == 2
