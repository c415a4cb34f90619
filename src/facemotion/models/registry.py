"""Every model by name: the embedded landmark model and the released FOMM models, with their
configuration (shipped) and checkpoint file name. `pipeline.load.load_model` builds a model
from its entry's `kind`; the CLI, the web app and the docs list models from this table."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import yaml

from facemotion.config import FommConfig, config_from_dict
from facemotion.errors import ModelError

LANDMARKS = "landmarks"  # the kind (and name) of the embedded landmark-driven model
FOMM = "fomm"  # a First Order Motion Model checkpoint
DEFAULT_MODEL = LANDMARKS


@dataclass(frozen=True)
class ReleasedModel:
    """A model by name. kind: LANDMARKS or FOMM; embedded models have no configuration or
    checkpoint (config_name and checkpoint_file empty) and need no download."""

    name: str
    config_name: str
    checkpoint_file: str
    description: str
    kind: str = FOMM

    @property
    def embedded(self) -> bool:
        return not self.checkpoint_file


EMBEDDED_MODELS: dict[str, ReleasedModel] = {
    LANDMARKS: ReleasedModel(LANDMARKS, "", "", "any face, embedded (default)", kind=LANDMARKS)
}

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

MODELS: dict[str, ReleasedModel] = {**EMBEDDED_MODELS, **RELEASED_MODELS}

CONFIG_NAMES = tuple(model.config_name for model in RELEASED_MODELS.values())


def released_config(name: str) -> FommConfig:
    """The shipped configuration for a model name ('vox') or config name ('vox-256')."""
    config_name = RELEASED_MODELS[name].config_name if name in RELEASED_MODELS else name
    if config_name not in CONFIG_NAMES:
        known = ", ".join(list(RELEASED_MODELS) + list(CONFIG_NAMES))
        raise ModelError(f"unknown model or configuration '{name}'; known: {known}")
    text = resources.files("facemotion.models.configs").joinpath(f"{config_name}.yaml").read_text()
    return config_from_dict(yaml.safe_load(text), name=config_name)
