"""Checkpoint loading: released layout, module prefix, strict checks, refusing code."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import torch

from facemotion.config import load_config
from facemotion.errors import ModelError
from facemotion.models.checkpoint import (
    build_networks,
    load_networks,
    matching_configs,
    read_checkpoint,
    save_checkpoint,
)
from facemotion.models.registry import CONFIG_NAMES, RELEASED_MODELS, released_config


@pytest.fixture(scope="module")
def tiny(golden_dir):
    return load_config(golden_dir / "tiny-64.yaml")


def test_released_configs_ship_and_have_the_published_sizes():
    assert len(RELEASED_MODELS) == 8
    for name in CONFIG_NAMES:
        cfg = released_config(name)
        kp_detector, generator = build_networks(cfg, device="meta")
        assert cfg.frame_size == 256
        assert sum(p.numel() for p in generator.parameters()) == 45_575_391
        expected = 14_153_592 if name == "mgif-256" else 14_215_368
        assert sum(p.numel() for p in kp_detector.parameters()) == expected


def test_vox_state_dict_names_and_shapes_match_the_release(golden_dir):
    spec = (golden_dir.parent / "fomm-vox256-state-dict.txt").read_text().splitlines()
    expected = {}
    for line in spec:
        if line.startswith(("generator.", "kp_detector.")):
            key, rest = line.split(" ", 1)
            shape = rest.rsplit(" ", 1)[0]
            expected[key] = tuple(int(x) for x in shape.strip("()").split(",") if x.strip())
    kp_detector, generator = build_networks(released_config("vox"), device="meta")
    ours = {f"kp_detector.{k}": tuple(v.shape) for k, v in kp_detector.state_dict().items()}
    ours |= {f"generator.{k}": tuple(v.shape) for k, v in generator.state_dict().items()}
    assert ours == expected


def test_roundtrip_with_module_prefix(tmp_path, tiny):
    kp_detector, generator = build_networks(tiny)
    path = tmp_path / "prefixed-cpk.pth.tar"
    torch.save(
        {
            "generator": {f"module.{k}": v for k, v in generator.state_dict().items()},
            "kp_detector": {f"module.{k}": v for k, v in kp_detector.state_dict().items()},
        },
        path,
    )
    loaded_kp, loaded_gen = load_networks(read_checkpoint(path), tiny)
    for a, b in zip(generator.state_dict().values(), loaded_gen.state_dict().values(), strict=True):
        assert torch.equal(a, b)
    assert not loaded_kp.training


def test_save_checkpoint_writes_released_layout(tmp_path, tiny):
    kp_detector, generator = build_networks(tiny)
    path = tmp_path / "out-cpk.pth.tar"
    save_checkpoint(path, generator=generator, kp_detector=kp_detector, epoch=3)
    loaded = torch.load(path, weights_only=True)
    assert set(loaded) == {"generator", "kp_detector", "epoch"} and loaded["epoch"] == 3
    assert [p.name for p in tmp_path.iterdir()] == ["out-cpk.pth.tar"]


def test_wrong_config_names_keys_and_the_config_that_fits(golden_dir):
    checkpoint = read_checkpoint(golden_dir / "tiny-cpk.pth.tar")
    with pytest.raises(ModelError) as info:
        load_networks(checkpoint, released_config("vox"))
    message = str(info.value)
    assert "does not fit configuration vox-256" in message and "\n" not in message
    assert "kp_detector" in message and "expected" in message


def test_matching_configs_finds_vox_for_vox_shapes():
    kp_detector, generator = build_networks(released_config("vox"), device="meta")
    fake = {"kp_detector": kp_detector.state_dict(), "generator": generator.state_dict()}
    fits = matching_configs(fake)
    assert "vox-256" in fits and "mgif-256" not in fits


class _Evil:
    def __reduce__(self):
        return (print, ("this must never run",))


def test_pickle_that_needs_code_is_refused(tmp_path, capsys):
    path = tmp_path / "evil-cpk.pth.tar"
    torch.save({"generator": _Evil(), "kp_detector": {}}, path, pickle_module=pickle)
    with pytest.raises(ModelError, match="never runs code"):
        read_checkpoint(path)
    assert "this must never run" not in capsys.readouterr().out


@pytest.mark.parametrize(
    "content, match",
    [(b"", "corrupt or truncated"), (b"not a checkpoint at all", "corrupt or truncated")],
)
def test_corrupt_files_are_refused(tmp_path, content, match):
    path = tmp_path / "bad.pth.tar"
    path.write_bytes(content)
    with pytest.raises(ModelError, match=match):
        read_checkpoint(path)


def test_truncated_checkpoint_is_refused(tmp_path, golden_dir):
    data = (golden_dir / "tiny-cpk.pth.tar").read_bytes()
    path = tmp_path / "truncated.pth.tar"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelError, match="corrupt or truncated"):
        read_checkpoint(path)


def test_not_a_fomm_checkpoint(tmp_path):
    path = tmp_path / "other.pth"
    torch.save({"state_dict": {}}, path)
    with pytest.raises(ModelError, match="not a FOMM checkpoint"):
        read_checkpoint(path)


def test_missing_file():
    with pytest.raises(ModelError, match="does not exist"):
        read_checkpoint("/nonexistent/vox-cpk.pth.tar")


@pytest.mark.parametrize("seed", range(6))
def test_random_bytes_are_a_corrupt_checkpoint(tmp_path, seed):
    path = tmp_path / "noise-cpk.pth.tar"
    path.write_bytes(np.random.default_rng(seed).bytes(4096))
    with pytest.raises(ModelError, match="corrupt or truncated|not a FOMM checkpoint|need code"):
        read_checkpoint(path)
