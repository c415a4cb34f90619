"""train, prepare and evaluate from the command line: outputs, tables, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from facemotion import cli
from tests.train.synthetic import make_dataset, shape_frames, write_frame_folder, write_gif


def main(argv: list[str]) -> int:
    torch.set_num_threads(1)
    return cli.main(argv)


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    return make_dataset(tmp_path_factory.mktemp("cli"), videos=2, frames=6, size=64)


@pytest.fixture(scope="module")
def trained(data, tmp_path_factory, golden_dir) -> Path:
    out = tmp_path_factory.mktemp("run")
    code = main(
        [
            "train",
            "--config",
            str(golden_dir / "tiny-64.yaml"),
            "--data",
            str(data),
            "--out",
            str(out),
            "--max-steps",
            "2",
            "--workers",
            "0",
            "--quiet",
            "--device",
            "cpu",
        ]
    )
    assert code == 0
    return out


def test_train_writes_checkpoints_and_logs(trained, capsys):
    assert (trained / "last.pth.tar").is_file()
    assert (trained / "log.csv").is_file() and (trained / "losses.png").is_file()


def test_train_errors_are_one_line(golden_dir, tmp_path, capsys):
    code = main(
        [
            "train",
            "--config",
            str(golden_dir / "tiny-64.yaml"),
            "--data",
            str(tmp_path / "none"),
            "--out",
            str(tmp_path / "out"),
            "--workers",
            "0",
        ]
    )
    err = capsys.readouterr().err.strip()
    assert code == 2 and "\n" not in err and "does not exist" in err
    (tmp_path / "empty" / "train").mkdir(parents=True)
    code = main(
        [
            "train",
            "--config",
            str(golden_dir / "tiny-64.yaml"),
            "--data",
            str(tmp_path / "empty"),
            "--out",
            str(tmp_path / "out"),
            "--workers",
            "0",
        ]
    )
    err = capsys.readouterr().err.strip()
    assert code == 2 and "\n" not in err and "no usable video" in err


def test_evaluate_prints_table_and_writes_reports(
    trained, data, golden_dir, tmp_path, capsys, monkeypatch
):
    from facemotion.train import evaluate

    def fake_landmarks(frames):  # the bright centroid as one "landmark": AKD is computable
        for frame in frames:
            weights = frame.astype(np.float32).sum(-1)
            ys, xs = np.mgrid[: frame.shape[0], : frame.shape[1]]
            point = np.array([[(weights * xs).sum(), (weights * ys).sum()]]) / weights.sum()
            yield point.astype(np.float32), True

    monkeypatch.setattr(evaluate, "default_landmarks", lambda: fake_landmarks)
    output = tmp_path / "eval.json"
    code = main(
        [
            "evaluate",
            "--checkpoint",
            str(trained / "last.pth.tar"),
            "--config",
            str(golden_dir / "tiny-64.yaml"),
            "--data",
            str(data),
            "-o",
            str(output),
            "--quiet",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    header = next(line for line in out.splitlines() if line.startswith("video"))
    assert header.split()[-2:] == ["L1", "AKD"] and "overall" in out
    report = json.loads(output.read_text())
    assert report["overall"]["frames"] == 6
    # L1 recomputed here: each frame from frame 0 with the keypoints as they are, against itself
    from facemotion.io.images import load_image
    from facemotion.pipeline.load import load_model

    model = load_model(trained / "last.pth.tar", golden_dir / "tiny-64.yaml")
    video = sorted((data / "test").iterdir())[0]
    frames = [load_image(p).astype(np.float32) / 255 for p in sorted(video.iterdir())]
    predicted = model.animate(frames[0], iter(frames), relative=False, adapt_scale=False)
    expected = np.mean([np.abs(f - g).mean() for f, g in zip(frames, predicted, strict=True)])
    assert abs(report["overall"]["l1"] - expected) < 1e-5 and expected > 0.01
    assert report["overall"]["akd"] >= 0 and report["videos"][0]["video"] == "test00"
    assert output.with_suffix(".csv").read_text().splitlines()[-1].startswith("overall,6,")


def test_evaluate_landmark_model_on_a_talking_head(tmp_path, capsys):
    from facemotion.assets import sample_path
    from facemotion.io.images import center_square
    from facemotion.io.video import VideoReader

    with VideoReader(sample_path("carphone.mp4")) as reader:
        frames = np.stack([center_square(f) for _, f in zip(range(8), reader, strict=False)])
    write_frame_folder(tmp_path / "data" / "test" / "carphone", frames)
    output = tmp_path / "lm.json"
    code = main(
        ["evaluate", "--model", "landmarks", "--data", str(tmp_path / "data"), "--size", "144",
         "-o", str(output), "--quiet"]
    )  # fmt: skip
    assert code == 0, capsys.readouterr().err
    assert "overall" in capsys.readouterr().out
    overall = json.loads(output.read_text())["overall"]
    # frame 0 reconstructs itself; the others differ a little: small but non-zero errors
    assert overall["frames"] == 8 and 0 < overall["l1"] < 0.1
    assert 0 <= overall["akd"] < 5


def test_prepare_center_crops(tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_gif(raw / "wide.gif", shape_frames(5, 64)[:, 8:56])  # 48x64: cropped to a square
    write_frame_folder(raw / "frames", shape_frames(4, 80, seed=2))
    write_frame_folder(raw / "single", shape_frames(1, 64))
    (raw / "notes.txt").write_text("not a video")
    out = tmp_path / "data"
    code = main(
        ["prepare", str(raw), str(out), "--size", "32", "--crop", "center", "--test-fraction", "0"]
    )
    captured = capsys.readouterr()
    assert code == 0 and "skipped single: fewer than 2 frames" in captured.err
    written = sorted(p.name for p in (out / "train").iterdir())
    assert written == ["frames", "wide"]
    from PIL import Image

    frames = sorted((out / "train" / "wide").iterdir())
    assert len(frames) == 5 and Image.open(frames[0]).size == (32, 32)
    assert not list(out.rglob("*.tmp-*"))
