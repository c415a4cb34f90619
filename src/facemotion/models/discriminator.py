"""FOMM multi-scale patch discriminator (used by the -adv configurations and wherever
`generator_gan` != 0); submodule names match the released `discriminator` state dict."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from facemotion.config import DiscriminatorConfig
from facemotion.models.blocks import kp2gaussian


def scale_key(scale: float) -> str:
    """ModuleDict key of a scale as the original spells it: 1 -> '1', 0.5 -> '0-5'."""
    return str(scale).replace(".", "-")


def _maybe_spectral(conv: nn.Conv2d, sn: bool) -> nn.Conv2d:
    # The original used nn.utils.spectral_norm (weight_orig, weight_u, weight_v in the state
    # dict); the newer parametrization API would rename those keys.
    return nn.utils.spectral_norm(conv) if sn else conv


class DiscriminatorBlock(nn.Module):
    """4x4 conv (no padding), optional instance norm, leaky ReLU 0.2, optional 2x2 avg pool."""

    def __init__(self, in_features: int, out_features: int, *, norm: bool, pool: bool, sn: bool):
        super().__init__()
        self.conv = _maybe_spectral(nn.Conv2d(in_features, out_features, kernel_size=4), sn)
        self.norm = nn.InstanceNorm2d(out_features, affine=True) if norm else None
        self.pool = pool

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.conv(x)
        if self.norm is not None:
            out = self.norm(out)
        out = F.leaky_relu(out, 0.2)
        return F.avg_pool2d(out, 2) if self.pool else out


class Discriminator(nn.Module):
    """One scale: image (B, C, H, W) [+ keypoint Gaussians] -> (feature maps, prediction map)."""

    def __init__(self, cfg: DiscriminatorConfig):
        super().__init__()
        in_first = cfg.num_channels + (cfg.num_kp if cfg.use_kp else 0)

        def width(level: int) -> int:
            return min(cfg.max_features, cfg.block_expansion * 2**level)

        self.down_blocks = nn.ModuleList(
            DiscriminatorBlock(
                in_first if i == 0 else width(i),
                width(i + 1),
                norm=i != 0,
                pool=i != cfg.num_blocks - 1,
                sn=cfg.sn,
            )
            for i in range(cfg.num_blocks)
        )
        self.conv = _maybe_spectral(nn.Conv2d(width(cfg.num_blocks), 1, kernel_size=1), cfg.sn)
        self.use_kp = cfg.use_kp
        self.kp_variance = cfg.kp_variance

    def forward(
        self, image: torch.Tensor, kp_value: torch.Tensor | None = None
    ) -> tuple[list[torch.Tensor], torch.Tensor]:
        """image (B, C, H, W), kp_value (B, K, 2) -> ([(B, F_i, h_i, w_i)], (B, 1, h, w))."""
        out = image
        if self.use_kp:
            if kp_value is None:
                raise ValueError("this discriminator uses keypoints (use_kp); pass kp_value")
            out = torch.cat([out, kp2gaussian(kp_value, image.shape[2:], self.kp_variance)], dim=1)
        features = []
        for block in self.down_blocks:
            out = block(out)
            features.append(out)
        return features, self.conv(out)


class MultiScaleDiscriminator(nn.Module):
    """One Discriminator per `cfg.scales`; reads each scale's image from an image pyramid."""

    def __init__(self, cfg: DiscriminatorConfig):
        super().__init__()
        self.scales = tuple(cfg.scales)
        self.discs = nn.ModuleDict({scale_key(s): Discriminator(cfg) for s in self.scales})

    def forward(
        self, pyramid: dict[str, torch.Tensor], kp_value: torch.Tensor | None = None
    ) -> dict[str, tuple[list[torch.Tensor], torch.Tensor]]:
        """pyramid: scale key -> (B, C, h, w) -> scale key -> (feature maps, prediction map)."""
        return {key: disc(pyramid[key], kp_value) for key, disc in self.discs.items()}
