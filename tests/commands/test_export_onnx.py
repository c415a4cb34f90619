"""`facemotion export-onnx` on the golden tiny checkpoint."""

from __future__ import annotations

import argparse
import json

import numpy as np
import onnxruntime
import pytest

from facemotion.commands import export_onnx
from facemotion.errors import InputError


def _run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="facemotion")
    export_onnx.register(parser.add_subparsers())
    args = parser.parse_args(["export-onnx", *argv])
    return args.func(args)


def test_writes_three_graphs_that_onnxruntime_runs(golden_dir, tmp_path, capsys):
    out = tmp_path / "onnx"
    checkpoint, config = golden_dir / "tiny-cpk.pth.tar", golden_dir / "tiny-64.yaml"
    assert _run("--checkpoint", str(checkpoint), "--config", str(config), "-o", str(out)) == 0
    assert "wrote 3 ONNX graphs" in capsys.readouterr().out
    about = json.loads((out / "facemotion-onnx.json").read_text())
    assert about["frame_size"] == 64 and about["num_kp"] == 4 and about["opset"] == 17
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [*(g["file"] for g in about["graphs"].values()), "facemotion-onnx.json"]
    )
    golden = np.load(golden_dir / "tiny-inputs-outputs.npz")
    session = onnxruntime.InferenceSession(str(out / "keypoint_detector.onnx"))
    image = golden["driving"].transpose(0, 3, 1, 2)
    value, jacobian = session.run(None, {"image": image})
    np.testing.assert_allclose(value, golden["kp_driving_value"], atol=1e-5, rtol=0)
    np.testing.assert_allclose(jacobian, golden["kp_driving_jacobian"], atol=1e-5, rtol=0)


def test_refuses_the_landmark_model(tmp_path):
    with pytest.raises(InputError, match="exports FOMM models"):
        _run("--model", "landmarks", "-o", str(tmp_path / "x"))


def test_refuses_a_file_as_output(golden_dir, tmp_path):
    target = tmp_path / "file.onnx"
    target.write_text("")
    with pytest.raises(InputError, match="not a folder"):
        _run("--checkpoint", str(golden_dir / "tiny-cpk.pth.tar"), "-o", str(target))


def test_help_shows_examples(capsys):
    with pytest.raises(SystemExit):
        _run("--help")
    assert "facemotion export-onnx --model vox -o vox-onnx/" in capsys.readouterr().out


def test_says_when_it_replaces_an_earlier_export(golden_dir, tmp_path, capsys):
    out = tmp_path / "onnx"
    checkpoint, config = golden_dir / "tiny-cpk.pth.tar", golden_dir / "tiny-64.yaml"
    argv = ("--checkpoint", str(checkpoint), "--config", str(config), "-o", str(out))
    assert _run(*argv) == 0
    assert "replaced" not in capsys.readouterr().out
    assert _run(*argv) == 0
    assert capsys.readouterr().out.rstrip().endswith("; replaced 4 existing files")
