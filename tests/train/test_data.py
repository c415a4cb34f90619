from __future__ import annotations

import numpy as np
import pytest

from facemotion.config import AugmentationConfig, DatasetConfig
from facemotion.errors import InputError
from facemotion.train.augment import augment, colour_jitter
from facemotion.train.data import FramePairDataset, read_frames, scan_videos, split_folder
from tests.train.synthetic import shape_frames, write_frame_folder, write_gif

CFG = DatasetConfig(frame_shape=(64, 64, 3))


def _mp4(path, frames):
    import av

    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=25)
        stream.height, stream.width = frames.shape[1:3]
        stream.pix_fmt = "yuv444p"
        stream.options = {"qp": "0"}
        for frame in frames:
            container.mux(stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")))
        container.mux(stream.encode())
    return path


def test_three_kinds_read_the_same_frames(tmp_path):
    frames = shape_frames(6, 64, seed=3)
    write_frame_folder(tmp_path / "a_folder", frames)
    write_gif(tmp_path / "b.gif", frames)
    _mp4(tmp_path / "c.mp4", frames)
    entries, notes = scan_videos(tmp_path, (64, 64, 3))
    assert [e.kind for e in entries] == ["frames", "gif", "video"] and not notes
    assert all(e.frame_count == 6 and e.size == (64, 64) for e in entries)
    for entry in entries:
        got = read_frames(entry, [4, 1])
        # gif palettes and yuv rounding: close, not exact
        assert np.abs(got[0].astype(int) - frames[4]).mean() < 12, entry.kind
        assert np.abs(got[1].astype(int) - frames[1]).mean() < 12, entry.kind


def test_bad_folders_say_what_to_do(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        scan_videos(tmp_path / "missing", (64, 64, 3))
    with pytest.raises(InputError, match="no usable video"):
        scan_videos(tmp_path, (64, 64, 3))
    with pytest.raises(InputError, match="no train/ folder.*prepare"):
        split_folder(tmp_path, "train")
    write_frame_folder(tmp_path / "short", shape_frames(1, 64))
    write_frame_folder(tmp_path / "big", shape_frames(4, 96))
    write_frame_folder(tmp_path / "ok", shape_frames(4, 64))
    entries, notes = scan_videos(tmp_path, (64, 64, 3))
    assert [e.path.name for e in entries] == ["big", "ok"]
    assert "fewer than 2 frames: short" in notes[0]
    assert "1 of 2 video(s)" in notes[1] and "resized" in notes[1]


def test_pairs_are_deterministic_and_resized(tmp_path):
    write_frame_folder(tmp_path / "v0", shape_frames(8, 96, seed=0))
    write_frame_folder(tmp_path / "v1", shape_frames(8, 64, seed=1))
    cfg = DatasetConfig(
        frame_shape=(64, 64, 3),
        augmentation=AugmentationConfig(horizontal_flip=True, time_flip=True, hue=0.1),
    )
    dataset = FramePairDataset(tmp_path, cfg, num_repeats=3, seed=5)
    assert len(dataset) == 6
    a, b = dataset[4], dataset[4]
    assert a["source"].shape == (3, 64, 64) and a["driving"].dtype.is_floating_point
    assert (a["source"] == b["source"]).all() and (a["driving"] == b["driving"]).all()
    assert 0 <= float(a["source"].min()) and float(a["source"].max()) <= 1
    dataset.set_epoch(1)
    assert not all((dataset[i]["source"] == a["source"]).all() for i in range(6))


def test_augmentations():
    rng = np.random.default_rng(0)
    frames = shape_frames(2, 32).astype(np.float32) / 255
    # a flip happens exactly when the generator's draw is under 0.5, as in the original
    outcomes, flip_only = [], AugmentationConfig(horizontal_flip=True)
    for seed in range(8):
        flipped = augment(frames, flip_only, np.random.default_rng(seed))
        flips = np.random.default_rng(seed).random() < 0.5
        assert np.array_equal(flipped, frames[:, :, ::-1] if flips else frames)
        outcomes.append(flips)
    assert any(outcomes) and not all(outcomes)
    # hue 0 and factors 1 leave the frames alone; a jitter keeps [0, 1] and changes them
    jittered = colour_jitter(frames, AugmentationConfig(brightness=0.1, hue=0.1), rng)
    assert jittered.shape == frames.shape and 0 <= jittered.min() and jittered.max() <= 1
    assert not np.allclose(jittered, frames)
    round_trip = colour_jitter(frames, AugmentationConfig(hue=1e-9), rng)
    np.testing.assert_allclose(round_trip, frames, atol=1e-5)
    cropped = augment(
        frames,
        AugmentationConfig(resize_ratio=(0.9, 1.1), crop_size=(32, 32)),
        np.random.default_rng(2),
    )
    assert cropped.shape == frames.shape
