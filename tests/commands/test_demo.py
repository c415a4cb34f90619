"""`facemotion demo`: the shipped portraits animated by the shipped clip, offline."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from facemotion.assets import sample_path
from facemotion.cli import main
from facemotion.io.video import VideoReader
from facemotion.pipeline.demo import GRID_HEIGHT, GRID_STEPS, run_demo, write_comparison
from tests.fakes import FaceFreeModel
from tests.media import moving_frames, probe, write_video

DEMO_FILES = ["astronaut.mp4", "comparison.mp4", "frames.png", "grace_hopper.mp4"]


def check_demo_folder(folder: Path, animated_size: tuple[int, int] | None = None) -> None:
    assert sorted(p.name for p in folder.iterdir()) == DEMO_FILES  # no temporaries left
    driving = probe(sample_path("carphone.mp4"))
    videos = {name: probe(folder / name) for name in DEMO_FILES if name.endswith(".mp4")}
    for info in videos.values():
        assert info["fps"] == driving["fps"] == Fraction(30000, 1001)
        assert info["frames"] == driving["frames"] == 120
        assert info["audio_seconds"] == driving["audio_seconds"] == 0  # the clip has no audio
    if animated_size is not None:
        assert videos["astronaut.mp4"]["size"] == animated_size
    width, height = videos["comparison.mp4"]["size"]
    # driving (176x144 scaled) | astronaut | grace hopper, all at one height
    assert width > 2 * height and height >= 144
    grid = np.asarray(Image.open(folder / "frames.png"))
    assert grid.shape[0] == 28 + GRID_STEPS * (GRID_HEIGHT + 4)
    assert grid.shape[1] == pytest.approx(width * GRID_HEIGHT / height, abs=4)


@pytest.mark.slow
def test_demo_on_the_default_model_writes_its_files(tmp_path, capsys):
    folder = tmp_path / "demo"
    assert main(["demo", "-o", str(folder), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert f"demo written to {folder}" in out and "comparison.mp4" in out
    check_demo_folder(folder)
    for name in ("astronaut.mp4", "grace_hopper.mp4"):
        with VideoReader(folder / name) as reader:
            frames = [frame.astype(np.float32) for frame in reader]
        motion = [np.abs(frame - frames[0]).mean() for frame in frames]
        assert max(motion) > 4  # the driving head turns and the mouth opens: the portrait moves


class StillModel(FaceFreeModel):
    """A stand-in FOMM-like model: 64-pixel frames, each the source itself."""

    name = "still"
    frame_size = 64

    def animate(self, source, driving, *, relative=True, adapt_scale=True):
        for _ in driving:
            yield source


def test_run_demo_on_any_model_with_a_size(tmp_path):
    result = run_demo(StillModel(), tmp_path / "nested" / "demo", size=96, progress=False)
    check_demo_folder(result.outdir, animated_size=(96, 96))
    assert [path.name for path in result.paths] == [
        "astronaut.mp4", "grace_hopper.mp4", "comparison.mp4", "frames.png"
    ]  # fmt: skip
    assert [report.frames for report in result.reports] == [120, 120]


def test_demo_refuses_a_file_as_output_folder(tmp_path, capsys):
    target = tmp_path / "taken"
    target.write_text("x")
    assert main(["demo", "-o", str(target), "--quiet"]) == 5
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "is not a folder" in err


def test_comparison_is_synced_and_keeps_the_driving_audio(tmp_path):
    driving = write_video(tmp_path / "drive.mp4", moving_frames(9, 48, 64), Fraction(24))
    left = write_video(tmp_path / "a.mp4", moving_frames(9, 96, 96, seed=1), 24, audio=False)
    right = write_video(tmp_path / "b.mp4", moving_frames(9, 80, 80, seed=2), 24, audio=False)
    output, grid = tmp_path / "comparison.mp4", tmp_path / "frames.png"
    write_comparison([driving, left, right], output, grid, frame_count=9, progress=False)
    info = probe(output)
    assert info["frames"] == 9 and info["fps"] == Fraction(24)
    assert info["size"] == (128 + 96 + 96, 96)  # scaled to the tallest input, 96
    assert abs(info["audio_seconds"] - probe(driving)["audio_seconds"]) < 0.05
    assert np.asarray(Image.open(grid)).shape == (28 + GRID_STEPS * (GRID_HEIGHT + 4), 640, 3)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "a.mp4", "b.mp4", "comparison.mp4", "drive.mp4", "frames.png"
    ]  # fmt: skip


def test_grid_shows_the_drivers_widest_mouth_and_its_blink():
    from facemotion.motion.expression import measure
    from facemotion.pipeline.demo import telling_frames

    steps = telling_frames(sample_path("carphone.mp4"), 120)
    assert len(steps) == GRID_STEPS and steps[0] == 0 and steps == sorted(set(steps))
    with VideoReader(sample_path("carphone.mp4")) as reader:
        frames = [np.asarray(frame) for frame in reader]
    from facemotion.landmarks import LandmarkTracker

    with LandmarkTracker() as tracker:
        shown = [measure(tracker(frames[i])[0]) for i in steps]
    mouths = [e.mouth_open for e in shown]
    eyes = [e.eye_open_right + e.eye_open_left for e in shown]
    assert max(mouths) > 0.5  # an "ah": the lips apart by half the eyes' distance
    assert min(eyes) < 0.5 * max(eyes)  # a blink


def test_grid_frames_of_a_faceless_clip_are_evenly_spaced(tmp_path):
    from facemotion.pipeline.demo import evenly_spaced, telling_frames

    clip = write_video(tmp_path / "clip.mp4", moving_frames(9, 64, 64), Fraction(25))
    assert telling_frames(clip, 9) == evenly_spaced(9) == [0, 3, 5, 8]
