"""Bad input to `facemotion capture`: refused in one line, nothing left, inputs unchanged."""

from __future__ import annotations

import shutil

import pytest

from tests.bad_input.harness import assert_refused

CASES = {
    "outdir-name-too-long": (["drive.mp4", "-o", "o" * 300], "give a shorter --outdir"),
    "video-missing": (["nope.mp4"], "does not exist"),
    "video-text": (["text.txt"], "not a readable video|cannot be read|not an image"),
    "video-empty": (["empty.bin"], "not a readable video|cannot be read"),
    "video-audio-only": (["audio.m4a"], "no video stream"),
    "video-without-face": (["noface.mp4"], "no face found in noface.mp4"),
    "face-5-of-1": (["drive.mp4", "--face", "5"], "face number 5 .* shows one face"),
    "image-decompression-bomb": (["bomb.png"], "megapixels are refused"),
    "neutral-image-missing": (["drive.mp4", "--neutral-image", "nope.png"], "does not exist"),
    "neutral-image-without-face": (
        ["drive.mp4", "--neutral-image", "blank.png"],
        "no face found in the neutral image",
    ),
    "neutral-frame-negative": (["drive.mp4", "--neutral-frame", "-1"], "0 or more"),
    "neutral-frame-past-the-end": (["drive.mp4", "--neutral-frame", "500"], "500"),
    "formats-unknown": (["drive.mp4", "--formats", "csv,fbx"], "choose among"),
    "smooth-not-numbers": (["drive.mp4", "--smooth", "fast"], "smooth"),
    # NaN passed every range check (NaN <= 0 is false): a JSON of bare NaN tokens, exit 0
    "smooth-nan": (["drive.mp4", "--smooth", "nan,nan"], "--smooth: got nan,nan: .*finite"),
    "smooth-one-nan": (["drive.mp4", "--smooth", "1,nan"], "--smooth: got 1,nan"),
    "smooth-infinite": (["drive.mp4", "--smooth", "inf,inf"], "--smooth: got inf,inf"),
    # argparse took -1,-1 for an option ("expected one argument"): now its range is said
    "smooth-negative": (["drive.mp4", "--smooth", "-1,-1"], "--smooth: got -1,-1: .*above 0"),
    "ipd-zero": (["drive.mp4", "--ipd", "0"], "ipd"),
    "fov-too-wide": (["drive.mp4", "--fov", "200"], "fov"),
    "outdir-under-a-file": (["drive.mp4", "-o", "file/out"], "is a file"),
    "outdir-unwritable": (
        ["drive.mp4", "-o", "/proc/facemotion/out"],
        "cannot create|not writable",
    ),
}


@pytest.mark.parametrize(("argv", "match"), CASES.values(), ids=CASES.keys())
def test_capture_refuses(work, capsys, argv, match):
    assert_refused(["capture", *argv, "--quiet"], work, capsys, match)


def test_output_that_is_the_input_is_refused(work, capsys):
    """A video named like one of its own outputs (clip.json) would be overwritten by it."""
    shutil.copy(work / "drive.mp4", work / "clip.json")
    assert_refused(["capture", "clip.json", "--quiet"], work, capsys, "is the input")
