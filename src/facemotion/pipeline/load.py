"""Choose a model by name or checkpoint: the landmark default, a released FOMM model, a file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from facemotion.config import FommConfig, load_config
from facemotion.errors import CachedModelUnusable, ModelError, ModelNotDownloaded, Remedy
from facemotion.models.base import AnimationModel
from facemotion.models.checkpoint import (
    check_fits,
    load_networks,
    matching_configs,
    read_checkpoint,
)
from facemotion.models.fomm import FommModel
from facemotion.models.registry import (
    CONFIG_NAMES,
    DEFAULT_MODEL,
    FOMM,
    LANDMARKS,
    MODELS,
    RELEASED_MODELS,
    ReleasedModel,
    released_config,
)
from facemotion.pipeline.options import ModelOptions, build

__all__ = ["DEFAULT_MODEL", "load_model", "resolve_config", "resolve_device"]


def resolve_config(config: str | Path | FommConfig) -> FommConfig:
    """A FommConfig from a shipped name ('vox-256', 'vox'), a yaml path, or itself."""
    if isinstance(config, FommConfig):
        return config
    text = str(config)
    if text in RELEASED_MODELS or text in CONFIG_NAMES:
        return released_config(text)
    return load_config(text)


def resolve_device(device: str | torch.device) -> torch.device:
    """The torch device, refusing CUDA where there is none with a one-line error."""
    try:
        resolved = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ModelError(f"unknown device '{device}'; use cpu or cuda") from exc
    if resolved.type == "cuda" and not torch.cuda.is_available():
        raise ModelError(
            "device 'cuda' asked for, but this machine has no usable CUDA GPU",
            Remedy("device", "cpu"),
        )
    return resolved


def load_model(
    name_or_checkpoint: str | Path | ModelOptions = DEFAULT_MODEL,
    config: str | Path | FommConfig | None = None,
    device: str | torch.device = "cpu",
    *,
    download: bool = True,
    face: int | None = None,
    **options: Any,
) -> AnimationModel:
    """An AnimationModel: 'landmarks' (the embedded default), a released name ('vox', ...)
    fetched into the cache when missing, or a path to a `*-cpk.pth.tar` checkpoint whose
    configuration is `config` or, if not given, the shipped one its shapes fit.

    The choice is a `ModelOptions` (pipeline/options.py), given whole or as its fields:
    options are `batch`, `precision`, `backend` (FOMM's, see models/fomm.py), `expression` and
    `scene` (the landmark model's); a setting the chosen kind of model has no use for is
    refused.
    face: which face of the driving video the landmark model
    follows (0, 1, ... from the left; None: the largest); FOMM models ignore it.
    """
    fomm_config = config if isinstance(config, FommConfig) else None
    if isinstance(name_or_checkpoint, ModelOptions):
        choice = build(ModelOptions, name_or_checkpoint, **options)
    else:
        text_config = None if config is None or fomm_config is not None else str(config)
        choice = build(
            ModelOptions,
            name=str(name_or_checkpoint),
            config=text_config,
            device=str(device),
            **options,
        )
    loading = _Loading(choice, fomm_config, download, face)
    name = choice.name
    if name in MODELS:
        entry = MODELS[name]
        return _LOADERS[entry.kind](entry, loading)
    path = Path(name)
    if not path.exists():
        known = ", ".join(MODELS)
        raise ModelError(f"'{name}' is neither a model name ({known}) nor a checkpoint file")
    return _fomm_model(path, loading.fomm_config(), path.name, loading)


@dataclass(frozen=True)
class _Loading:
    """A model choice, and how this call loads it."""

    choice: ModelOptions
    config: FommConfig | None  # a configuration object given instead of a name or a path
    download: bool
    face: int | None

    def fomm_config(self) -> FommConfig | None:
        if self.config is not None:
            return self.config
        return None if self.choice.config is None else resolve_config(self.choice.config)


def _landmark_model(entry: ReleasedModel, loading: _Loading) -> AnimationModel:
    from facemotion.motion.landmark_model import LandmarkModel, LandmarkOptions

    if loading.config is not None:
        raise ModelError(
            f"config applies to FOMM checkpoints; the {entry.name} model has none",
            Remedy("model", "vox"),
        )
    options = LandmarkOptions(expression=loading.choice.expression, scene=loading.choice.scene)
    return LandmarkModel(options, face=loading.face)


def _released_fomm_model(entry: ReleasedModel, loading: _Loading) -> AnimationModel:
    from facemotion.models.download import cached_checkpoint_path, download_checkpoint

    path = cached_checkpoint_path(entry.name)
    if not path.is_file():
        if not loading.download:
            raise ModelNotDownloaded(entry.name)
        path = download_checkpoint(entry.name)
    config = loading.fomm_config()
    if config is not None:
        return _fomm_model(path, config, entry.name, loading)
    try:
        checkpoint = read_checkpoint(path)
        check_fits(checkpoint, released_config(entry.name), source=str(path))
    except ModelError as exc:
        # the released file itself is at fault: say to replace it (download --force)
        raise CachedModelUnusable(entry.name, exc.message) from exc
    return _fomm_model(path, released_config(entry.name), entry.name, loading, checkpoint)


def _fomm_model(
    path: Path,
    cfg: FommConfig | None,
    label: str,
    loading: _Loading,
    checkpoint: dict | None = None,
) -> FommModel:
    choice = loading.choice
    torch_device = resolve_device(choice.device)
    if checkpoint is None:
        checkpoint = read_checkpoint(path)
    if cfg is None:
        fits = matching_configs(checkpoint)
        if not fits:
            raise ModelError(
                f"checkpoint {path} fits none of the shipped configurations; give its yaml",
                Remedy("config"),
            )
        cfg = released_config(fits[0])
    kp_detector, generator = load_networks(checkpoint, cfg, source=f"checkpoint {path}")
    return FommModel(
        cfg,
        kp_detector,
        generator,
        name=label,
        device=torch_device,
        batch=choice.batch,
        precision=choice.precision,
        backend=choice.backend,
    )


# How each kind of registry entry becomes a model.
_LOADERS: dict[str, Callable[[ReleasedModel, _Loading], AnimationModel]] = {
    LANDMARKS: _landmark_model,
    FOMM: _released_fomm_model,
}
