"""-o folders are created, and a replaced output is said in the summary line."""

from __future__ import annotations

from fractions import Fraction

from PIL import Image

from facemotion.cli import main
from tests.media import moving_frames, probe, write_video


def _tiny(golden_dir):
    config = golden_dir / "tiny-64.yaml"
    return ["--checkpoint", golden_dir / "tiny-cpk.pth.tar", "--config", config]


def test_animate_creates_the_output_folder_and_says_when_it_replaces(tmp_path, golden_dir, capsys):
    source = tmp_path / "face.png"
    Image.fromarray(moving_frames(1, 80, 100, seed=3)[0]).save(source)
    driving = write_video(tmp_path / "drive.mp4", moving_frames(6, 72, 96), Fraction(25))
    output = tmp_path / "new" / "deeper" / "out.mp4"
    tiny = _tiny(golden_dir)
    argv = [str(a) for a in ["animate", source, driving, "-o", output, *tiny, "--quiet"]]
    assert main(argv) == 0
    first = capsys.readouterr().out
    assert probe(output)["frames"] == 6 and "replaced" not in first
    assert main(argv) == 0
    assert f"replaced the existing {output}" in capsys.readouterr().out
    assert main([*argv[:4], str(tmp_path / "frames"), *argv[5:]]) == 0  # a new PNG folder
    assert len(list((tmp_path / "frames").glob("frame_*.png"))) == 6


def test_animate_says_the_real_size_of_a_pasted_back_odd_source(tmp_path, golden_dir, capsys):
    source = tmp_path / "odd.png"
    Image.fromarray(moving_frames(1, 81, 101, seed=3)[0]).save(source)
    driving = write_video(tmp_path / "drive.mp4", moving_frames(4, 72, 96), Fraction(25))
    tiny = _tiny(golden_dir)
    output = tmp_path / "out.mp4"
    argv = ["animate", source, driving, "-o", output, "--paste-back", *tiny, "--quiet"]
    assert main([str(a) for a in argv]) == 0
    assert probe(output)["size"] == (102, 82) and "102x82" in capsys.readouterr().out
