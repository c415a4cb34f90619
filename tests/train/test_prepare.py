from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

import facemotion.landmarks
from facemotion.errors import InputError
from facemotion.io.images import crop_to_box as crop
from facemotion.train.data import probe
from facemotion.train.prepare import prepare, prepare_video
from tests.train.synthetic import shape_frames, write_frame_folder


def test_face_crop_keeps_one_square_per_clip(tmp_path, monkeypatch):
    seen = []

    def fake_detect(frames, *, static=False, face=None):
        # a "face" spanning x 20..40, y 10..30 in every frame but the first
        for i, frame in enumerate(frames):
            seen.append(frame.shape)
            points = np.array([[20, 10, 0], [40, 30, 0]], np.float32)
            yield points, i > 0

    monkeypatch.setattr(facemotion.landmarks, "detect_landmarks", fake_detect)
    write_frame_folder(tmp_path / "raw" / "clip", shape_frames(4, 96))
    entry = probe(tmp_path / "raw" / "clip")
    result = prepare_video(entry, tmp_path / "out", 32, 0.0, "face")
    assert result.split == "train" and result.frames == 4 and len(seen) == 4
    written = sorted((tmp_path / "out" / "train" / "clip").iterdir())
    assert len(written) == 4 and Image.open(written[0]).size == (32, 32)
    # face side 20 grown by 60% each side: a 44-pixel square centred on (30, 20)
    expected = crop(shape_frames(4, 96)[0], (8, -2, 44))
    got = np.asarray(Image.open(written[0])).astype(int)
    reference = np.asarray(Image.fromarray(expected).resize((32, 32), Image.Resampling.LANCZOS))
    assert np.abs(got - reference).mean() < 1


def test_no_face_and_bad_source(tmp_path, monkeypatch):
    def no_face(frames, *, static=False, face=None):
        for _ in frames:
            yield np.zeros((478, 3), np.float32), False

    monkeypatch.setattr(facemotion.landmarks, "detect_landmarks", no_face)
    write_frame_folder(tmp_path / "raw" / "clip", shape_frames(3, 64))
    results = prepare(tmp_path / "raw", tmp_path / "out", size=32)
    assert results[0].skipped == "no face found"
    with pytest.raises(InputError, match="not a folder"):
        prepare(tmp_path / "missing", tmp_path / "out")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="holds no video"):
        prepare(tmp_path / "empty", tmp_path / "out")


def test_crop_pads_outside_the_image():
    image = np.arange(4 * 4 * 3, dtype=np.uint8).reshape(4, 4, 3)
    out = crop(image, (-1, -1, 6))
    assert out.shape == (6, 6, 3) and (out[1:5, 1:5] == image).all()
    assert (out[0, 1:5] == image[0]).all()  # edge padding
