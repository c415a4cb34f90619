"""`facemotion live` from the command line: a clip stands in for the camera; bad input is one
line and an exit code."""

from __future__ import annotations

import numpy as np
import pytest
from pylivelinkface import FaceBlendShape
from receivers import LiveLinkReceiver, VmcReceiver

from facemotion.assets import sample_path
from facemotion.cli import main


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
    assert "20 frames" in out and "0 dropped" in out and "20 packets to livelink://" in out
    jaw = [face.get_blendshape(FaceBlendShape.JawOpen) for face in livelink.faces]
    assert np.ptp(jaw) > 0.0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "carphone.csv",
        "carphone.glb",
        "carphone.json",
    ]


def test_missing_camera_lists_the_cameras(capsys):
    assert live("--camera", "7", "--max-frames", 1) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "camera 7" in err and "cameras:" in err


def test_not_a_camera_nor_a_file(tmp_path, capsys):
    assert live("--camera", tmp_path / "missing.mp4") == 2
    assert "not a camera index nor a video file" in capsys.readouterr().err


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
