"""`facemotion animate` end to end on FOMM checkpoints and generated media."""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from facemotion.cli import main
from facemotion.models.checkpoint import build_networks, save_checkpoint
from facemotion.models.registry import released_config
from tests.media import moving_frames, probe, write_video


@pytest.fixture
def inputs(tmp_path):
    source = tmp_path / "face.png"
    Image.fromarray(moving_frames(1, 80, 100, seed=3)[0]).save(source)
    driving = write_video(tmp_path / "drive.mp4", moving_frames(12, 72, 96), Fraction(25))
    return source, driving


def run_cli(*args: str) -> int:
    return main([str(a) for a in args])


def test_tiny_checkpoint_to_mp4_keeps_fps_frames_and_audio(tmp_path, inputs, golden_dir, capsys):
    source, driving = inputs
    out = tmp_path / "out.mp4"
    code = run_cli(
        "animate", source, driving, "-o", out, "--quiet",
        "--checkpoint", golden_dir / "tiny-cpk.pth.tar", "--config", golden_dir / "tiny-64.yaml",
    )  # fmt: skip
    assert code == 0, capsys.readouterr().err
    info, expected = probe(out), probe(driving)
    assert info["fps"] == expected["fps"] and info["frames"] == expected["frames"] == 12
    assert info["size"] == (64, 64)
    assert abs(info["audio_seconds"] - expected["audio_seconds"]) < 0.05
    assert "wrote" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["drive.mp4", "face.png", "out.mp4"]


def test_png_sequence_output_with_best_frame(tmp_path, inputs, golden_dir):
    source, driving = inputs
    folder = tmp_path / "frames"
    folder.mkdir()
    code = run_cli(
        "animate", source, driving, "-o", folder, "--quiet", "--best-frame", "4",
        "--checkpoint", golden_dir / "tiny-cpk.pth.tar", "--config", golden_dir / "tiny-64.yaml",
    )  # fmt: skip
    assert code == 0
    pngs = sorted(folder.glob("*.png"))
    assert len(pngs) == 12
    assert np.asarray(Image.open(pngs[0])).shape == (64, 64, 3)


@pytest.mark.slow
def test_generated_vox256_checkpoint_animates(tmp_path, inputs, capsys):
    torch.manual_seed(0)
    kp_detector, generator = build_networks(released_config("vox"))
    checkpoint = tmp_path / "vox-random-cpk.pth.tar"
    save_checkpoint(checkpoint, generator=generator, kp_detector=kp_detector)
    source, _ = inputs
    driving = write_video(tmp_path / "short.mp4", moving_frames(3, 64, 64), Fraction(30000, 1001))
    out = tmp_path / "vox.mp4"
    # no --config: the checkpoint's shapes pick the shipped vox-256 configuration
    code = run_cli("animate", source, driving, "-o", out, "--quiet", "--checkpoint", checkpoint)
    assert code == 0
    info = probe(out)
    assert info["size"] == (256, 256) and info["frames"] == 3
    assert info["fps"] == Fraction(30000, 1001)
    assert info["audio_seconds"] > 0


@pytest.mark.parametrize(
    "make_args, message",
    [
        (lambda s, d, t: [t / "missing.png", d], "does not exist"),
        (lambda s, d, t: [s, t / "missing.mp4"], "does not exist"),
        (lambda s, d, t: [d, d], "not an image"),
        (lambda s, d, t: [s, s], "video"),
        (lambda s, d, t: [s, d, "-o", d], "is the input"),
        (lambda s, d, t: [s, d, "-o", Path(d) / "x.mp4"], "is a file"),
        (lambda s, d, t: [s, d, "--model", "nonsense"], "neither a model name"),
        (lambda s, d, t: [s, d, "--best-frame", "99"], "past the end"),
    ],
)
def test_bad_input_is_one_line_and_nonzero(
    tmp_path, inputs, golden_dir, capsys, make_args, message
):
    source, driving = inputs
    args = make_args(source, driving, tmp_path)
    if "--model" not in args:
        args += ["--checkpoint", golden_dir / "tiny-cpk.pth.tar", "--config", "nope.yaml"]
        args[-1] = golden_dir / "tiny-64.yaml"
    code = run_cli("animate", *args, "--quiet")
    err = capsys.readouterr().err.strip()
    assert code != 0
    assert message in err and len(err.splitlines()) == 1 and "Traceback" not in err


def test_wrong_config_for_checkpoint(tmp_path, inputs, golden_dir, capsys):
    source, driving = inputs
    code = run_cli(
        "animate", source, driving, "-o", tmp_path / "x.mp4",
        "--checkpoint", golden_dir / "tiny-cpk.pth.tar", "--config", "vox-256",
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == 3 and "does not fit configuration vox-256" in err
    assert not (tmp_path / "x.mp4").exists()


def test_read_only_output_folder(tmp_path, inputs, golden_dir, capsys, monkeypatch):
    source, driving = inputs
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o500)
    # root may write anywhere, so the permission check itself is made to see what a user sees
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode: False if Path(p) == folder else real_access(p, mode)
    )
    code = run_cli(
        "animate", source, driving, "-o", folder / "x.mp4",
        "--checkpoint", golden_dir / "tiny-cpk.pth.tar", "--config", golden_dir / "tiny-64.yaml",
    )  # fmt: skip
    assert code != 0 and "not writable" in capsys.readouterr().err


def test_help_and_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["animate", "--help"])
    assert info.value.code == 0
    text = capsys.readouterr().out
    assert "examples:" in text and "--adapt-scale" in text and "--best-frame" in text
    with pytest.raises(SystemExit):
        main(["--version"])
    assert "facemotion 0.1.0" in capsys.readouterr().out


@pytest.mark.parametrize(
    "flag, expected", [((), "retarget"), (("--expression", "relative"), "relative")]
)
def test_expression_flag_reaches_the_landmark_model(inputs, monkeypatch, flag, expected):
    import facemotion.pipeline.load as load

    chosen = []
    original = load.load_model

    def spy(*args, **kwargs):
        model = original(*args, **kwargs)
        chosen.append(model.options.expression)
        raise KeyboardInterrupt  # stop before animating: the choice is what is tested

    monkeypatch.setattr(load, "load_model", spy)
    source, driving = inputs
    assert run_cli("animate", source, driving, "--quiet", *flag) == 130
    assert chosen == [expected]
    with pytest.raises(SystemExit):  # argparse's own usage error
        run_cli("animate", source, driving, "--expression", "absolute")
