"""Bad input to `facemotion train`, `prepare` and `evaluate`."""

from __future__ import annotations

import pytest

from tests.bad_input.harness import assert_refused

TRAIN = ["train", "--config", "tiny-64.yaml", "--out", "runs/new", "--quiet"]

CASES = {
    # train: a refused run leaves no --out folder behind (runs/new is checked by the snapshot)
    "train-data-missing": ([*TRAIN, "--data", "nope"], "nope"),
    "train-data-without-train-folder": ([*TRAIN, "--data", "notes"], "train"),
    "train-config-missing": (
        ["train", "--config", "no.yaml", "--data", "notes", "--out", "runs/new"],
        "no.yaml",
    ),
    "train-config-garbage": (
        ["train", "--config", "garbage.yaml", "--data", "notes", "--out", "runs/new"],
        "garbage.yaml",
    ),
    "train-epochs-zero": ([*TRAIN, "--data", "notes", "--epochs", "0"], "--epochs"),
    "train-out-under-a-file": (
        ["train", "--config", "tiny-64.yaml", "--data", "notes", "--out", "file/run"],
        "is a file",
    ),
    # prepare
    "prepare-source-missing": (["prepare", "nope", "data"], "nope"),
    "prepare-source-without-videos": (["prepare", "notes", "data"], "holds no video"),
    "prepare-size-too-small": (["prepare", "notes", "data", "--size", "4"], "--size"),
    "prepare-test-fraction-over-one": (
        ["prepare", "notes", "data", "--test-fraction", "2"],
        "--test-fraction",
    ),
    # evaluate
    "evaluate-checkpoint-malicious": (
        ["evaluate", "--checkpoint", "evil.pth.tar", "--config", "tiny-64.yaml", "--data", "notes"],
        "evil.pth.tar holds pickled objects that need code",
    ),
    "evaluate-data-missing": (
        [
            "evaluate",
            "--checkpoint",
            "tiny-cpk.pth.tar",
            "--config",
            "tiny-64.yaml",
            "--data",
            "nope",
        ],
        "nope",
    ),
    "evaluate-model-unknown": (["evaluate", "--model", "nonsense", "--data", "notes"], "nonsense"),
}


@pytest.mark.parametrize(("argv", "match"), CASES.values(), ids=CASES.keys())
def test_training_commands_refuse(work, capsys, argv, match):
    assert_refused(argv, work, capsys, match)


def test_prepare_with_only_faceless_videos_leaves_no_output_folder(work, capsys):
    (work / "raw").mkdir()
    (work / "noface.mp4").rename(work / "raw" / "noface.mp4")
    assert_refused(["prepare", "raw", "data"], work, capsys, "could be prepared")
