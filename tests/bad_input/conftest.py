"""Inputs for the bad-input corpus, good and bad, copied into each test's own folder."""

from __future__ import annotations

import itertools
import pickle
import shutil
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
import torch
from PIL import Image

from facemotion.assets import sample_path
from facemotion.io.video import VideoReader
from tests.media import moving_frames, write_video


class Evil:
    """Unpickling this would run code: a checkpoint must be refused before that."""

    def __reduce__(self):
        return (print, ("this checkpoint ran code",))


def _audio_only(path: Path) -> Path:
    with av.open(str(path), "w") as container:
        stream = container.add_stream("aac", rate=44100)
        stream.layout = "mono"
        tone = np.zeros((1, 1024), np.float32)
        for start in range(0, 44100, 1024):
            frame = av.AudioFrame.from_ndarray(tone, format="fltp", layout="mono")
            frame.sample_rate, frame.pts = 44100, start
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


@pytest.fixture(scope="session")
def media(tmp_path_factory, golden_dir) -> Path:
    root = tmp_path_factory.mktemp("bad-input-media")
    shutil.copy(sample_path("astronaut.png"), root / "portrait.png")
    shutil.copy(sample_path("grace_hopper.jpg"), root / "grace.jpg")
    with VideoReader(sample_path("carphone.mp4")) as reader:
        frames = np.stack(list(itertools.islice(reader, 10)))
    write_video(root / "drive.mp4", frames, Fraction(25))
    write_video(root / "noface.mp4", moving_frames(10, 96, 128), Fraction(25))
    Image.fromarray(np.full((120, 160, 3), 128, np.uint8)).save(root / "blank.png")
    (root / "text.txt").write_text("not an image, not a video\n")
    (root / "empty.bin").write_bytes(b"")
    (root / "truncated.png").write_bytes((root / "portrait.png").read_bytes()[:200])
    (root / "truncated.mp4").write_bytes((root / "drive.mp4").read_bytes()[:3000])
    Image.new("1", (15000, 15000)).save(root / "bomb.png")
    _audio_only(root / "audio.m4a")
    shutil.copy(golden_dir / "tiny-cpk.pth.tar", root / "tiny-cpk.pth.tar")
    shutil.copy(golden_dir / "tiny-64.yaml", root / "tiny-64.yaml")
    torch.save({"generator": Evil(), "kp_detector": {}}, root / "evil.pth.tar")
    (root / "pickle.pth.tar").write_bytes(pickle.dumps({"generator": Evil()}))
    (root / "cut.pth.tar").write_bytes((golden_dir / "tiny-cpk.pth.tar").read_bytes()[:5000])
    (root / "garbage.yaml").write_text("model_params: [unclosed\n  : :\n")
    (root / "file").write_text("a file where a folder is needed\n")
    (root / "notes").mkdir()
    (root / "notes" / "todo.txt").write_text("a folder that is not a PNG sequence\n")
    return root


@pytest.fixture
def work(media, tmp_path, monkeypatch) -> Path:
    """A fresh folder holding every input, and the working directory of the case."""
    for path in media.iterdir():
        if path.is_dir():
            shutil.copytree(path, tmp_path / path.name)
        else:
            shutil.copy(path, tmp_path / path.name)
    monkeypatch.chdir(tmp_path)
    return tmp_path
