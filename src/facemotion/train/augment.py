"""Training augmentations named by the configs: flips, time flip, colour jitter, resize-crop.

Every function takes frames (T, H, W, 3) float32 RGB in [0, 1] and a numpy Generator, and
applies one random draw to all T frames alike (the original's VideoToTensor pipeline does the
same: a flip or a jitter is per clip, not per frame).
"""

from __future__ import annotations

import numpy as np

from facemotion.config import AugmentationConfig


def _grayscale(frames: np.ndarray) -> np.ndarray:
    """(T, H, W, 3) -> (T, H, W, 1), ITU-R 601 luma as torchvision uses."""
    return frames @ np.array([0.299, 0.587, 0.114], np.float32)[:, None]


def _rgb_to_hsv(rgb: np.ndarray) -> np.ndarray:
    maxc, minc = rgb.max(-1), rgb.min(-1)
    value, delta = maxc, maxc - minc
    safe = np.where(delta == 0, 1, delta)
    saturation = np.where(maxc == 0, 0, delta / np.where(maxc == 0, 1, maxc))
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    hue = np.where(
        maxc == r, (g - b) / safe, np.where(maxc == g, 2 + (b - r) / safe, 4 + (r - g) / safe)
    )
    hue = np.where(delta == 0, 0, (hue / 6) % 1)
    return np.stack([hue, saturation, value], -1)


def _hsv_to_rgb(hsv: np.ndarray) -> np.ndarray:
    h, s, v = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    i = np.floor(h * 6)
    f = h * 6 - i
    p, q, t = v * (1 - s), v * (1 - f * s), v * (1 - (1 - f) * s)
    i = i.astype(np.int64) % 6
    choices = [
        np.stack(c, -1) for c in ((v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q))
    ]
    return np.select([i[..., None] == k for k in range(6)], choices)


def colour_jitter(
    frames: np.ndarray, cfg: AugmentationConfig, rng: np.random.Generator
) -> np.ndarray:
    """Brightness, contrast, saturation and hue jitter in a random order (torchvision's
    ColorJitter semantics: factors in [1 - x, 1 + x], hue shift in [-x, x] turns)."""
    steps = []
    if cfg.brightness:
        factor = rng.uniform(max(0, 1 - cfg.brightness), 1 + cfg.brightness)
        steps.append(lambda x, f=factor: x * f)
    if cfg.contrast:
        factor = rng.uniform(max(0, 1 - cfg.contrast), 1 + cfg.contrast)
        steps.append(
            lambda x, f=factor: f * x + (1 - f) * _grayscale(x).mean(axis=(1, 2, 3), keepdims=True)
        )
    if cfg.saturation:
        factor = rng.uniform(max(0, 1 - cfg.saturation), 1 + cfg.saturation)
        steps.append(lambda x, f=factor: f * x + (1 - f) * _grayscale(x))
    if cfg.hue:
        shift = rng.uniform(-cfg.hue, cfg.hue)

        def hue_step(x: np.ndarray, s: float = shift) -> np.ndarray:
            hsv = _rgb_to_hsv(x)
            hsv[..., 0] = (hsv[..., 0] + s) % 1
            return _hsv_to_rgb(hsv)

        steps.append(hue_step)
    for index in rng.permutation(len(steps)):
        frames = np.clip(steps[index](frames), 0, 1)
    return frames.astype(np.float32, copy=False)


def resize_crop(
    frames: np.ndarray, cfg: AugmentationConfig, rng: np.random.Generator
) -> np.ndarray:
    """mgif's random resize by a ratio in `resize_ratio`, then a random crop (or zero pad) to
    `crop_size`; returns frames of the input's size (the crop size equals the frame shape)."""
    import torch
    import torch.nn.functional as F

    count, height, width, _ = frames.shape
    if cfg.resize_ratio is not None:
        ratio = rng.uniform(*cfg.resize_ratio)
        size = (max(1, round(height * ratio)), max(1, round(width * ratio)))
        tensor = torch.from_numpy(np.ascontiguousarray(frames)).permute(0, 3, 1, 2)
        tensor = F.interpolate(tensor, size=size, mode="bilinear", align_corners=False)
        frames = tensor.permute(0, 2, 3, 1).numpy()
    if cfg.crop_size is not None:
        crop_h, crop_w = cfg.crop_size
        pad_h, pad_w = max(0, crop_h - frames.shape[1]), max(0, crop_w - frames.shape[2])
        frames = np.pad(frames, ((0, 0), (0, pad_h), (0, pad_w), (0, 0)))
        top = int(rng.integers(0, frames.shape[1] - crop_h + 1))
        left = int(rng.integers(0, frames.shape[2] - crop_w + 1))
        frames = frames[:, top : top + crop_h, left : left + crop_w]
    return np.ascontiguousarray(frames[:count], dtype=np.float32)


def augment(frames: np.ndarray, cfg: AugmentationConfig, rng: np.random.Generator) -> np.ndarray:
    """All augmentations `cfg` names, in the original's order: flips, resize-crop, jitter."""
    if cfg.time_flip and rng.random() < 0.5:
        frames = frames[::-1]
    if cfg.horizontal_flip and rng.random() < 0.5:
        frames = frames[:, :, ::-1]
    if cfg.resize_ratio is not None or cfg.crop_size is not None:
        frames = resize_crop(frames, cfg, rng)
    if cfg.brightness or cfg.contrast or cfg.saturation or cfg.hue:
        frames = colour_jitter(frames, cfg, rng)
    return np.ascontiguousarray(frames, dtype=np.float32)
