"""Building blocks of the FOMM networks: coordinate grids, Gaussians, conv blocks, Hourglass.

Submodule names (`conv`, `norm`, `conv1`, ...) are those of the released checkpoints.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


def make_coordinate_grid(
    height: int, width: int, *, dtype: torch.dtype = torch.float32, device=None
) -> torch.Tensor:
    """Pixel-centre coordinates in [-1, 1]: (H, W, 2), last axis (x, y)."""
    x = torch.arange(width, dtype=dtype, device=device)
    y = torch.arange(height, dtype=dtype, device=device)
    x = 2 * (x / (width - 1)) - 1
    y = 2 * (y / (height - 1)) - 1
    return torch.stack(torch.meshgrid(x, y, indexing="xy"), dim=-1)


def kp2gaussian(
    value: torch.Tensor, spatial_size: tuple[int, int], variance: float
) -> torch.Tensor:
    """Gaussian bumps at keypoints: value (B, K, 2) -> (B, K, H, W)."""
    grid = make_coordinate_grid(*spatial_size, dtype=value.dtype, device=value.device)
    diff = grid - value[..., None, None, :]
    return torch.exp(-0.5 * (diff**2).sum(-1) / variance)


def grid_sample(
    image: torch.Tensor, grid: torch.Tensor, padding_mode: str = "zeros"
) -> torch.Tensor:
    """Bilinear sampling of (B, C, H, W) at grid (B, h, w, 2) -> (B, C, h, w).

    align_corners=True everywhere: the released weights were trained with PyTorch 1.0, whose
    grid_sample behaved that way; any other choice shifts every warp by half a pixel.
    """
    return F.grid_sample(
        image, grid, mode="bilinear", padding_mode=padding_mode, align_corners=True
    )


class ResBlock2d(nn.Module):
    """x + conv2(relu(bn2(conv1(relu(bn1(x)))))); keeps shape (B, C, H, W)."""

    def __init__(self, channels: int, kernel_size: int = 3, padding: int = 1):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, kernel_size, padding=padding)
        self.conv2 = nn.Conv2d(channels, channels, kernel_size, padding=padding)
        self.norm1 = nn.BatchNorm2d(channels, affine=True)
        self.norm2 = nn.BatchNorm2d(channels, affine=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.conv1(F.relu(self.norm1(x)))
        out = self.conv2(F.relu(self.norm2(out)))
        return out + x


class UpBlock2d(nn.Module):
    """Nearest x2 upsampling, then conv, BatchNorm, ReLU: (B, Cin, H, W) -> (B, Cout, 2H, 2W)."""

    def __init__(self, in_features: int, out_features: int, kernel_size: int = 3, padding: int = 1):
        super().__init__()
        self.conv = nn.Conv2d(in_features, out_features, kernel_size, padding=padding)
        self.norm = nn.BatchNorm2d(out_features, affine=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.interpolate(x, scale_factor=2)
        return F.relu(self.norm(self.conv(x)))


class DownBlock2d(nn.Module):
    """Conv, BatchNorm, ReLU, 2x2 average pool: (B, Cin, H, W) -> (B, Cout, H/2, W/2)."""

    def __init__(self, in_features: int, out_features: int, kernel_size: int = 3, padding: int = 1):
        super().__init__()
        self.conv = nn.Conv2d(in_features, out_features, kernel_size, padding=padding)
        self.norm = nn.BatchNorm2d(out_features, affine=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.avg_pool2d(F.relu(self.norm(self.conv(x))), kernel_size=2)


class SameBlock2d(nn.Module):
    """Conv, BatchNorm, ReLU at the same resolution: (B, Cin, H, W) -> (B, Cout, H, W)."""

    def __init__(self, in_features: int, out_features: int, kernel_size: int = 3, padding: int = 1):
        super().__init__()
        self.conv = nn.Conv2d(in_features, out_features, kernel_size, padding=padding)
        self.norm = nn.BatchNorm2d(out_features, affine=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.relu(self.norm(self.conv(x)))


def _hourglass_width(block_expansion: int, max_features: int, level: int) -> int:
    return min(max_features, block_expansion * 2**level)


class Encoder(nn.Module):
    """Hourglass encoder: returns [x, d1, ..., dN], each half the size of the one before."""

    def __init__(self, block_expansion: int, in_features: int, num_blocks: int, max_features: int):
        super().__init__()
        self.down_blocks = nn.ModuleList(
            DownBlock2d(
                in_features if i == 0 else _hourglass_width(block_expansion, max_features, i),
                _hourglass_width(block_expansion, max_features, i + 1),
            )
            for i in range(num_blocks)
        )

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        outs = [x]
        for block in self.down_blocks:
            outs.append(block(outs[-1]))
        return outs


class Decoder(nn.Module):
    """Hourglass decoder: up blocks with skip connections; output has E + F channels."""

    def __init__(self, block_expansion: int, in_features: int, num_blocks: int, max_features: int):
        super().__init__()
        self.up_blocks = nn.ModuleList(
            UpBlock2d(
                (1 if i == num_blocks - 1 else 2)
                * _hourglass_width(block_expansion, max_features, i + 1),
                _hourglass_width(block_expansion, max_features, i),
            )
            for i in reversed(range(num_blocks))
        )
        self.out_filters = block_expansion + in_features

    def forward(self, skips: list[torch.Tensor]) -> torch.Tensor:
        out = skips[-1]
        for block, skip in zip(self.up_blocks, reversed(skips[:-1]), strict=True):
            out = torch.cat([block(out), skip], dim=1)
        return out


class Hourglass(nn.Module):
    """U-Net style encoder-decoder: (B, F, H, W) -> (B, E + F, H, W); H, W divisible by 2^N."""

    def __init__(self, block_expansion: int, in_features: int, num_blocks: int, max_features: int):
        super().__init__()
        self.encoder = Encoder(block_expansion, in_features, num_blocks, max_features)
        self.decoder = Decoder(block_expansion, in_features, num_blocks, max_features)
        self.out_filters = self.decoder.out_filters

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.encoder(x))


class AntiAliasInterpolation2d(nn.Module):
    """Gaussian blur, then keep every (1/scale)-th pixel: (B, C, H, W) -> (B, C, H*s, W*s).

    The kernel is a buffer named `weight` because released checkpoints store it.
    """

    def __init__(self, channels: int, scale: float):
        super().__init__()
        self.scale = scale
        self.groups = channels
        sigma = (1 / scale - 1) / 2
        size = 2 * round(sigma * 4) + 1
        self.ka = size // 2
        self.kb = self.ka - 1 if size % 2 == 0 else self.ka
        self.step = int(1 / scale)
        coords = torch.arange(size, dtype=torch.float32)
        gauss = (
            torch.exp(-((coords - (size - 1) / 2) ** 2) / (2 * sigma**2)) if sigma > 0 else coords
        )
        kernel = gauss[:, None] * gauss[None, :]
        kernel = kernel / kernel.sum()
        self.register_buffer("weight", kernel.expand(channels, 1, size, size).contiguous())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.scale == 1.0:
            return x
        out = F.pad(x, (self.ka, self.kb, self.ka, self.kb))
        out = F.conv2d(out, self.weight, groups=self.groups)
        return out[:, :, :: self.step, :: self.step]
