"""FOMM keypoint detector: an image -> K keypoints and their local affine Jacobians."""

from __future__ import annotations

from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import nn

from facemotion.config import KeypointDetectorConfig
from facemotion.models.blocks import AntiAliasInterpolation2d, Hourglass, make_coordinate_grid


class Keypoints(NamedTuple):
    """value: (B, K, 2) in [-1, 1], (x, y); jacobian: (B, K, 2, 2) row-major, or None."""

    value: torch.Tensor
    jacobian: torch.Tensor | None = None


def heatmap_to_keypoints(heatmap: torch.Tensor) -> torch.Tensor:
    """Expected coordinates of softmax heatmaps: (B, K, H, W) -> (B, K, 2)."""
    grid = make_coordinate_grid(*heatmap.shape[2:], dtype=heatmap.dtype, device=heatmap.device)
    return (heatmap.unsqueeze(-1) * grid).sum(dim=(2, 3))


class KeypointDetector(nn.Module):
    """Hourglass + 7x7 heads; names match the released `kp_detector` state dict."""

    def __init__(self, cfg: KeypointDetectorConfig):
        super().__init__()
        self.temperature = cfg.temperature
        self.scale_factor = cfg.scale_factor
        self.predictor = Hourglass(
            cfg.block_expansion, cfg.num_channels, cfg.num_blocks, cfg.max_features
        )
        width = self.predictor.out_filters
        self.kp = nn.Conv2d(width, cfg.num_kp, kernel_size=7, padding=cfg.pad)
        self.num_jacobian_maps = 0
        self.jacobian: nn.Conv2d | None = None
        if cfg.estimate_jacobian:
            # mgif shares one Jacobian map between all keypoints.
            self.num_jacobian_maps = 1 if cfg.single_jacobian_map else cfg.num_kp
            self.jacobian = nn.Conv2d(
                width, 4 * self.num_jacobian_maps, kernel_size=7, padding=cfg.pad
            )
            with torch.no_grad():
                self.jacobian.weight.zero_()
                self.jacobian.bias.copy_(
                    torch.tensor([1.0, 0.0, 0.0, 1.0] * self.num_jacobian_maps)
                )
        self.down = (
            AntiAliasInterpolation2d(cfg.num_channels, cfg.scale_factor)
            if cfg.scale_factor != 1
            else None
        )

    def forward(self, image: torch.Tensor) -> Keypoints:
        """image (B, C, H, W) in [0, 1] -> value (B, K, 2), jacobian (B, K, 2, 2)."""
        if self.down is not None:
            image = self.down(image)
        features = self.predictor(image)
        logits = self.kp(features)
        batch, num_kp, height, width = logits.shape
        heatmap = F.softmax(logits.view(batch, num_kp, -1) / self.temperature, dim=2)
        heatmap = heatmap.view(batch, num_kp, height, width)
        value = heatmap_to_keypoints(heatmap)
        if self.jacobian is None:
            return Keypoints(value)
        maps = self.jacobian(features).reshape(batch, self.num_jacobian_maps, 4, height, width)
        jacobian = (heatmap.unsqueeze(2) * maps).view(batch, num_kp, 4, -1).sum(dim=-1)
        return Keypoints(value, jacobian.view(batch, num_kp, 2, 2))
