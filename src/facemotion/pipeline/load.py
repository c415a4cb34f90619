"""Choose a model by name or checkpoint: the landmark default, a released FOMM model, a file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

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
    name_or_checkpoint: str | Path = DEFAULT_MODEL,
    config: str | Path | FommConfig | None = None,
    device: str | torch.device = "cpu",
    *,
    download: bool = True,
    batch: int = 1,
    precision: str = "fp32",
    backend: str = "torch",
    face: int | None = None,
    expression: str = "retarget",
) -> AnimationModel:
    """An AnimationModel: 'landmarks' (the embedded default), a released name ('vox', ...)
    fetched into the cache when missing, or a path to a `*-cpk.pth.tar` checkpoint whose
    configuration is `config` or, if not given, the shipped one its shapes fit.

    batch, precision ('fp32', 'bf16', 'fp16') and backend ('torch', 'onnxruntime') go to
    FommModel (see models/fomm.py); the landmark model refuses values other than the defaults.
    face: which face of the driving video the landmark model follows (0, 1, ... from the left;
    None: the largest); FOMM models ignore it. expression: how the landmark model moves the
    mouth and eyes, 'retarget' (default: as far open as the driver's, whatever the source or
    the driver's first frame shows) or 'relative' (by the driver's displacement from its first
    frame, as the head moves); FOMM models ignore it.
    """
    options = _Options(config, device, download, batch, precision, backend, face, expression)
    name = str(name_or_checkpoint)
    if name in MODELS:
        entry = MODELS[name]
        return _LOADERS[entry.kind](entry, options)
    path = Path(name)
    if not path.exists():
        known = ", ".join(MODELS)
        raise ModelError(f"'{name}' is neither a model name ({known}) nor a checkpoint file")
    cfg = None if config is None else resolve_config(config)
    return _fomm_model(path, cfg, path.name, options)


@dataclass(frozen=True)
class _Options:
    config: str | Path | FommConfig | None
    device: str | torch.device
    download: bool
    batch: int
    precision: str
    backend: str
    face: int | None
    expression: str


def _landmark_model(entry: ReleasedModel, options: _Options) -> AnimationModel:
    from facemotion.motion.landmark_model import LandmarkModel, LandmarkOptions

    fomm_only = {
        "config": options.config is not None,
        "batch": options.batch != 1,
        "precision": options.precision != "fp32",
        "backend": options.backend != "torch",
    }
    for field, given in fomm_only.items():
        if given:
            raise ModelError(
                f"{field} applies to FOMM checkpoints; the {entry.name} model has none",
                Remedy("model", "vox"),
            )
    return LandmarkModel(LandmarkOptions(expression=options.expression), face=options.face)


def _released_fomm_model(entry: ReleasedModel, options: _Options) -> AnimationModel:
    from facemotion.models.download import cached_checkpoint_path, download_checkpoint

    path = cached_checkpoint_path(entry.name)
    if not path.is_file():
        if not options.download:
            raise ModelNotDownloaded(entry.name)
        path = download_checkpoint(entry.name)
    if options.config is not None:
        return _fomm_model(path, resolve_config(options.config), entry.name, options)
    try:
        checkpoint = read_checkpoint(path)
        check_fits(checkpoint, released_config(entry.name), source=str(path))
    except ModelError as exc:
        # the released file itself is at fault: say to replace it (download --force)
        raise CachedModelUnusable(entry.name, exc.message) from exc
    return _fomm_model(path, released_config(entry.name), entry.name, options, checkpoint)


def _fomm_model(
    path: Path,
    cfg: FommConfig | None,
    label: str,
    options: _Options,
    checkpoint: dict | None = None,
) -> FommModel:
    torch_device = resolve_device(options.device)
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
        batch=options.batch,
        precision=options.precision,
        backend=options.backend,
    )


# How each kind of registry entry becomes a model.
_LOADERS: dict[str, Callable[[ReleasedModel, _Options], AnimationModel]] = {
    LANDMARKS: _landmark_model,
    FOMM: _released_fomm_model,
}
