from __future__ import annotations

from pathlib import Path

import pytest
import torch
import yaml

from tests.train.synthetic import make_dataset


@pytest.fixture(autouse=True)
def _one_thread():
    # 2 shared cores: more than one intra-op thread per process only adds contention.
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


@pytest.fixture
def tiny_config(golden_dir, tmp_path):
    """Write a variant of the golden tiny-64 config; returns a function of overrides."""

    def make(name: str = "tiny", **train_overrides) -> Path:
        raw = yaml.safe_load((golden_dir / "tiny-64.yaml").read_text())
        weights = train_overrides.pop("loss_weights", {})
        raw["train_params"].update(train_overrides)
        raw["train_params"]["loss_weights"].update(weights)
        path = tmp_path / f"{name}.yaml"
        path.write_text(yaml.safe_dump(raw))
        return path

    return make


@pytest.fixture(scope="session")
def shapes_data(tmp_path_factory) -> Path:
    """4 training and 1 test clip of 12 frames, 64x64 PNG folders."""
    return make_dataset(tmp_path_factory.mktemp("shapes"), videos=4, frames=12, size=64)
