"""The still scene through the animation job: a portrait pasted back into its photo keeps
the photo's scene still, behind a real person tracked and segmented by the bundled models."""

from __future__ import annotations

from fractions import Fraction

import cv2
import numpy as np
import pytest

from facemotion.assets import sample_path
from facemotion.io.images import load_image
from facemotion.io.video import VideoReader
from facemotion.pipeline.animate import animate_video
from tests.media import person_in_stripes, write_video

pytestmark = pytest.mark.slow


def _pasted_frames(tmp_path, scene: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    from facemotion.motion.landmark_model import LandmarkModel, LandmarkOptions

    with VideoReader(sample_path("carphone.mp4")) as reader:
        frames = np.stack([frame for _, frame in zip(range(40), reader, strict=False)][::5])
    driving = write_video(tmp_path / "drive.mp4", frames, Fraction(25), audio=False)
    photo, near = person_in_stripes()
    model = LandmarkModel(LandmarkOptions(scene=scene))
    out = tmp_path / f"frames_{scene}"
    out.mkdir()
    animate_video(model, photo, driving, out, crop="auto", paste_back=True, progress=False)
    pngs = sorted(out.glob("frame_*.png"))
    outputs = np.stack([load_image(png) for png in pngs]).astype(np.float32)
    return photo, near, outputs


def _around(near: np.ndarray, band_px: int = 9) -> np.ndarray:
    """The scene in the band around her, from `band_px` beyond her edge out (where the
    surroundings of the face moved with the driving video's flow)."""
    person = cv2.erode(near.astype(np.uint8), np.ones((61, 61), np.uint8))
    return (cv2.dilate(person, np.ones((band_px, band_px), np.uint8)) == 0) & near


def test_paste_back_keeps_the_photos_scene_still(tmp_path):
    photo, near, outputs = _pasted_frames(tmp_path, "still")
    difference = np.abs(outputs - photo.astype(np.float32))
    assert difference[:, ~near].max() == 0.0  # bit for bit, far from her
    assert difference[:, _around(near)].mean(axis=1).max() < 0.25
    # she moves: her head differs from the photo by more than coding noise
    assert difference[:, near].mean() > 1.0


def test_paste_back_with_follow_moves_the_scene_around_the_head(tmp_path):
    photo, near, outputs = _pasted_frames(tmp_path, "follow")
    difference = np.abs(outputs - photo.astype(np.float32))
    assert difference[:, _around(near)].mean(axis=1).max() > 0.5
