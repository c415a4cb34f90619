"""Whether a training run fits in memory, checked before it starts (a run that does not fit
is killed by the kernel minutes later, with no word and an empty run folder).

The estimate runs one generator-loss forward on the "meta" device (shapes only, no memory, a
few seconds) and sums every tensor autograd keeps for the backward pass: the memory that grows
with the batch. On top come the weights, their gradients and Adam's two moments, and the
frozen VGG19. Measured on vox-256 on CPU (peak RSS of one step, batch 1 and 3): 0.46 GB more
per sample, where the count says 0.89 GB; the estimate errs high, as a refusal should.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from facemotion.config import FommConfig
from facemotion.errors import InputError, Remedy
from facemotion.io.memory import available_memory_bytes
from facemotion.models.checkpoint import build_networks
from facemotion.models.discriminator import MultiScaleDiscriminator
from facemotion.train.losses import GeneratorLoss
from facemotion.train.transforms import RandomTPS
from facemotion.train.vgg import Vgg19Features

GB = 1e9
# what the process holds before the first step: the torch runtime, data loading, the batch
BASELINE_BYTES = 1.0 * GB


@dataclass(frozen=True)
class MemoryEstimate:
    """Bytes of a run: `fixed` whatever the batch, `per_sample` for each sample of a step."""

    fixed: float
    per_sample: float

    def total(self, batch: int) -> float:
        return self.fixed + self.per_sample * batch

    def largest_batch(self, available: float) -> int:
        """The largest batch whose total fits in `available` bytes (0 when none does)."""
        return max(0, math.floor((available - self.fixed) / self.per_sample))


def estimate_memory(cfg: FommConfig) -> MemoryEstimate:
    """The memory one training step of `cfg` needs on its device (see the module's note)."""
    tc = cfg.train
    height, width = cfg.dataset.frame_shape[:2]
    with torch.device("meta"):
        kp_detector, generator = build_networks(cfg, device="meta")
        discriminator = MultiScaleDiscriminator(cfg.discriminator)
        vgg = Vgg19Features()
        use_gan = tc.loss_weights.generator_gan != 0
        loss = GeneratorLoss(kp_detector, generator, vgg, discriminator if use_gan else None, tc)
        frames = torch.zeros(1, 3, height, width)
        # built, not sampled: sampling would draw from the global generator of the run
        points = tc.points_tps**2
        warp = RandomTPS(torch.zeros(1, 2, 3), torch.zeros(points, 2), torch.zeros(1, 1, points))
    kept: dict[int, int] = {}

    def keep(tensor: torch.Tensor) -> torch.Tensor:
        base = tensor if tensor._base is None else tensor._base  # a view shares its base
        kept[id(base)] = base.numel() * base.element_size()
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(keep, lambda tensor: tensor):
        loss(frames, frames, warp)
    trained = sum(
        p.numel() * p.element_size()
        for net in (kp_detector, generator, discriminator)
        for p in net.parameters()
    )
    frozen = sum(p.numel() * p.element_size() for p in vgg.parameters())
    # weights, gradients and Adam's two moments of what is trained
    return MemoryEstimate(BASELINE_BYTES + 4 * trained + frozen, float(sum(kept.values())))


def available_bytes(device: torch.device) -> int | None:
    """Free memory on `device` (the GPU's free memory, or the machine's available RAM)."""
    if device.type == "cuda":
        free, _ = torch.cuda.mem_get_info(device)
        return free
    if device.type == "cpu":
        return available_memory_bytes()
    return None


def check_memory(cfg: FommConfig, device: torch.device, world_size: int, local_ranks: int) -> None:
    """InputError naming the batch that fits unless a step of `cfg` fits in `device`'s free
    memory. `local_ranks` processes share this machine's RAM (on CPU; a GPU each otherwise)."""
    available = available_bytes(device)
    local_batch = cfg.train.batch_size // world_size
    if available is None or local_batch < 1:
        return  # unknown here, or refused by the loop with its own message
    sharing = local_ranks if device.type == "cpu" else 1
    estimate = estimate_memory(cfg)
    needed = estimate.total(local_batch) * sharing
    if needed <= available:
        return
    fits = estimate.largest_batch(available / sharing) * world_size
    where = "this machine" if device.type == "cpu" else str(device)
    message = (
        f"training {cfg.name} at batch size {cfg.train.batch_size} needs about "
        f"{needed / GB:.1f} GB of memory, {available / GB:.1f} GB is free on {where}"
    )
    if fits >= 1:
        raise InputError(message, Remedy("batch_size", fits))
    raise InputError(f"{message}, too little even for a batch of one; free memory first")
