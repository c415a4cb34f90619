"""Bad input to `facemotion live`: refused before the camera opens."""

from __future__ import annotations

import pytest

from tests.bad_input.harness import assert_refused

CASES = {
    "camera-file-missing": (["--camera", "nope.mp4"], "nope.mp4"),
    "camera-text-file": (["--camera", "text.txt"], "text.txt"),
    "send-unknown-protocol": (["--camera", "drive.mp4", "--send", "ftp://127.0.0.1"], "ftp"),
    "send-bad-port": (["--camera", "drive.mp4", "--send", "vmc://127.0.0.1:99999"], "port"),
    "record-under-a-file": (["--camera", "drive.mp4", "--record", "file/rec"], "is a file"),
    "record-smooth-nan": (
        ["--camera", "drive.mp4", "--record", "rec", "--smooth", "nan,nan"],
        "--smooth: got nan,nan",
    ),
    "duration-zero": (["--camera", "drive.mp4", "--duration", "0"], "--duration"),
    "max-frames-zero": (["--camera", "drive.mp4", "--max-frames", "0"], "--max-frames"),
    "virtual-camera-without-animate": (
        ["--camera", "drive.mp4", "--virtual-camera"],
        "--animate",
    ),
    "animate-portrait-missing": (["--camera", "drive.mp4", "--animate", "nope.png"], "nope.png"),
    "neutral-image-missing": (["--camera", "drive.mp4", "--neutral-image", "nope.png"], "nope"),
}


@pytest.mark.parametrize(("argv", "match"), CASES.values(), ids=CASES.keys())
def test_live_refuses(work, capsys, argv, match):
    assert_refused(["live", *argv, "--quiet"], work, capsys, match)
