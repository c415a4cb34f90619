"""Load and save checkpoints in the released FOMM layout, refusing anything that runs code.

A released `*-cpk.pth.tar` is a torch.save'd dict with state dicts under `generator` and
`kp_detector` (training checkpoints add `discriminator`, three optimizer states and `epoch`).
"""

from __future__ import annotations

import pickle
import warnings
from pathlib import Path
from typing import Any

import torch
from torch import nn

from facemotion.config import FommConfig
from facemotion.errors import ModelError, Remedy
from facemotion.io.atomic import atomic_output
from facemotion.models.generator import Generator
from facemotion.models.keypoints import KeypointDetector
from facemotion.models.registry import CONFIG_NAMES, released_config

NETWORKS = ("generator", "kp_detector")


def read_checkpoint(path: str | Path) -> dict[str, Any]:
    """torch.load with weights_only=True: tensors and plain containers only, never code."""
    path = Path(path)
    if not path.is_file():
        raise ModelError(f"checkpoint {path} does not exist", Remedy("model", "vox"))
    try:
        with warnings.catch_warnings():
            # torch warns before refusing a plain (non-torch.save) pickle: the error says it all
            warnings.filterwarnings("ignore", message="Detected pickle protocol")
            checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        if "GLOBAL" not in str(exc) and "global" not in str(exc):
            raise ModelError(f"{path} is not a checkpoint (or is corrupt or truncated)") from exc
        raise ModelError(
            f"checkpoint {path} holds pickled objects that need code to load; facemotion never "
            "runs code from a checkpoint: re-save it as a dict of state dicts"
        ) from exc
    except Exception as exc:  # arbitrary bytes can make the unpickler raise anything
        raise ModelError(
            f"{path} is not a checkpoint (or is corrupt or truncated: {type(exc).__name__})"
        ) from exc
    if not isinstance(checkpoint, dict) or not all(k in checkpoint for k in NETWORKS):
        keys = list(checkpoint)[:5] if isinstance(checkpoint, dict) else type(checkpoint).__name__
        raise ModelError(
            f"checkpoint {path} is not a FOMM checkpoint (needs 'generator' and 'kp_detector', "
            f"found {keys})"
        )
    return checkpoint


def strip_module_prefix(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Drop the `module.` prefix DataParallel/DDP put on every key."""
    if state and all(key.startswith("module.") for key in state):
        return {key[len("module.") :]: value for key, value in state.items()}
    return state


def build_networks(
    cfg: FommConfig, device: str | torch.device = "cpu"
) -> tuple[KeypointDetector, Generator]:
    """Fresh (untrained) networks for a configuration."""
    with torch.device(device):
        return KeypointDetector(cfg.kp_detector), Generator(cfg.generator)


def _shapes(module: nn.Module) -> dict[str, tuple[int, ...]]:
    return {key: tuple(value.shape) for key, value in module.state_dict().items()}


def _mismatches(module: nn.Module, state: dict[str, torch.Tensor]) -> list[str]:
    expected = _shapes(module)
    problems = [
        f"{k} is {tuple(state[k].shape)}, expected {shape}"
        for k, shape in expected.items()
        if k in state and tuple(state[k].shape) != shape
    ]
    problems += [f"missing {k}" for k in expected if k not in state]
    problems += [f"unexpected {k}" for k in state if k not in expected]
    return problems


def matching_configs(checkpoint: dict[str, Any]) -> list[str]:
    """Names of shipped configurations whose network shapes fit the checkpoint exactly."""
    fits = []
    for name in CONFIG_NAMES:
        kp_detector, generator = build_networks(released_config(name), device="meta")
        if not _mismatches(kp_detector, strip_module_prefix(checkpoint["kp_detector"])) and not (
            _mismatches(generator, strip_module_prefix(checkpoint["generator"]))
        ):
            fits.append(name)
    return fits


def check_fits(
    checkpoint: dict[str, Any], cfg: FommConfig, source: str = "checkpoint", device: str = "meta"
) -> tuple[KeypointDetector, Generator]:
    """ModelError unless the checkpoint's networks have exactly the shapes `cfg` builds; the
    (untrained) networks on `device` otherwise (on "meta": a check that allocates nothing)."""
    kp_detector, generator = build_networks(cfg, device=device)
    for network, key in ((kp_detector, "kp_detector"), (generator, "generator")):
        problems = _mismatches(network, strip_module_prefix(checkpoint[key]))
        if problems:
            fits = matching_configs(checkpoint)
            remedies = (Remedy("config", fits[0]),) if fits else ()
            raise ModelError(
                f"{source} does not fit configuration {cfg.name} ({key}: "
                f"{'; '.join(problems[:3])}{' ...' if len(problems) > 3 else ''})",
                *remedies,
            )
    return kp_detector, generator


def load_networks(
    checkpoint: dict[str, Any], cfg: FommConfig, source: str = "checkpoint"
) -> tuple[KeypointDetector, Generator]:
    """Networks for `cfg` with the checkpoint's weights, strictly checked, in eval mode."""
    kp_detector, generator = check_fits(checkpoint, cfg, source, device="cpu")
    for network, key in ((kp_detector, "kp_detector"), (generator, "generator")):
        network.load_state_dict(strip_module_prefix(checkpoint[key]), strict=True)
    return kp_detector.eval(), generator.eval()


def save_checkpoint(path: str | Path, **entries: Any) -> None:
    """torch.save a dict in the released layout (modules and optimizers become state dicts)."""
    payload = {
        key: value.state_dict() if hasattr(value, "state_dict") else value
        for key, value in entries.items()
    }
    with atomic_output(path) as tmp:
        torch.save(payload, tmp)
