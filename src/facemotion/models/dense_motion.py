"""FOMM dense motion network: sparse keypoint motions -> a dense warp and an occlusion map."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from facemotion.config import DenseMotionConfig
from facemotion.models.blocks import (
    AntiAliasInterpolation2d,
    Hourglass,
    grid_sample,
    kp2gaussian,
    make_coordinate_grid,
)
from facemotion.models.keypoints import Keypoints


def heatmap_difference(
    kp_driving: Keypoints, kp_source: Keypoints, spatial_size: tuple[int, int], variance: float
) -> torch.Tensor:
    """Driving minus source Gaussians, background (zeros) first: (B, K+1, 1, H, W)."""
    heatmap = kp2gaussian(kp_driving.value, spatial_size, variance) - kp2gaussian(
        kp_source.value, spatial_size, variance
    )
    zeros = heatmap.new_zeros(heatmap.shape[0], 1, *spatial_size)
    return torch.cat([zeros, heatmap], dim=1).unsqueeze(2)


def sparse_motions(
    kp_driving: Keypoints, kp_source: Keypoints, spatial_size: tuple[int, int]
) -> torch.Tensor:
    """Identity plus one first-order motion per keypoint: (B, K+1, H, W, 2).

    T_k(z) = J_k (z - d_k) + s_k with J_k = J_source_k @ inverse(J_driving_k).
    """
    batch, num_kp = kp_source.value.shape[:2]
    identity = make_coordinate_grid(
        *spatial_size, dtype=kp_source.value.dtype, device=kp_source.value.device
    ).view(1, 1, *spatial_size, 2)
    grid = identity - kp_driving.value.view(batch, num_kp, 1, 1, 2)
    if kp_driving.jacobian is not None and kp_source.jacobian is not None:
        jacobian = kp_source.jacobian @ torch.inverse(kp_driving.jacobian)
        grid = (jacobian[:, :, None, None] @ grid.unsqueeze(-1)).squeeze(-1)
    driving_to_source = grid + kp_source.value.view(batch, num_kp, 1, 1, 2)
    return torch.cat([identity.expand(batch, 1, *spatial_size, 2), driving_to_source], dim=1)


def deform_by_each(image: torch.Tensor, motions: torch.Tensor) -> torch.Tensor:
    """Warp image (B, C, H, W) by each of motions (B, M, H, W, 2) -> (B, M, C, H, W)."""
    batch, num_motions, height, width, _ = motions.shape
    repeated = image.unsqueeze(1).expand(batch, num_motions, *image.shape[1:])
    repeated = repeated.reshape(batch * num_motions, -1, *image.shape[2:])
    warped = grid_sample(repeated, motions.reshape(batch * num_motions, height, width, 2))
    return warped.view(batch, num_motions, -1, height, width)


class DenseMotionNetwork(nn.Module):
    """Predicts mask weights over K+1 sparse motions and an occlusion map at 1/scale size."""

    def __init__(
        self, cfg: DenseMotionConfig, num_kp: int, num_channels: int, estimate_occlusion_map: bool
    ):
        super().__init__()
        self.num_kp = num_kp
        self.kp_variance = cfg.kp_variance
        self.hourglass = Hourglass(
            cfg.block_expansion, (num_kp + 1) * (num_channels + 1), cfg.num_blocks, cfg.max_features
        )
        width = self.hourglass.out_filters
        self.mask = nn.Conv2d(width, num_kp + 1, kernel_size=7, padding=3)
        self.occlusion = (
            nn.Conv2d(width, 1, kernel_size=7, padding=3) if estimate_occlusion_map else None
        )
        self.down = (
            AntiAliasInterpolation2d(num_channels, cfg.scale_factor)
            if cfg.scale_factor != 1
            else None
        )

    def downsample(self, source: torch.Tensor) -> torch.Tensor:
        """The source at the network's working size: (B, C, H, W) -> (B, C, h, w)."""
        return source if self.down is None else self.down(source)

    def forward(
        self, source_small: torch.Tensor, kp_driving: Keypoints, kp_source: Keypoints
    ) -> dict[str, torch.Tensor]:
        """source_small: the downsampled source (B, C, h, w).

        Returns `deformation` (B, h, w, 2), `mask` (B, K+1, h, w), `sparse_deformed`
        (B, K+1, C, h, w) and, with occlusion, `occlusion_map` (B, 1, h, w).
        """
        batch, _, height, width = source_small.shape
        size = (height, width)
        heatmaps = heatmap_difference(kp_driving, kp_source, size, self.kp_variance)
        motions = sparse_motions(kp_driving, kp_source, size)
        deformed = deform_by_each(source_small, motions)
        features = self.hourglass(torch.cat([heatmaps, deformed], dim=2).view(batch, -1, *size))
        mask = F.softmax(self.mask(features), dim=1)
        deformation = (motions * mask.unsqueeze(-1)).sum(dim=1)
        out = {"deformation": deformation, "mask": mask, "sparse_deformed": deformed}
        if self.occlusion is not None:
            out["occlusion_map"] = torch.sigmoid(self.occlusion(features))
        return out
