from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from facemotion.assets import sample_path
from facemotion.io.video import VideoReader

CLIP_FRAMES = 40


@pytest.fixture(scope="session")
def carphone() -> Path:
    return sample_path("carphone.mp4")


@pytest.fixture(scope="session")
def carphone_frames(carphone) -> tuple[list[np.ndarray], float]:
    """The first CLIP_FRAMES frames of the carphone sample and its fps."""
    with VideoReader(carphone) as reader:
        frames = []
        for frame in reader:
            frames.append(frame)
            if len(frames) == CLIP_FRAMES:
                break
        return frames, reader.fps
