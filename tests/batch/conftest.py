"""Batch inputs: short clips of the shipped carphone sample (a real face), a clip without a
face, a file that is no video; and one Ray cluster for the whole session (Ray starts slowly)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from facemotion.assets import sample_path
from facemotion.io.video import VideoReader
from tests.media import moving_frames, write_video

CLIP_FRAMES = 6


def carphone_frames() -> np.ndarray:
    """(T, 144, 176, 3) uint8: every frame of the shipped carphone sample."""
    with VideoReader(sample_path("carphone.mp4")) as reader:
        return np.stack([np.asarray(frame) for frame in reader])


def write_face_clips(folder: Path, count: int, frames: int = CLIP_FRAMES) -> list[Path]:
    """`count` different stretches of carphone, `frames` long, as clip0.mp4, clip1.mp4, ..."""
    folder.mkdir(parents=True, exist_ok=True)
    source = carphone_frames()
    step = (len(source) - frames) // max(count, 1)
    return [
        write_video(folder / f"clip{i}.mp4", source[i * step : i * step + frames], audio=False)
        for i in range(count)
    ]


@pytest.fixture(scope="session")
def face_clips(tmp_path_factory) -> Path:
    """A folder of 3 face clips (6 frames each)."""
    folder = tmp_path_factory.mktemp("clips")
    write_face_clips(folder, 3)
    return folder


@pytest.fixture(scope="session")
def mixed_clips(tmp_path_factory, face_clips) -> Path:
    """The face clips, a clip with no face (faceless.mp4) and a file that is no video
    (broken.mp4)."""
    folder = tmp_path_factory.mktemp("mixed")
    for clip in face_clips.iterdir():
        shutil.copy(clip, folder / clip.name)
    write_video(folder / "faceless.mp4", moving_frames(4, 64, 64), audio=False)
    (folder / "broken.mp4").write_bytes(b"this is not a video")
    return folder


@pytest.fixture(scope="module")
def ray_cluster(tmp_path_factory):
    """A 2-CPU Ray instance on 127.0.0.1 for the module that asks (Ray starts slowly: one for
    all its tests), its state under a temporary folder; yields its address (as `ray start
    --head` prints it) and shuts it down after the module, so no later test runs beside
    Ray's threads. The variables Ray sets for this process (RAY_ADDRESS, ...) are undone."""
    import ray  # in the dev extra, so `make test` has it

    temp_dir = tmp_path_factory.mktemp("ray")
    saved = dict(os.environ)
    context = ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        _node_ip_address="127.0.0.1",
        _temp_dir=str(temp_dir),
    )
    try:
        yield context.address_info["gcs_address"]
    finally:
        ray.shutdown()
        os.environ.clear()
        os.environ.update(saved)
