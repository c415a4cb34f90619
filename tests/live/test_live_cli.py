"""`facemotion live` from the command line: a clip stands in for the camera; bad input is one
line and an exit code."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pylivelinkface import FaceBlendShape

from facemotion.assets import sample_path
from facemotion.cli import main
from tests.live.receivers import LiveLinkReceiver, VmcReceiver


def live(*args) -> int:
    return main(["live", *[str(a) for a in args]])


@pytest.mark.slow
def test_clip_to_livelink_and_vmc_with_recording(carphone, tmp_path, capsys):
    with LiveLinkReceiver() as livelink, VmcReceiver() as vmc:
        code = live(
            "--camera", carphone, "--every-frame", "--max-frames", 20, "--quiet",
            "--send", f"livelink://127.0.0.1:{livelink.port}",
            "--send", f"vmc://127.0.0.1:{vmc.port}",
            "--record", tmp_path, "--formats", "csv,json,glb",
        )  # fmt: skip
        livelink.wait_for(20)
        vmc.wait_for(20)
    out = capsys.readouterr().out
    assert code == 0, out
    assert len(livelink.faces) == 20 and len(vmc.complete_frames()) == 20
    assert "20 frames" in out and "0 dropped" in out and "20/20 packets sent to livelink://" in out
    # The weights move (calibrated against frame 0, where carphone's mouth is already open:
    # jawOpen itself may stay 0 over these 20 frames).
    weights = np.array(
        [[face.get_blendshape(s) for s in FaceBlendShape] for face in livelink.faces]
    )
    assert np.ptp(weights[:, :52], axis=0).max() > 0.05
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "carphone.csv",
        "carphone.glb",
        "carphone.json",
    ]


def _lip_gaps(clip: Path) -> np.ndarray:
    """(T,) the inner lips' gap of each frame of `clip` over its eyes' distance, measured on
    the Face Landmarker's landmarks by geometry written here."""
    from facemotion.io.video import VideoReader
    from facemotion.landmarks.tracker import observe_faces

    with VideoReader(clip) as reader:
        points = [observation.landmarks for observation in observe_faces(reader)]
    gaps = []
    for p in points:
        eyes = np.linalg.norm(p[[33, 133], :2].mean(0) - p[[263, 362], :2].mean(0))
        gaps.append(np.linalg.norm(p[13, :2] - p[14, :2]) / eyes)
    return np.array(gaps)


@pytest.mark.slow
def test_the_mouth_is_sent(tmp_path):
    """jawOpen, as Live Link receives it, follows the clip's mouth: carphone frames 48 to 72,
    where the mouth opens wide (lip gap ~0.2 to 0.7 eye distances) and shuts (~0.07)."""
    from tests.batch.conftest import carphone_frames
    from tests.media import write_video

    clip = write_video(tmp_path / "mouth.mp4", carphone_frames()[48:72], audio=False)
    with LiveLinkReceiver() as livelink:
        code = live("--camera", clip, "--every-frame", "--max-frames", 24, "--quiet",
                    "--send", f"livelink://127.0.0.1:{livelink.port}")  # fmt: skip
        livelink.wait_for(24)
    assert code == 0 and len(livelink.faces) == 24
    jaw = np.array([face.get_blendshape(FaceBlendShape.JawOpen) for face in livelink.faces])
    gaps = _lip_gaps(clip)
    assert jaw.max() > 0.2 and jaw[-4:].max() < 0.5 * jaw.max(), jaw.round(2)
    assert abs(int(jaw.argmax()) - int(gaps.argmax())) <= 2, (jaw.round(2), gaps.round(2))
    assert np.corrcoef(jaw, gaps)[0, 1] > 0.8, (jaw.round(2), gaps.round(2))


def test_missing_camera_lists_the_cameras(capsys):
    assert live("--camera", "7", "--max-frames", 1) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "camera 7" in err and "cameras:" in err


def test_not_a_camera_nor_a_file(tmp_path, capsys):
    assert live("--camera", tmp_path / "missing.mp4") == 2
    assert "neither a camera index nor a video file" in capsys.readouterr().err


def test_bad_send_url_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        live("--camera", "0", "--send", "osc://127.0.0.1")
    assert exit_info.value.code == 2
    assert "livelink://HOST[:PORT] or vmc://HOST[:PORT]" in capsys.readouterr().err


def test_virtual_camera_needs_a_portrait(capsys):
    assert live("--camera", "0", "--virtual-camera") == 2
    assert "--animate SOURCE" in capsys.readouterr().err


def test_overlay_cannot_be_recorded_live(carphone, tmp_path, capsys):
    assert live("--camera", carphone, "--record", tmp_path, "--formats", "csv,overlay") == 2
    assert "no overlay" in capsys.readouterr().err


def test_virtual_camera_without_pyvirtualcam_is_one_line(carphone, capsys, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "pyvirtualcam", None)
    code = live(
        "--camera", carphone, "--animate", sample_path("astronaut.png"), "--virtual-camera",
        "--max-frames", 1, "--no-preview", "--quiet",
    )  # fmt: skip
    err = capsys.readouterr().err.strip()
    assert code == 2 and "pip install 'facemotion[virtualcam]'" in err
    assert len(err.splitlines()) == 1


@pytest.mark.slow
def test_sigint_stops_with_one_line_and_writes_the_recording(carphone, tmp_path):
    import signal
    import subprocess
    import sys
    import time

    process = subprocess.Popen(
        [sys.executable, "-m", "facemotion.cli", "live", "--camera", str(carphone),
         "--record", str(tmp_path), "--formats", "csv,json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    # The session announces itself once MediaPipe is loaded and the clip starts; the clip
    # plays for 4 s in real time, so one second later the session is in the middle of it.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and "Ctrl-C to stop" not in process.stderr.readline():
        pass
    time.sleep(1.0)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "Traceback" not in err
    summary = [line for line in out.splitlines() if line.strip()]
    assert summary[0].startswith("stopped (Ctrl-C)"), out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["carphone.csv", "carphone.json"]
    rows = (tmp_path / "carphone.csv").read_text().splitlines()
    assert 10 < len(rows) < 120


def test_missing_camera_is_one_line_on_the_real_stderr():
    import subprocess
    import sys

    index = next(i for i in range(9, 64) if not Path(f"/dev/video{i}").exists())
    result = subprocess.run(
        [sys.executable, "-m", "facemotion.cli", "live", "--camera", str(index)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1, result.stderr
    assert "cannot be opened" in lines[0]
