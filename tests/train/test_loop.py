from __future__ import annotations

import errno
import signal

import pytest
import torch

from facemotion.config import load_config
from facemotion.errors import Interrupted, ModelError, OutputError
from facemotion.models import checkpoint as checkpoint_module
from facemotion.models.checkpoint import read_checkpoint
from facemotion.train import loop
from facemotion.train.loop import TrainOptions, train


def _options(data, out, **kwargs):
    return TrainOptions(data, out, progress=False, device="cpu", say=lambda line: None, **kwargs)


def _states(result):
    return {
        f"{name}.{k}": v.clone()
        for name, net in result.networks.items()
        for k, v in net.state_dict().items()
    }


def test_checkpoint_layout_and_outputs(tiny_config, shapes_data, tmp_path):
    cfg = load_config(tiny_config(loss_weights={"generator_gan": 1}))
    result = train(cfg, _options(shapes_data, tmp_path, epochs=1))
    assert result.steps == 2 and result.next_epoch == 1
    saved = read_checkpoint(tmp_path / "00000000-checkpoint.pth.tar")
    assert {
        "generator",
        "kp_detector",
        "discriminator",
        "optimizer_generator",
        "optimizer_kp_detector",
        "optimizer_discriminator",
        "epoch",
    } <= set(saved)
    assert saved["epoch"] == 0 and saved["facemotion_next_epoch"] == 1
    assert not any(k.startswith("module.") for k in saved["generator"])
    assert "discs.1.down_blocks.0.conv.weight_orig" in saved["discriminator"]
    assert (tmp_path / "last.pth.tar").is_file() and (tmp_path / "losses.png").is_file()
    assert (tmp_path / "samples" / "epoch-0001.png").is_file()
    header = (tmp_path / "log.csv").read_text().splitlines()[0]
    for column in (
        "perceptual",
        "generator_gan",
        "feature_matching",
        "discriminator_gan",
        "equivariance_value",
        "equivariance_jacobian",
        "lr_generator",
    ):
        assert column in header
    assert not list(tmp_path.glob("*.tmp-*"))


def test_resume_is_exact(tiny_config, shapes_data, tmp_path):
    # 2 steps an epoch, lr x0.1 after epoch 1: the resumed run crosses the milestone.
    cfg = load_config(tiny_config())
    straight = train(cfg, _options(shapes_data, tmp_path / "a", epochs=2, max_steps=3))
    first = train(cfg, _options(shapes_data, tmp_path / "b", epochs=2, max_steps=1))
    assert read_checkpoint(first.checkpoint)["facemotion_step"] == 1
    resumed = train(
        cfg, _options(shapes_data, tmp_path / "b", epochs=2, max_steps=2, resume=first.checkpoint)
    )
    a, b = _states(straight), _states(resumed)
    for key in a:
        assert torch.equal(a[key], b[key]), key
    saved = read_checkpoint(tmp_path / "b" / "last.pth.tar")
    lrs = [g["lr"] for g in saved["optimizer_generator"]["param_groups"]]
    assert lrs == [pytest.approx(2e-5)]


def test_resume_from_another_config(tiny_config, golden_dir, shapes_data, tmp_path):
    cfg = load_config(tiny_config())
    first = train(cfg, _options(shapes_data, tmp_path / "a", max_steps=1))
    other = tiny_config("other")
    text = other.read_text().replace("num_kp: 4", "num_kp: 5")
    other.write_text(text)
    with pytest.raises(ModelError, match="does not fit configuration other"):
        train(load_config(other), _options(shapes_data, tmp_path / "b", resume=first.checkpoint))
    finished = train(cfg, _options(shapes_data, tmp_path / "c", epochs=1))
    with pytest.raises(Exception, match="ask for more epochs; try epochs=2"):
        train(cfg, _options(shapes_data, tmp_path / "c", epochs=1, resume=finished.checkpoint))


def test_ctrl_c_keeps_a_resumable_checkpoint(tiny_config, shapes_data, tmp_path, monkeypatch):
    cfg = load_config(tiny_config())
    calls = []
    sample = loop.RandomTPS.sample

    def sample_and_interrupt(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            signal.raise_signal(signal.SIGINT)  # as if Ctrl-C came during step 2
        return sample(*args, **kwargs)

    monkeypatch.setattr(loop.RandomTPS, "sample", staticmethod(sample_and_interrupt))
    with pytest.raises(Interrupted, match="try resume='.*last.pth.tar'"):
        train(cfg, _options(shapes_data, tmp_path, epochs=2))
    saved = read_checkpoint(tmp_path / "last.pth.tar")
    # step 2 finished before stopping: epoch 0 is done, the run continues at epoch 1
    assert saved["facemotion_next_epoch"] == 1 and saved["facemotion_step"] == 0
    monkeypatch.setattr(loop.RandomTPS, "sample", staticmethod(sample))
    result = train(cfg, _options(shapes_data, tmp_path, epochs=2, resume=tmp_path / "last.pth.tar"))
    assert result.steps == 2 and result.next_epoch == 2


def test_disk_full_keeps_the_previous_checkpoint(tiny_config, shapes_data, tmp_path, monkeypatch):
    cfg = load_config(tiny_config())
    real_save = torch.save
    calls = []

    def save_until_full(obj, path, *args, **kwargs):
        calls.append(path)
        if len(calls) >= 2:
            with open(path, "wb") as handle:
                handle.write(b"partial")
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_save(obj, path, *args, **kwargs)

    monkeypatch.setattr(checkpoint_module.torch, "save", save_until_full)
    with pytest.raises(OutputError, match="No space left.*00000000-checkpoint.pth.tar is intact"):
        train(cfg, _options(shapes_data, tmp_path, epochs=2))
    monkeypatch.setattr(checkpoint_module.torch, "save", real_save)
    assert read_checkpoint(tmp_path / "00000000-checkpoint.pth.tar")["epoch"] == 0
    assert not list(tmp_path.glob("*.tmp-*"))
