"""`animate --report` with one source and one video: a batch of one, written where -o says
(it switched to batch mode, then refused -o out/rs.mp4 as 'with many inputs the output is a
folder')."""

from __future__ import annotations

import json
import shutil

from facemotion.assets import sample_path
from facemotion.cli import main
from tests.batch.conftest import write_face_clips


def test_report_with_one_input_writes_the_named_file(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    shutil.copy(sample_path("astronaut.png"), "astronaut.png")
    (clip,) = write_face_clips(tmp_path / "clips", 1)
    argv = ["animate", "astronaut.png", str(clip), "-o", "out/rs.mp4", "--report", "rep"]
    assert main([*argv, "--quiet"]) == 0, capsys.readouterr().err
    assert "1 files: 1 done" in capsys.readouterr().out
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["rs.mp4"]
    report = json.loads((tmp_path / "rep.json").read_text())
    assert report["files"][0]["outputs"] == [str(tmp_path / "out" / "rs.mp4")]


def test_a_file_name_for_many_inputs_is_still_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    shutil.copy(sample_path("astronaut.png"), "astronaut.png")
    write_face_clips(tmp_path / "clips", 2)
    assert main(["animate", "astronaut.png", "clips", "-o", "rs.mp4", "--quiet"]) == 2
    assert "output is a folder" in capsys.readouterr().err
