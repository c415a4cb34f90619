"""FOMM occlusion-aware generator: warps the source's encoder features by the dense motion."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from facemotion.config import GeneratorConfig
from facemotion.models.blocks import DownBlock2d, ResBlock2d, SameBlock2d, UpBlock2d, grid_sample
from facemotion.models.dense_motion import DenseMotionNetwork
from facemotion.models.keypoints import Keypoints


def resize_deformation(deformation: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    """Bilinear resize of a warp field (B, h, w, 2) -> (B, H, W, 2); identity when sizes agree."""
    if tuple(deformation.shape[1:3]) == tuple(size):
        return deformation
    resized = F.interpolate(deformation.permute(0, 3, 1, 2), size=size, mode="bilinear")
    return resized.permute(0, 2, 3, 1)


class Generator(nn.Module):
    """Encoder, dense motion, warp + occlusion, bottleneck, decoder; released names kept."""

    def __init__(self, cfg: GeneratorConfig):
        super().__init__()
        expansion, top = cfg.block_expansion, cfg.max_features
        depth = cfg.num_down_blocks

        def width(level: int) -> int:
            return min(top, expansion * 2**level)

        self.dense_motion_network = DenseMotionNetwork(
            cfg.dense_motion, cfg.num_kp, cfg.num_channels, cfg.estimate_occlusion_map
        )
        self.first = SameBlock2d(cfg.num_channels, expansion, kernel_size=7, padding=3)
        self.down_blocks = nn.ModuleList(DownBlock2d(width(i), width(i + 1)) for i in range(depth))
        self.up_blocks = nn.ModuleList(
            UpBlock2d(width(depth - i), width(depth - i - 1)) for i in range(depth)
        )
        self.bottleneck = nn.Sequential()
        for i in range(cfg.num_bottleneck_blocks):
            self.bottleneck.add_module(f"r{i}", ResBlock2d(width(depth)))
        self.final = nn.Conv2d(expansion, cfg.num_channels, kernel_size=7, padding=3)

    def encode(self, source: torch.Tensor) -> torch.Tensor:
        """Source features: (B, C, H, W) -> (B, F, H / 2^D, W / 2^D)."""
        out = self.first(source)
        for block in self.down_blocks:
            out = block(out)
        return out

    def decode(
        self,
        features: torch.Tensor,
        deformation: torch.Tensor,
        occlusion_map: torch.Tensor | None,
    ) -> torch.Tensor:
        """Warp source features, mask occlusions and decode to an image (B, C, H, W) in [0, 1]."""
        out = grid_sample(features, resize_deformation(deformation, features.shape[2:]))
        if occlusion_map is not None:
            if occlusion_map.shape[2:] != out.shape[2:]:
                occlusion_map = F.interpolate(occlusion_map, size=out.shape[2:], mode="bilinear")
            out = out * occlusion_map
        out = self.bottleneck(out)
        for block in self.up_blocks:
            out = block(out)
        return torch.sigmoid(self.final(out))

    def forward(
        self,
        source: torch.Tensor,
        kp_driving: Keypoints,
        kp_source: Keypoints,
        *,
        visualise: bool = False,
    ) -> dict[str, torch.Tensor]:
        """source (B, C, H, W) in [0, 1] -> {'prediction': (B, C, H, W), ...}.

        With `visualise`, also 'deformed' (the source warped at full size), 'mask',
        'sparse_deformed' and 'occlusion_map', as the original returns for its visualiser.
        """
        features = self.encode(source)
        motion = self.dense_motion_network(
            self.dense_motion_network.downsample(source), kp_driving, kp_source
        )
        occlusion = motion.get("occlusion_map")
        out = {"prediction": self.decode(features, motion["deformation"], occlusion)}
        if visualise:
            out.update({k: v for k, v in motion.items() if k != "deformation"})
            out["deformed"] = grid_sample(
                source, resize_deformation(motion["deformation"], source.shape[2:])
            )
        return out
