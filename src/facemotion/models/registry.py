"""Released FOMM models by name: their configuration (shipped) and checkpoint file name."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import yaml

from facemotion.config import FommConfig, config_from_dict
from facemotion.errors import ModelError


@dataclass(frozen=True)
class ReleasedModel:
    name: str
    config_name: str
    checkpoint_file: str
    description: str


RELEASED_MODELS: dict[str, ReleasedModel] = {
    model.name: model
    for model in (
        ReleasedModel("vox", "vox-256", "vox-cpk.pth.tar", "faces (VoxCeleb)"),
        ReleasedModel("vox-adv", "vox-adv-256", "vox-adv-cpk.pth.tar", "faces, adversarial"),
        ReleasedModel("taichi", "taichi-256", "taichi-cpk.pth.tar", "full bodies (Tai-Chi-HD)"),
        ReleasedModel(
            "taichi-adv", "taichi-adv-256", "taichi-adv-cpk.pth.tar", "full bodies, adversarial"
        ),
        ReleasedModel("nemo", "nemo-256", "nemo-cpk.pth.tar", "faces smiling (Nemo)"),
        ReleasedModel("mgif", "mgif-256", "mgif-cpk.pth.tar", "cartoon animals (MGif)"),
        ReleasedModel("fashion", "fashion-256", "fashion-cpk.pth.tar", "fashion models"),
        ReleasedModel("bair", "bair-256", "bair-cpk.pth.tar", "robot arm (BAIR)"),
    )
}

CONFIG_NAMES = tuple(model.config_name for model in RELEASED_MODELS.values())


def released_config(name: str) -> FommConfig:
    """The shipped configuration for a model name ('vox') or config name ('vox-256')."""
    config_name = RELEASED_MODELS[name].config_name if name in RELEASED_MODELS else name
    if config_name not in CONFIG_NAMES:
        known = ", ".join(list(RELEASED_MODELS) + list(CONFIG_NAMES))
        raise ModelError(f"unknown model or configuration '{name}'; known: {known}")
    text = resources.files("facemotion.models.configs").joinpath(f"{config_name}.yaml").read_text()
    return config_from_dict(yaml.safe_load(text), name=config_name)
