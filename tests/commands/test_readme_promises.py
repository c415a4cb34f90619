"""README promises, tested where the user meets them: the command line."""

from __future__ import annotations

import itertools
import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from facemotion.assets import sample_path
from facemotion.cli import main
from facemotion.io.images import load_image
from facemotion.io.video import VideoReader
from tests.media import moving_frames, write_video

pytestmark = pytest.mark.slow


def run(*args: object) -> int:
    return main([str(arg) for arg in args])


def png_frames(folder: Path) -> np.ndarray:
    return np.stack([load_image(p) for p in sorted(folder.glob("frame_*.png"))]).astype(float)


@pytest.fixture(scope="module")
def talking(tmp_path_factory) -> Path:
    """12 frames of the bundled talking head."""
    with VideoReader(sample_path("carphone.mp4")) as reader:
        frames = np.stack(list(itertools.islice(reader, 0, 60, 5)))
    return write_video(tmp_path_factory.mktemp("talk") / "talk.mp4", frames, Fraction(25))


@pytest.fixture
def tiny_run(tmp_path, golden_dir):
    """animate with the tiny checkpoint into a PNG folder; the frames (T, 64, 64, 3) 0..255."""
    source = tmp_path / "face.png"
    Image.fromarray(moving_frames(1, 80, 100, seed=3)[0]).save(source)
    driving = write_video(tmp_path / "drive.mp4", moving_frames(6, 72, 96), Fraction(25))
    config = golden_dir / "tiny-64.yaml"
    tiny = ["--checkpoint", golden_dir / "tiny-cpk.pth.tar", "--config", config, "--quiet"]

    def animate(name: str, *options: str) -> np.ndarray:
        assert run("animate", source, driving, "-o", tmp_path / name, *tiny, *options) == 0
        return png_frames(tmp_path / name)

    return animate


def test_precision_bf16_is_close_to_fp32(tiny_run):
    exact, bf16 = tiny_run("fp32"), tiny_run("bf16", "--precision", "bf16", "--batch", "2")
    assert exact.shape == bf16.shape == (6, 64, 64, 3)
    difference = np.abs(exact - bf16)
    assert 0 < difference.max() <= 0.05 * 255 and difference.mean() < 0.01 * 255


def test_backend_onnxruntime_matches_torch(tiny_run):
    exact, onnx = tiny_run("torch"), tiny_run("onnx", "--backend", "onnxruntime")
    assert np.abs(exact - onnx).max() <= 1  # the same pixels, give or take rounding


def test_capture_neutral_image_is_the_zero_of_the_blendshapes(talking, tmp_path):
    with VideoReader(talking) as reader:
        Image.fromarray(next(iter(reader))).save(tmp_path / "neutral.png")
    args = ["capture", talking, "--formats", "json", "--no-smooth", "--quiet"]
    assert run(*args, "-o", tmp_path / "own", "--neutral-image", tmp_path / "neutral.png") == 0
    assert run(*args, "-o", tmp_path / "clip") == 0

    def weights(folder: str) -> np.ndarray:
        frames = json.loads((tmp_path / folder / "talk.json").read_text())["frames"]
        return np.array([frame["blendshapes"] for frame in frames])

    own, clip = weights("own"), weights("clip")
    assert own[0].max() < 0.05  # frame 0 is the neutral image itself
    assert np.abs(own - clip).max() > 0.01  # and it is another reference than the clip's own


def test_find_best_frame_picks_the_frame_that_matches_the_source(tmp_path):
    """The driving clip is the source turned by a different angle in each frame, upright only
    in frame 5: --find-best-frame makes frame 5 the reference, so the animation's frame 5 is
    the source unmoved, and every other frame has moved away from it."""
    portrait = Image.open(sample_path("grace_hopper.jpg")).convert("RGB")
    side = min(portrait.size)
    portrait = portrait.crop((0, 0, side, side)).resize((192, 192))
    angles = [-18, 14, -10, 20, -14, 0, 10, -20, 16]
    turned = [np.asarray(portrait.rotate(a, resample=Image.BICUBIC)) for a in angles]
    driving = write_video(tmp_path / "turns.mp4", np.stack(turned), Fraction(25))
    portrait.save(tmp_path / "source.png")
    out = tmp_path / "frames"
    assert run("animate", tmp_path / "source.png", driving, "-o", out, "--find-best-frame",
               "--quiet") == 0  # fmt: skip
    frames = png_frames(out)
    distance = np.abs(frames - np.asarray(portrait, float)).mean(axis=(1, 2, 3))
    assert int(np.argmin(distance)) == 5 and distance[5] < 0.5 * np.delete(distance, 5).min()
