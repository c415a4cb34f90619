"""`facemotion animate` on awkward inputs: each is handled, or refused in one line with no
traceback and nothing left in the output folder."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from facemotion.assets import sample_path
from facemotion.cli import main
from facemotion.io.video import VideoReader
from facemotion.pipeline.animate import animate_video
from facemotion.pipeline.load import load_model
from tests.media import moving_frames, probe, write_video


@pytest.fixture
def folders(tmp_path):
    inputs, outputs = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    outputs.mkdir()
    return inputs, outputs


@pytest.fixture
def tiny_fomm(golden_dir):
    checkpoint, config = golden_dir / "tiny-cpk.pth.tar", golden_dir / "tiny-64.yaml"
    return ["--checkpoint", checkpoint, "--config", config]


def carphone_frames(count: int) -> np.ndarray:
    """The first `count` frames of the shipped talking-head clip, (count, 144, 176, 3) uint8."""
    with VideoReader(sample_path("carphone.mp4")) as reader:
        return np.stack([frame for _, frame in zip(range(count), reader, strict=False)])


def portrait(folder: Path, side: int | None = None, crop: tuple[int, ...] | None = None) -> Path:
    image = Image.open(sample_path("astronaut.png")).convert("RGB")
    if crop is not None:
        image = image.crop(crop)
    if side is not None:
        image = image.resize((side, side), Image.Resampling.LANCZOS)
    path = folder / f"portrait_{image.width}x{image.height}.png"
    image.save(path)
    return path


def run_cli(*args) -> int:
    return main(["animate", *(str(arg) for arg in args), "--quiet"])


def assert_refused(capsys, code: int, expected_code: int, *fragments: str) -> str:
    err = capsys.readouterr().err.strip()
    assert code == expected_code, err
    assert "\n" not in err and "Traceback" not in err
    for fragment in fragments:
        assert fragment in err
    return err


def test_source_without_a_face_and_crop_auto_names_the_file(folders, tiny_fomm, capsys):
    inputs, outputs = folders
    source = inputs / "texture.png"
    Image.fromarray(moving_frames(1, 160, 160, seed=5)[0]).save(source)
    driving = write_video(inputs / "drive.mp4", carphone_frames(3), 25)
    code = run_cli(source, driving, "-o", outputs / "out.mp4", "--crop", "auto", *tiny_fomm)
    assert_refused(capsys, code, 2, "no face", str(source), "--model vox")
    assert list(outputs.iterdir()) == []


@pytest.mark.slow
def test_source_without_a_face_on_the_default_model(folders, capsys):
    inputs, outputs = folders
    source = inputs / "texture.png"
    Image.fromarray(moving_frames(1, 160, 160, seed=5)[0]).save(source)
    driving = write_video(inputs / "drive.mp4", carphone_frames(3), 25)
    code = run_cli(source, driving, "-o", outputs / "out.mp4")
    assert_refused(capsys, code, 2, "no face", str(source), "--model vox")
    assert list(outputs.iterdir()) == []


def test_one_frame_driving_video(folders, tiny_fomm, capsys):
    inputs, outputs = folders
    driving = write_video(inputs / "one.mp4", carphone_frames(1), Fraction(30000, 1001))
    source = portrait(inputs)
    out = outputs / "one.mp4"
    assert run_cli(source, driving, "-o", out, "--find-best-frame", *tiny_fomm) == 0
    info = probe(out)
    assert info["frames"] == 1 and info["fps"] == Fraction(30000, 1001)
    assert sorted(p.name for p in outputs.iterdir()) == ["one.mp4"]


@pytest.mark.parametrize("side", [48, 64])
def test_tiny_source_is_animated_with_crop_auto(folders, tiny_fomm, capsys, side):
    inputs, outputs = folders
    source = portrait(inputs, side=side, crop=(100, 0, 356, 256))
    driving = write_video(inputs / "drive.mp4", carphone_frames(3), 25)
    out = outputs / "tiny.mp4"
    code = run_cli(source, driving, "-o", out, "--crop", "auto", "--paste-back", *tiny_fomm)
    assert code == 0, capsys.readouterr().err
    assert probe(out)["size"] == (side, side)  # pasted back: the source's own resolution


@pytest.mark.slow
def test_huge_source_is_animated_and_pasted_back(folders, tiny_fomm, capsys):
    inputs, outputs = folders
    image = Image.open(sample_path("astronaut.png")).convert("RGB")
    huge = image.resize((4000, 4000), Image.Resampling.BICUBIC).crop((0, 0, 4000, 3000))
    source = inputs / "huge.jpg"
    huge.save(source, quality=80)
    driving = write_video(inputs / "drive.mp4", carphone_frames(2), 25)
    out = outputs / "huge.mp4"
    code = run_cli(source, driving, "-o", out, "--crop", "auto", "--paste-back", *tiny_fomm)
    assert code == 0, capsys.readouterr().err
    info = probe(out)
    assert info["size"] == (4000, 3000) and info["frames"] == 2


def test_face_touching_the_border_is_cropped_and_pasted_back(folders, tiny_fomm, capsys):
    inputs, outputs = folders
    # the astronaut's face spans x ~180..270: cut through it at x = 200
    source = portrait(inputs, crop=(200, 0, 512, 400))
    driving = write_video(inputs / "drive.mp4", carphone_frames(3), 25)
    out = outputs / "border.mp4"
    code = run_cli(source, driving, "-o", out, "--crop", "auto", "--paste-back", *tiny_fomm)
    assert code == 0, capsys.readouterr().err
    assert probe(out)["size"] == (312, 400)


@pytest.mark.slow
def test_driving_face_lost_for_some_frames(folders, tiny_fomm, capsys):
    inputs, outputs = folders
    frames = carphone_frames(10)
    frames[2:6] = 0  # the face is gone for four frames
    driving = write_video(inputs / "gaps.mp4", frames, 25)
    out = outputs / "gaps.mp4"
    code = run_cli(portrait(inputs), driving, "-o", out, "--find-best-frame", *tiny_fomm)
    assert code == 0, capsys.readouterr().err
    assert probe(out)["frames"] == 10
    assert sorted(p.name for p in outputs.iterdir()) == ["gaps.mp4"]
    model = load_model(tiny_fomm[1], tiny_fomm[3])
    report = animate_video(model, portrait(inputs), driving, outputs / "again.mp4",
                           find_best_frame=True, progress=False)  # fmt: skip
    assert report.best_frame not in range(2, 6) and report.frames == 10


def test_driving_without_any_face_and_find_best_frame_is_refused(folders, tiny_fomm, capsys):
    inputs, outputs = folders
    driving = write_video(inputs / "empty.mp4", moving_frames(4, 64, 64), 25)
    code = run_cli(portrait(inputs), driving, "-o", outputs / "x.mp4", "--find-best-frame",
                   *tiny_fomm)  # fmt: skip
    assert_refused(capsys, code, 2, "no face", "--best-frame N")
    assert list(outputs.iterdir()) == []


@pytest.mark.slow
def test_default_model_holds_the_pose_where_the_driving_face_is_lost(folders, capsys):
    inputs, outputs = folders
    frames = carphone_frames(10)
    frames[3:7] = 0
    driving = write_video(inputs / "gaps.mp4", frames, 25)
    out = outputs / "gaps.mp4"
    code = run_cli(portrait(inputs), driving, "-o", out, "--crop", "auto", "--find-best-frame")
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "lost in 4 frames" in captured.out
    assert probe(out)["frames"] == 10
    assert sorted(p.name for p in outputs.iterdir()) == ["gaps.mp4"]


@pytest.mark.slow
def test_default_model_one_frame_driving_and_tiny_source(folders, capsys):
    inputs, outputs = folders
    driving = write_video(inputs / "one.mp4", carphone_frames(1), 25)
    source = portrait(inputs, side=64, crop=(100, 0, 356, 256))
    out = outputs / "one.mp4"
    assert run_cli(source, driving, "-o", out, "--crop", "auto", "--paste-back") == 0
    info = probe(out)
    assert info["frames"] == 1 and info["size"] == (64, 64)
