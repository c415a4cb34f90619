"""Replacing an earlier output is said in the summary line, for a PNG sequence as for an .mp4
(a folder of frames was replaced without a word)."""

from __future__ import annotations

import shutil

import pytest

from facemotion.assets import sample_path
from facemotion.cli import main
from tests.batch.conftest import write_face_clips


@pytest.mark.parametrize("output", ["out.mp4", "frames"], ids=["mp4", "png-sequence"])
def test_second_run_says_replaced(tmp_path, monkeypatch, capsys, output):
    monkeypatch.chdir(tmp_path)
    shutil.copy(sample_path("astronaut.png"), "astronaut.png")
    (clip,) = write_face_clips(tmp_path / "clips", 1)
    argv = ["animate", "astronaut.png", str(clip), "-o", output, "--quiet"]
    assert main(argv) == 0
    assert "replaced" not in capsys.readouterr().out
    assert main(argv) == 0
    assert capsys.readouterr().out.rstrip().endswith(f"; replaced the existing {output}")
