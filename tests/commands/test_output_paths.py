"""-o folders are created, and a replaced output is said in the summary line."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from PIL import Image

from facemotion.cli import main
from facemotion.io.video import VideoReader
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


@pytest.fixture
def source_model(monkeypatch):
    """`animate` with a stand-in model that returns the source: fast for 120 frames."""
    import facemotion.pipeline.load
    from tests.fakes import SourceModel

    monkeypatch.setattr(facemotion.pipeline.load, "load_model", lambda *a, **k: SourceModel())


def test_animate_keeps_and_names_a_variable_frame_rate(tmp_path, source_model, capsys):
    times = np.concatenate([np.arange(60) * 0.033, 60 * 0.033 + np.arange(60) * 0.067])
    driving = write_video(tmp_path / "vfr.mp4", moving_frames(120, 32, 32), 30, times=times)
    Image.fromarray(moving_frames(1, 32, 32)[0]).save(tmp_path / "face.png")
    out = tmp_path / "out.mp4"
    assert main(["animate", str(tmp_path / "face.png"), str(driving), "-o", str(out)]) == 0
    assert "variable frame rate kept" in capsys.readouterr().out
    with VideoReader(out) as reader:
        written = [time for time, _ in reader.timed_frames()]
    assert abs(written[60] - 1.98) < 0.002  # 2.95 s at the mean rate


def test_animate_output_ending_in_a_slash_is_a_png_folder(tmp_path, source_model, capsys):
    driving = write_video(tmp_path / "d.mp4", moving_frames(3, 32, 32), 25)
    Image.fromarray(moving_frames(1, 32, 32)[0]).save(tmp_path / "face.png")
    folder = f"{tmp_path}/out/frames.v2/"
    code = main(["animate", str(tmp_path / "face.png"), str(driving), "-o", folder, "--quiet"])
    assert code == 0, capsys.readouterr().err
    assert len(list((tmp_path / "out" / "frames.v2").glob("frame_*.png"))) == 3


def test_animate_says_replaced_when_another_run_wrote_the_output_meanwhile(
    tmp_path, monkeypatch, capsys
):
    import facemotion.pipeline.load
    from tests.fakes import SourceModel

    out = tmp_path / "out.mp4"

    class Racing(SourceModel):
        def animate(self, source, driving, **options):
            out.write_bytes(b"another run's result, finished first")
            yield from super().animate(source, driving, **options)

    monkeypatch.setattr(facemotion.pipeline.load, "load_model", lambda *a, **k: Racing())
    driving = write_video(tmp_path / "d.mp4", moving_frames(3, 32, 32), 25)
    Image.fromarray(moving_frames(1, 32, 32)[0]).save(tmp_path / "face.png")
    assert main(["animate", str(tmp_path / "face.png"), str(driving), "-o", str(out)]) == 0
    assert f"replaced the existing {out}" in capsys.readouterr().out
    assert probe(out)["frames"] == 3


def test_outputs_named_after_a_long_input_name_are_cut_to_fit(tmp_path, capsys):
    # the clip's name fits in 255 bytes; with "_overlay.mp4" added it would not
    from facemotion.assets import sample_path

    with VideoReader(sample_path("carphone.mp4")) as reader:
        frames = np.stack([frame for _, frame in zip(range(4), reader, strict=False)])
    clip = write_video(tmp_path / ("v" * 246 + ".mp4"), frames, 25)
    out = tmp_path / "out"
    code = main(["capture", str(clip), "-o", str(out), "--formats", "json,overlay", "--quiet"])
    assert code == 0, capsys.readouterr().err
    names = sorted(path.name for path in out.iterdir())
    assert len(names) == 2 and all(len(name.encode()) <= 255 for name in names)
    assert names[0].startswith("v" * 200) and names[1].endswith("_overlay.mp4")
