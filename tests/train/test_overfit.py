"""The tiny config overfits moving textured shapes on CPU: reconstruction L1 halves."""

from __future__ import annotations

import pytest
import torch

from facemotion.config import load_config
from facemotion.models.checkpoint import build_networks
from facemotion.models.fomm import FommModel
from facemotion.pipeline.load import load_model
from facemotion.train.data import scan_videos
from facemotion.train.evaluate import evaluate
from facemotion.train.loop import TrainOptions, train
from tests.train.synthetic import make_dataset


@pytest.mark.slow
def test_tiny_config_overfits_training_clips(tiny_config, tmp_path):
    data = make_dataset(tmp_path / "data", videos=4, frames=12, size=64)
    path = tiny_config(
        batch_size=4, num_repeats=10, num_epochs=10, epoch_milestones=[100], checkpoint_freq=5
    )
    cfg = load_config(path)
    entries, _ = scan_videos(data / "train", cfg.dataset.frame_shape)
    torch.manual_seed(0)  # the initial weights train() starts from (seed 0)
    kp_detector, generator = build_networks(cfg)
    before = evaluate(
        FommModel(cfg, kp_detector.eval(), generator.eval()), entries, (64, 64), progress=False
    )[1]["l1"]

    out = tmp_path / "run"
    result = train(
        cfg, TrainOptions(data, out, progress=False, device="cpu", say=lambda line: None)
    )
    assert result.steps == 100
    after = evaluate(
        load_model(str(result.checkpoint), config=cfg), entries, (64, 64), progress=False
    )[1]["l1"]
    print(f"reconstruction L1 on the training clips: {before:.4f} -> {after:.4f}")
    assert after < 0.5 * before
    rows = (out / "log.csv").read_text().splitlines()
    assert len(rows) == 11 and (out / "00000009-checkpoint.pth.tar").is_file()

    from PIL import Image

    from facemotion.cli import main

    source = tmp_path / "source.png"
    first = sorted((data / "test" / "test00").iterdir())[0]
    Image.open(first).save(source)
    video = tmp_path / "driving.gif"
    frames = [Image.open(p) for p in sorted((data / "test" / "test00").iterdir())]
    frames[0].save(video, save_all=True, append_images=frames[1:], duration=40)
    code = main(
        [
            "animate",
            str(source),
            str(video),
            "--checkpoint",
            str(result.checkpoint),
            "--config",
            str(path),
            "-o",
            str(tmp_path / "animated.mp4"),
            "--quiet",
        ]
    )
    assert code == 0 and (tmp_path / "animated.mp4").stat().st_size > 0
