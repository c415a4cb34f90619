"""Exact inference forms of the FOMM networks: the same function, with work done once.

Built from trained (eval-mode) networks, never trained themselves. What changes, and why the
result stays the reference's up to float rounding (max abs difference ~1e-6 on images):
- BatchNorm that follows a convolution is folded into its weights (eval-mode BN is affine).
- conv3x3(nearest_upsample_x2(x)) is one 2x2 convolution on x giving the four output phases:
  the upsampled image repeats every pixel, so 5 of the 9 taps multiply copies; this does
  4/9 of the work (the up blocks are ~25% of the generator's FLOPs).
- The anti-alias downsample convolves only the pixels it keeps (a strided convolution).
- The source goes through the encoder and the downsample once per animation
  (`SourceEncoder`); `FrameGenerator` takes its outputs and a batch of driving keypoints.
- Nothing for visualisation ('deformed', 'sparse_deformed') is returned.
Modules are copied, never shared, so reduced precision here leaves the reference networks be.
The 2x2 Jacobian inverse is written out in closed form so that the graph exports to ONNX.
"""

from __future__ import annotations

import copy

import torch
import torch.nn.functional as F
from torch import nn

from facemotion.models.blocks import (
    AntiAliasInterpolation2d,
    DownBlock2d,
    Hourglass,
    ResBlock2d,
    SameBlock2d,
    UpBlock2d,
    grid_sample,
    kp2gaussian,
    make_coordinate_grid,
)
from facemotion.models.generator import Generator, resize_deformation
from facemotion.models.keypoints import KeypointDetector, heatmap_to_keypoints


def _conv_like(conv: nn.Conv2d, weight: torch.Tensor, bias: torch.Tensor, **options) -> nn.Conv2d:
    out = nn.Conv2d(weight.shape[1], weight.shape[0], tuple(weight.shape[2:]), **options)
    with torch.no_grad():
        out.weight.copy_(weight)
        out.bias.copy_(bias)
    return out.to(conv.weight.device).requires_grad_(False)


def folded_weights(conv: nn.Conv2d, norm: nn.BatchNorm2d) -> tuple[torch.Tensor, torch.Tensor]:
    """Weights (O, I, k, k) and bias (O,) of conv followed by eval-mode BatchNorm."""
    scale = norm.weight / torch.sqrt(norm.running_var + norm.eps)
    bias = conv.bias if conv.bias is not None else torch.zeros_like(norm.running_mean)
    weight = conv.weight * scale[:, None, None, None]
    return weight.detach(), ((bias - norm.running_mean) * scale + norm.bias).detach()


def fold(conv: nn.Conv2d, norm: nn.BatchNorm2d) -> nn.Conv2d:
    """One convolution equal to conv then eval-mode BatchNorm."""
    return _conv_like(conv, *folded_weights(conv, norm), padding=conv.padding)


class UpsampleConv(nn.Module):
    """conv3x3(nearest_x2(x)) (padding 1), BN folded, then ReLU: (B, I, H, W) -> (B, O, 2H, 2W).

    Output row 2i sees upsampled rows 2i-1, 2i, 2i+1 = input rows i-1, i, i: kernel rows
    (w0, w1 + w2) on rows (i-1, i); row 2i+1 sees input rows i, i, i+1: (w0 + w1, w2) on rows
    (i, i+1). Columns likewise. One 2x2 convolution over the input padded by 1 yields all four
    phases; phase (a, b) is its output shifted by (a, b).
    """

    def __init__(self, block: UpBlock2d):
        super().__init__()
        weight, bias = folded_weights(block.conv, block.norm)
        rows = (
            torch.stack([weight[:, :, 0], weight[:, :, 1] + weight[:, :, 2]], dim=2),
            torch.stack([weight[:, :, 0] + weight[:, :, 1], weight[:, :, 2]], dim=2),
        )
        phases = [
            torch.stack([row[..., 0], row[..., 1] + row[..., 2]], dim=-1)
            if b == 0
            else torch.stack([row[..., 0] + row[..., 1], row[..., 2]], dim=-1)
            for row in rows
            for b in (0, 1)
        ]
        self.out_features = weight.shape[0]
        self.conv = _conv_like(block.conv, torch.cat(phases), bias.repeat(4), padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch, _, height, width = x.shape
        out = F.relu(self.conv(x), inplace=True).view(
            batch, 2, 2, self.out_features, height + 1, width + 1
        )
        rows = [
            torch.stack([out[:, a, b, :, a : a + height, b : b + width] for b in (0, 1)], dim=-1)
            for a in (0, 1)
        ]
        # (B, O, H, 2, W, 2) in memory order is the interleaved (B, O, 2H, 2W) image.
        return torch.stack(rows, dim=3).reshape(batch, self.out_features, 2 * height, 2 * width)


class FoldedUpBlock(nn.Module):
    """UpBlock2d with its BatchNorm folded: relu(conv(nearest_x2(x)))."""

    def __init__(self, block: UpBlock2d):
        super().__init__()
        self.conv = fold(block.conv, block.norm)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.relu(self.conv(F.interpolate(x, scale_factor=2)), inplace=True)


def fast_up_block(block: UpBlock2d) -> nn.Module:
    """The faster exact form of an up block: sub-pixel where the image is large.

    Where weights are large and images small, a layer's time is reading its weights, and the
    sub-pixel weights are 16/9 larger. FOMM's hourglasses widen as they shrink, so width
    decides: measured on vox-256, sub-pixel wins up to 1024 -> 256 channels (8x8 inputs) and
    loses at 2048 -> 512 (4x4) and 1024 -> 1024 (2x2).
    """
    if block.conv.in_channels * block.conv.out_channels <= 1024 * 256:
        return UpsampleConv(block)
    return FoldedUpBlock(block)


class FoldedBlock(nn.Module):
    """SameBlock2d or DownBlock2d with its BatchNorm folded: relu(conv(x)), pooled for Down."""

    def __init__(self, block: SameBlock2d | DownBlock2d):
        super().__init__()
        self.conv = fold(block.conv, block.norm)
        self.pool = isinstance(block, DownBlock2d)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.relu(self.conv(x), inplace=True)
        return F.avg_pool2d(out, kernel_size=2) if self.pool else out


class FoldedResBlock(nn.Module):
    """ResBlock2d with norm2 folded into conv1 (norm1 acts on the sum, so it stays)."""

    def __init__(self, block: ResBlock2d):
        super().__init__()
        self.norm1 = copy.deepcopy(block.norm1)
        self.conv1 = fold(block.conv1, block.norm2)
        self.conv2 = copy.deepcopy(block.conv2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.conv1(F.relu(self.norm1(x)))
        return self.conv2(F.relu(out, inplace=True)) + x


class FastHourglass(nn.Module):
    """Hourglass with folded blocks: (B, F, H, W) -> (B, E + F, H, W)."""

    def __init__(self, hourglass: Hourglass):
        super().__init__()
        self.down_blocks = nn.ModuleList(FoldedBlock(b) for b in hourglass.encoder.down_blocks)
        self.up_blocks = nn.ModuleList(fast_up_block(b) for b in hourglass.decoder.up_blocks)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        skips = [x]
        for block in self.down_blocks:
            skips.append(block(skips[-1]))
        out = skips.pop()
        for block in self.up_blocks:
            out = torch.cat([block(out), skips.pop()], dim=1)
        return out


class StridedAntiAlias(nn.Module):
    """AntiAliasInterpolation2d at only the pixels it keeps: (B, C, H, W) -> (B, C, h, w)."""

    def __init__(self, down: AntiAliasInterpolation2d | None):
        super().__init__()
        self.down = copy.deepcopy(down)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        down = self.down
        if down is None or down.scale == 1.0:
            return x
        out = F.pad(x, (down.ka, down.kb, down.ka, down.kb))
        return F.conv2d(out, down.weight, stride=down.step, groups=down.groups)


def inverse_2x2(matrix: torch.Tensor) -> torch.Tensor:
    """Closed-form inverse of (..., 2, 2) matrices (ONNX has no general matrix inverse)."""
    a, b = matrix[..., 0, 0], matrix[..., 0, 1]
    c, d = matrix[..., 1, 0], matrix[..., 1, 1]
    det = a * d - b * c
    rows = [torch.stack([d, -b], dim=-1), torch.stack([-c, a], dim=-1)]
    return torch.stack(rows, dim=-2) / det[..., None, None]


class FastKeypointDetector(nn.Module):
    """KeypointDetector, folded: images (B, C, H, W) -> value (B, K, 2), jacobian (B, K, 2, 2).

    A detector without Jacobians returns identity matrices, which leave every warp unchanged.
    """

    def __init__(self, detector: KeypointDetector):
        super().__init__()
        self.temperature = detector.temperature
        self.down = StridedAntiAlias(detector.down)
        self.predictor = FastHourglass(detector.predictor)
        self.kp = copy.deepcopy(detector.kp)
        self.jacobian = copy.deepcopy(detector.jacobian)
        self.num_jacobian_maps = detector.num_jacobian_maps

    def forward(self, image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        features = self.predictor(self.down(image))
        logits = self.kp(features).float()
        batch, num_kp, height, width = logits.shape
        heatmap = F.softmax(logits.view(batch, num_kp, -1) / self.temperature, dim=2)
        heatmap = heatmap.view(batch, num_kp, height, width)
        value = heatmap_to_keypoints(heatmap)
        if self.jacobian is None:
            identity = torch.eye(2, dtype=value.dtype, device=value.device)
            return value, identity.expand(batch, num_kp, 2, 2).contiguous()
        maps = self.jacobian(features).float()
        maps = maps.reshape(batch, self.num_jacobian_maps, 4, height, width)
        jacobian = (heatmap.unsqueeze(2) * maps).view(batch, num_kp, 4, -1).sum(dim=-1)
        return value, jacobian.view(batch, num_kp, 2, 2)


class SourceEncoder(nn.Module):
    """What the generator needs of the source, computed once: (1, C, H, W) ->
    features (1, F, H / 2^D, W / 2^D) and the dense motion network's copy (1, C, h, w)."""

    def __init__(self, generator: Generator):
        super().__init__()
        self.first = FoldedBlock(generator.first)
        self.down_blocks = nn.ModuleList(FoldedBlock(b) for b in generator.down_blocks)
        self.down = StridedAntiAlias(generator.dense_motion_network.down)

    def forward(self, source: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        out = self.first(source.to(self.first.conv.weight.dtype))
        for block in self.down_blocks:
            out = block(out)
        return out, self.down(source)


# Residual blocks at the bottleneck's start that stay float32 when the decoder runs in bf16.
# bf16 rounding in a block is amplified by every block after it, so the first blocks matter
# most (on seeded vox-256 weights the first holds about half of the error variance, the second
# a fifth). Measured on 2 cores (AMX), 16 frames, bf16 batch 4 against fp32 and the reference:
# no float32 block: max abs 3.7e-2, 4.2x; two: 2.2e-2, 2.8x; three: 1.8e-2, 2.35x; all six:
# 1.1e-2, 1.75x (fp32 itself: 1.6x). Two keep bf16 above 2.5x the reference.
FLOAT32_BOTTLENECK_BLOCKS = 2


def _dtype(module: nn.Module, fallback: nn.Module | None = None) -> torch.dtype:
    """The dtype a module computes in (its first parameter's); sections may differ."""
    for parameter in module.parameters():
        return parameter.dtype
    return _dtype(fallback) if fallback is not None else torch.float32


def joined_heads(mask: nn.Conv2d, occlusion: nn.Conv2d | None) -> nn.Conv2d:
    """One convolution computing `mask`'s output channels, then `occlusion`'s (same input,
    kernel and padding), or a copy of `mask` when there is no occlusion head."""
    if occlusion is None:
        return copy.deepcopy(mask)
    geometry = ("kernel_size", "stride", "padding", "dilation", "groups")
    if any(getattr(mask, name) != getattr(occlusion, name) for name in geometry):
        raise ValueError("the mask and occlusion heads differ in geometry; they cannot be joined")
    weight = torch.cat([mask.weight, occlusion.weight]).detach()
    bias = torch.cat([mask.bias, occlusion.bias]).detach()
    return _conv_like(mask, weight, bias, stride=mask.stride, padding=mask.padding)


class FrameGenerator(nn.Module):
    """Dense motion, warp, occlusion and decoder for a batch of driving keypoints.

    features (1 or B, F, h', w') and source_small (1 or B, C, h, w) from SourceEncoder;
    kp_* values (B or 1, K, 2) and jacobians (B or 1, K, 2, 2) -> prediction (B, C, H, W).
    Keypoint maths, warps and softmax run in float32 whatever the weights' dtype (bf16/fp16
    weights compute only the convolutions in reduced precision).

    The bottleneck's first FLOAT32_BOTTLENECK_BLOCKS residual blocks are `float32_bottleneck`,
    the rest `bottleneck`; only the latter is meant for reduced precision (see the constant).
    """

    def __init__(self, generator: Generator):
        super().__init__()
        dense = generator.dense_motion_network
        self.kp_variance = dense.kp_variance
        self.hourglass = FastHourglass(dense.hourglass)
        # The mask and occlusion heads read the same features with the same 7x7 kernel: one
        # convolution with both heads' output channels (108->12 for vox-256, 64x64) took
        # 16.1 and 12.9 ms where the two thin ones (108->11, 108->1) took 33.0 and 67.4 ms
        # (two runs, best of 12 interleaved, 2 shared cores; docs/speed.md). Same output.
        self.heads = joined_heads(dense.mask, dense.occlusion)
        self.mask_channels = dense.mask.out_channels
        self.has_occlusion = dense.occlusion is not None
        blocks = [FoldedResBlock(b) for b in generator.bottleneck]
        self.float32_bottleneck = nn.Sequential(*blocks[:FLOAT32_BOTTLENECK_BLOCKS])
        self.bottleneck = nn.Sequential(*blocks[FLOAT32_BOTTLENECK_BLOCKS:])
        self.up_blocks = nn.ModuleList(fast_up_block(b) for b in generator.up_blocks)
        self.final = copy.deepcopy(generator.final)

    def forward(
        self,
        features: torch.Tensor,
        source_small: torch.Tensor,
        kp_source_value: torch.Tensor,
        kp_source_jacobian: torch.Tensor,
        kp_driving_value: torch.Tensor,
        kp_driving_jacobian: torch.Tensor,
    ) -> torch.Tensor:
        batch, num_kp = kp_driving_value.shape[:2]
        _, channels, height, width = source_small.shape
        size = (height, width)
        source_small = source_small.float().expand(batch, -1, -1, -1)
        # Heatmap difference, background (zeros) first: (B, K+1, 1, h, w).
        heatmap = kp2gaussian(kp_driving_value, size, self.kp_variance) - kp2gaussian(
            kp_source_value, size, self.kp_variance
        )
        heatmap = torch.cat([heatmap.new_zeros(batch, 1, *size), heatmap], dim=1).unsqueeze(2)
        # Sparse motions T_k(z) = J_source_k inv(J_driving_k) (z - d_k) + s_k: (B, K+1, h, w, 2).
        identity = make_coordinate_grid(*size, device=source_small.device).view(1, 1, *size, 2)
        jacobian = kp_source_jacobian @ inverse_2x2(kp_driving_jacobian)
        grid = identity - kp_driving_value.view(batch, num_kp, 1, 1, 2)
        grid = (jacobian.view(batch, num_kp, 1, 1, 2, 2) @ grid.unsqueeze(-1)).squeeze(-1)
        motions = grid + kp_source_value.view(-1, num_kp, 1, 1, 2)
        motions = torch.cat([identity.expand(batch, 1, *size, 2), motions], dim=1)
        repeated = source_small.unsqueeze(1).expand(batch, num_kp + 1, channels, *size)
        deformed = grid_sample(
            repeated.reshape(batch * (num_kp + 1), channels, *size),
            motions.reshape(batch * (num_kp + 1), *size, 2),
        ).view(batch, num_kp + 1, channels, *size)
        hourglass_in = torch.cat([heatmap, deformed], dim=2).view(batch, -1, *size)
        motion_features = self.hourglass(hourglass_in.to(_dtype(self.hourglass)))
        heads = self.heads(motion_features.to(_dtype(self.heads))).float()
        mask = F.softmax(heads[:, : self.mask_channels], dim=1)
        deformation = (motions * mask.unsqueeze(-1)).sum(dim=1)
        # Decoder: warp the source features, mask occlusions, decode.
        features = features.float().expand(batch, -1, -1, -1)
        out = grid_sample(features, resize_deformation(deformation, features.shape[2:]))
        if self.has_occlusion:
            occlusion = torch.sigmoid(heads[:, self.mask_channels :])
            if occlusion.shape[2:] != out.shape[2:]:
                occlusion = F.interpolate(occlusion, size=out.shape[2:], mode="bilinear")
            out = out * occlusion
        out = self.float32_bottleneck(out)
        out = self.bottleneck(out.to(_dtype(self.bottleneck, self.final)))
        for block in self.up_blocks:
            out = block(out.to(_dtype(block)))
        return torch.sigmoid(self.final(out.to(_dtype(self.final))).float())


def reduce_precision(module: nn.Module, dtype: torch.dtype, channels_last: bool) -> nn.Module:
    """Convolutions and BatchNorms of `module` in `dtype` (and channels_last memory format);
    the anti-alias kernels and everything else stay float32."""
    for child in module.modules():
        if isinstance(child, nn.Conv2d | nn.BatchNorm2d):
            child.to(dtype)
            if channels_last and isinstance(child, nn.Conv2d):
                child.to(memory_format=torch.channels_last)
    return module
