"""`live --record` whose camera stops: what was recorded is written (under temporary names,
renamed when complete), one line says so, and the exit code is the camera error's; a video
that ends before its header says ends the session as the end of a clip does, with a note."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from facemotion.cli import main
from facemotion.errors import InputError
from facemotion.live import source as live_source
from facemotion.live.source import ThreadedSource
from tests.live.conftest import CLIP_FRAMES
from tests.media import write_video

FRAMES_BEFORE_FAILURE = 20


class FailingCamera(ThreadedSource):
    """A camera that gives `frames`, then fails as an unplugged one does."""

    def __init__(self, frames: list[np.ndarray], fps: float) -> None:
        super().__init__(wait_for_consumer=True)  # every frame processed: a known count
        self.frames, self.fps = frames, fps
        self.frame_size = frames[0].shape[:2]

    def _produce(self):
        for index, image in enumerate(self.frames):
            yield image, index / self.fps
        raise InputError("the camera stopped giving frames (unplugged or taken by an app)")


def _recorded_rows(path: Path) -> int:
    with path.open(newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def _no_temporaries(folder: Path) -> bool:
    return not [path for path in folder.rglob("*") if ".tmp-" in path.name]


def test_an_unplugged_camera_keeps_the_recording(monkeypatch, carphone_frames, tmp_path, capsys):
    frames, fps = carphone_frames
    camera = FailingCamera(frames[:FRAMES_BEFORE_FAILURE], fps)
    monkeypatch.setattr(live_source, "open_source", lambda text, realtime=True: camera)
    out = tmp_path / "recording"
    code = main(["live", "--camera", "0", "--record", str(out), "--formats", "csv,json",
                 "--no-preview", "--quiet"])  # fmt: skip
    captured = capsys.readouterr()
    assert code == InputError.exit_code
    assert captured.err.count("\n") == 1, captured.err
    assert captured.err.startswith("facemotion live: error: the camera stopped giving frames")
    assert f"the {FRAMES_BEFORE_FAILURE} frames before it are recorded in {out}" in captured.err
    assert captured.out.startswith("camera stopped: 20 frames")
    assert sorted(path.name for path in out.iterdir()) == ["live.csv", "live.json"]
    assert _recorded_rows(out / "live.csv") == FRAMES_BEFORE_FAILURE
    assert _no_temporaries(tmp_path)


def test_a_camera_failing_before_any_face_says_nothing_was_recorded(monkeypatch, tmp_path, capsys):
    blank = [np.zeros((96, 128, 3), np.uint8)] * 3
    monkeypatch.setattr(
        live_source, "open_source", lambda text, realtime=True: FailingCamera(blank, 30.0)
    )
    out = tmp_path / "recording"
    code = main(["live", "--camera", "0", "--record", str(out), "--no-preview", "--quiet"])
    err = capsys.readouterr().err
    assert code == InputError.exit_code and err.count("\n") == 1, err
    assert "nothing was recorded (no face before it)" in err
    assert not out.exists() or list(out.iterdir()) == []


@pytest.mark.slow
def test_a_video_cut_short_is_recorded_to_its_last_frame(carphone_frames, tmp_path, capsys):
    frames, fps = carphone_frames
    whole = write_video(tmp_path / "take.mkv", np.stack(frames), round(fps), audio=False)
    data = whole.read_bytes()
    cut = tmp_path / "cut.mkv"  # Matroska's header comes first: a cut file still plays
    cut.write_bytes(data[: len(data) // 2])
    out = tmp_path / "recording"
    code = main(["live", "--camera", str(cut), "--record", str(out), "--formats", "csv",
                 "--every-frame", "--no-preview", "--quiet"])  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "(cut.mkv ended at" in captured.out and "its header gives)" in captured.out
    rows = _recorded_rows(out / "cut.csv")
    assert 5 <= rows < CLIP_FRAMES
    assert captured.out.startswith("done (cut.mkv ended at")
    assert _no_temporaries(tmp_path)
