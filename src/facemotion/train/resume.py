"""Continue a run from a checkpoint: ours (exact position) or a released/original one."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from pathlib import Path

from facemotion.config import FommConfig
from facemotion.errors import ModelError
from facemotion.models.checkpoint import load_networks, read_checkpoint


@dataclass
class Position:
    """Where a run stands: the epoch in progress and the steps of it already done."""

    epoch: int = 0
    step: int = 0


def restore(path: Path, cfg: FommConfig, nets: dict, optimizers: dict, say) -> Position:
    """Load networks and optimiser states from a checkpoint; return where to continue."""
    checkpoint = read_checkpoint(path)
    kp_detector, generator = load_networks(checkpoint, cfg, source=f"resume checkpoint {path}")
    nets["kp_detector"].load_state_dict(kp_detector.state_dict())
    nets["generator"].load_state_dict(generator.state_dict())
    if "discriminator" in checkpoint:
        try:
            nets["discriminator"].load_state_dict(checkpoint["discriminator"])
        except RuntimeError as exc:
            raise ModelError(
                f"resume checkpoint {path}: its discriminator does not fit configuration "
                f"{cfg.name} (discriminator_params differ); use the config it was trained with"
            ) from exc
    else:
        say(f"note: {path.name} has no discriminator; it starts fresh")
    for name, optimizer in optimizers.items():
        key = f"optimizer_{name}"
        if key not in checkpoint:
            say(f"note: {path.name} has no {key}; it starts fresh")
            continue
        try:
            optimizer.load_state_dict(checkpoint[key])
        except (ValueError, KeyError) as exc:
            raise ModelError(f"resume checkpoint {path}: {key} does not fit ({exc})") from exc
    if "facemotion_next_epoch" in checkpoint:
        return Position(
            int(checkpoint["facemotion_next_epoch"]), int(checkpoint["facemotion_step"])
        )
    # A released or original checkpoint: `epoch` is the last epoch it completed.
    return Position(int(checkpoint.get("epoch", -1)) + 1, 0)


def set_learning_rates(optimizers: dict, cfg: FommConfig, epoch: int) -> None:
    """The closed-form MultiStepLR rate for `epoch` (gamma 0.1 at each milestone passed):
    the config's rates win over those stored in a resumed optimiser state."""
    rates = {
        "generator": cfg.train.lr_generator,
        "kp_detector": cfg.train.lr_kp_detector,
        "discriminator": cfg.train.lr_discriminator,
    }
    decay = 0.1 ** bisect.bisect_right(sorted(cfg.train.epoch_milestones), epoch)
    for name, optimizer in optimizers.items():
        for group in optimizer.param_groups:
            group["initial_lr"] = rates[name]
            group["lr"] = rates[name] * decay
