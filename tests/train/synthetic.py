"""Synthetic training videos: textured shapes moving over a textured background."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image


def shape_frames(count: int, size: int = 64, seed: int = 0) -> np.ndarray:
    """(count, size, size, 3) uint8: a textured disc and square drifting and rotating."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) / size
    background = np.stack(
        [0.3 + 0.2 * np.sin(6 * xx + c) * np.cos(4 * yy - c) for c in rng.uniform(0, 3, 3)], -1
    )
    colours = rng.uniform(0.2, 1.0, size=(2, 3))
    phase = rng.uniform(0, 2 * np.pi, size=4)
    frames = np.empty((count, size, size, 3), np.uint8)
    for t in range(count):
        angle = 2 * np.pi * t / max(count, 1)
        frame = background.copy()
        cx, cy = 0.5 + 0.2 * np.cos(angle + phase[0]), 0.5 + 0.2 * np.sin(angle + phase[1])
        disc = (xx - cx) ** 2 + (yy - cy) ** 2 < 0.04
        stripes = 0.75 + 0.25 * np.sign(np.sin(40 * (xx - cx)))
        frame[disc] = colours[0] * stripes[disc, None]
        sx, sy = 0.5 + 0.25 * np.sin(angle + phase[2]), 0.5 + 0.25 * np.cos(angle + phase[3])
        square = (np.abs(xx - sx) < 0.12) & (np.abs(yy - sy) < 0.12)
        checks = 0.7 + 0.3 * ((np.floor(xx * 16) + np.floor(yy * 16)) % 2)
        frame[square] = colours[1] * checks[square, None]
        frames[t] = np.clip(frame * 255, 0, 255).astype(np.uint8)
    return frames


def write_frame_folder(folder: Path, frames: np.ndarray) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i, frame in enumerate(frames):
        Image.fromarray(frame).save(folder / f"{i:04d}.png")
    return folder


def write_gif(path: Path, frames: np.ndarray) -> Path:
    images = [Image.fromarray(f) for f in frames]
    images[0].save(path, save_all=True, append_images=images[1:], duration=40, loop=0)
    return path


def make_dataset(
    root: Path, videos: int = 4, frames: int = 12, size: int = 64, test_videos: int = 1
) -> Path:
    """root/train and root/test with PNG-folder videos of moving shapes."""
    for i in range(videos):
        write_frame_folder(root / "train" / f"clip{i:02d}", shape_frames(frames, size, seed=i))
    for i in range(test_videos):
        write_frame_folder(root / "test" / f"test{i:02d}", shape_frames(frames, size, seed=100 + i))
    return root
