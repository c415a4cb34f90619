"""Shared inputs: the shipped portraits, their landmarks, the first carphone frames."""

from __future__ import annotations

import av
import numpy as np
import pytest
from PIL import Image

from facemotion.assets import sample_path
from facemotion.landmarks import detect_image_landmarks


def _portrait(name: str) -> np.ndarray:
    with Image.open(sample_path(name)) as image:
        return np.asarray(image.convert("RGB"))


@pytest.fixture(scope="session")
def grace() -> np.ndarray:
    """(600, 512, 3) uint8: Grace Hopper, frontal."""
    return _portrait("grace_hopper.jpg")


@pytest.fixture(scope="session")
def astronaut() -> np.ndarray:
    """(512, 512, 3) uint8: Eileen Collins, slightly turned."""
    return _portrait("astronaut.png")


@pytest.fixture(scope="session")
def grace_points(grace) -> np.ndarray:
    points = detect_image_landmarks(grace)
    points.setflags(write=False)
    return points


@pytest.fixture(scope="session")
def carphone_frames() -> list[np.ndarray]:
    """The first 30 frames of the carphone clip, (144, 176, 3) uint8."""
    with av.open(str(sample_path("carphone.mp4"))) as container:
        frames = []
        for frame in container.decode(video=0):
            frames.append(frame.to_ndarray(format="rgb24"))
            if len(frames) == 30:
                break
    return frames
