"""Bad input to `facemotion animate`: each case is refused in one line and leaves nothing."""

from __future__ import annotations

import pytest

from tests.bad_input.harness import assert_refused

TINY = ["--checkpoint", "tiny-cpk.pth.tar", "--config", "tiny-64.yaml"]

CASES = {
    # source image
    "source-missing": (["nope.png", "drive.mp4"], "does not exist"),
    "source-text": (["text.txt", "drive.mp4", *TINY], "not an image"),
    "source-empty": (["empty.bin", "drive.mp4", *TINY], "not an image"),
    "source-truncated": (["truncated.png", "drive.mp4", *TINY], "not an image"),
    "source-decompression-bomb": (["bomb.png", "drive.mp4", *TINY], "megapixels are refused"),
    "source-is-a-video": (["drive.mp4", "drive.mp4", *TINY], "not an image"),
    "source-without-face": (["blank.png", "drive.mp4"], "no face found in blank.png"),
    "source-face-5-of-1": (
        ["portrait.png", "drive.mp4", "--crop", "auto", "--face", "5"],
        "no face number 5",
    ),
    "source-face-0-of-none": (
        ["blank.png", "drive.mp4", "--crop", "auto", "--face", "0"],
        "no face number 0 (?!.*--face 0)",  # not "try --face 0"
    ),
    # driving video
    "driving-missing": (["portrait.png", "nope.mp4"], "does not exist"),
    "driving-text": (["portrait.png", "text.txt", *TINY], "not a readable video"),
    "driving-empty": (["portrait.png", "empty.bin", *TINY], "not a readable video"),
    "driving-truncated": (["portrait.png", "truncated.mp4", *TINY], "video"),
    "driving-audio-only": (["portrait.png", "audio.m4a", *TINY], "no video stream"),
    "driving-is-an-image": (["portrait.png", "portrait.png", *TINY], "give a video file"),
    "driving-without-face": (["portrait.png", "noface.mp4"], "no face found in any frame"),
    "driving-face-5-of-1": (
        ["portrait.png", "drive.mp4", "--driving-face", "5"],
        "face number 5 .* shows one face",
    ),
    # output path
    "output-is-the-driving-video": (
        ["portrait.png", "drive.mp4", "-o", "drive.mp4"],
        "is the input",
    ),
    "output-is-the-source": (["portrait.png", "drive.mp4", "-o", "portrait.png"], "is the input"),
    "output-under-a-file": (["portrait.png", "drive.mp4", "-o", "file/out.mp4"], "is a file"),
    "output-unwritable": (
        ["portrait.png", "drive.mp4", "-o", "/proc/facemotion/out.mp4", *TINY],
        "cannot create|not writable",
    ),
    "output-name-too-long": (  # 304 bytes: more than a file system's 255 a name
        ["portrait.png", "drive.mp4", "-o", "n" * 300 + ".mp4", *TINY],
        "304 bytes long, more than the 255 .* give a shorter output name",
    ),
    "output-folder-name-too-long": (
        ["portrait.png", "drive.mp4", "-o", "f" * 256 + "/out.mp4", *TINY],
        "give a shorter output name",
    ),
    "output-unknown-suffix": (["portrait.png", "drive.mp4", "-o", "out.avi", *TINY], r"\.mp4"),
    "output-folder-holding-the-inputs": (
        ["portrait.png", "drive.mp4", "-o", ".", *TINY],
        "holds the input",
    ),
    "output-folder-of-other-files": (
        ["portrait.png", "drive.mp4", "-o", "notes", *TINY],
        "holds other files",
    ),
    # numbers
    "size-odd": (["portrait.png", "drive.mp4", "--size", "17"], "even sides"),
    "size-too-small": (["portrait.png", "drive.mp4", "--size", "5"], "between 16 and 4096"),
    "size-not-a-number": (["portrait.png", "drive.mp4", "--size", "big"], "invalid int"),
    "batch-zero": (
        ["portrait.png", "drive.mp4", "--batch", "0"],
        "batch must be 1 or more.*try --batch 1",
    ),
    "best-frame-negative": (["portrait.png", "drive.mp4", "--best-frame", "-1"], "0 or more"),
    "best-frame-past-the-end": (
        ["portrait.png", "drive.mp4", "--best-frame", "99", *TINY],
        "past the end",
    ),
    "face-negative": (["portrait.png", "drive.mp4", "--face", "-1"], "0 or more"),
    "precision-unknown": (["portrait.png", "drive.mp4", "--precision", "int3"], "invalid choice"),
    # model and checkpoint
    "config-without-checkpoint": (
        ["portrait.png", "drive.mp4", "--config", "vox-256"],
        "--checkpoint",
    ),
    # settings the chosen kind of model has no use for are refused, never silently ignored
    "device-with-the-embedded-model": (
        ["portrait.png", "drive.mp4", "--device", "tpu9"],
        "device applies to FOMM checkpoints; the landmarks model runs on the CPU; try --model vox",
    ),
    "cuda-with-the-embedded-model": (
        ["portrait.png", "drive.mp4", "--device", "cuda"],
        "device applies to FOMM checkpoints",
    ),
    "batch-with-the-embedded-model": (
        ["portrait.png", "drive.mp4", "--batch", "4"],
        "batch applies to FOMM checkpoints",
    ),
    "expression-with-fomm": (
        ["portrait.png", "drive.mp4", "--model", "vox", "--expression", "relative"],
        "expression applies to the landmarks model; .*try --model landmarks",
    ),
    "model-and-checkpoint": (
        ["portrait.png", "drive.mp4", "--model", "vox", "--checkpoint", "tiny-cpk.pth.tar"],
        "not both",
    ),
    "model-unknown": (["portrait.png", "drive.mp4", "--model", "nonsense"], "neither a model"),
    "checkpoint-missing": (["portrait.png", "drive.mp4", "--checkpoint", "nope.pth.tar"], "nope"),
    "checkpoint-empty": (
        ["portrait.png", "drive.mp4", "--checkpoint", "empty.bin", "--config", "tiny-64.yaml"],
        "empty.bin",
    ),
    "checkpoint-truncated": (
        ["portrait.png", "drive.mp4", "--checkpoint", "cut.pth.tar", "--config", "tiny-64.yaml"],
        "cut.pth.tar",
    ),
    "checkpoint-malicious": (
        ["portrait.png", "drive.mp4", "--checkpoint", "evil.pth.tar", "--config", "tiny-64.yaml"],
        "evil.pth.tar holds pickled objects that need code",
    ),
    "checkpoint-plain-pickle": (
        ["portrait.png", "drive.mp4", "--checkpoint", "pickle.pth.tar", "--config", "tiny-64.yaml"],
        "pickle.pth.tar is not a checkpoint",
    ),
    "checkpoint-for-another-config": (
        ["portrait.png", "drive.mp4", "--checkpoint", "tiny-cpk.pth.tar", "--config", "vox-256"],
        "vox-256",
    ),
    "config-missing": (
        ["portrait.png", "drive.mp4", "--checkpoint", "tiny-cpk.pth.tar", "--config", "no.yaml"],
        "no.yaml",
    ),
    "config-garbage": (
        [
            "portrait.png",
            "drive.mp4",
            "--checkpoint",
            "tiny-cpk.pth.tar",
            "--config",
            "garbage.yaml",
        ],
        "garbage.yaml",
    ),
}


@pytest.mark.parametrize(("argv", "match"), CASES.values(), ids=CASES.keys())
def test_animate_refuses(work, capsys, argv, match):
    assert_refused(["animate", *argv, "--quiet"], work, capsys, match)
