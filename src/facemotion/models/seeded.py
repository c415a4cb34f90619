"""Reproducible, well-scaled random weights for the FOMM networks, and smooth synthetic frames:
what benchmarks and tests use where no released checkpoint may be downloaded."""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import torch
from torch import nn

from facemotion.config import FommConfig
from facemotion.models.checkpoint import build_networks
from facemotion.models.keypoints import Keypoints


def seeded_networks(cfg: FommConfig, seed: int = 0) -> tuple[nn.Module, nn.Module]:
    """Keypoint detector and generator of `cfg` with reproducible, well-scaled random weights:
    He-normal convolutions, BatchNorm affine near identity with calibrated statistics."""
    rng = torch.Generator().manual_seed(seed)
    kp_detector, generator = build_networks(cfg)
    with torch.no_grad():
        for module in [*kp_detector.modules(), *generator.modules()]:
            if isinstance(module, nn.Conv2d):
                std = math.sqrt(2 / module.weight[0].numel())
                module.weight.copy_(torch.randn(module.weight.shape, generator=rng) * std)
                module.bias.copy_(torch.randn(module.bias.shape, generator=rng) * 0.05)
            elif isinstance(module, nn.BatchNorm2d):
                n = module.num_features
                module.weight.copy_(1 + 0.1 * torch.randn(n, generator=rng))
                module.bias.copy_(0.1 * torch.randn(n, generator=rng))
                module.running_mean.copy_(0.1 * torch.randn(n, generator=rng))
                module.running_var.copy_(0.5 + torch.rand(n, generator=rng))
        if kp_detector.jacobian is not None:
            kp_detector.jacobian.weight.mul_(0.02)
            kp_detector.jacobian.bias.copy_(
                torch.tensor([1.0, 0.0, 0.0, 1.0] * kp_detector.num_jacobian_maps)
            )
    calibrate_batch_norm(kp_detector, generator, cfg.frame_size)
    return kp_detector.eval(), generator.eval()


def calibrate_batch_norm(kp_detector: nn.Module, generator: nn.Module, size: int) -> None:
    """Set every BatchNorm's running statistics to those of its inputs on synthetic frames,
    as training leaves them; random statistics let activations grow layer after layer."""
    images = torch.from_numpy(np.stack(list(synthetic_frames(4, size, seed=5))))
    images = images.permute(0, 3, 1, 2)
    for module in [*kp_detector.modules(), *generator.modules()]:
        if isinstance(module, nn.BatchNorm2d):
            module.reset_running_stats()
            module.momentum = None  # a plain average over the calibration batches
    with torch.no_grad():
        kp_detector.train()(images)
        kp = kp_detector.eval()(images)
        kp_source = Keypoints(*(part[:1].expand_as(part) for part in kp))
        generator.train()(images[:1].expand_as(images), kp, kp_source)
    for module in [*kp_detector.modules(), *generator.modules()]:
        if isinstance(module, nn.BatchNorm2d):
            module.momentum = 0.1


def synthetic_frames(count: int, size: int = 256, seed: int = 0) -> Iterator[np.ndarray]:
    """Smooth random images (size, size, 3) float32 drifting a little each frame, lazily."""
    rng = torch.Generator().manual_seed(seed)
    base = torch.rand(1, 3, 12, 12, generator=rng)
    for i in range(count):
        shifted = torch.roll(base, shifts=(i % 3 - 1, i % 5 - 2), dims=(2, 3))
        image = nn.functional.interpolate(shifted, size=(size, size), mode="bicubic")
        yield image[0].clamp(0, 1).permute(1, 2, 0).numpy().astype(np.float32)
