"""Outputs written into the input folder: a rerun of the same command does not take them as
new inputs (it found talk_overlay.mp4 or astronaut_talk.mp4 there, then refused to overwrite
them, exit 2)."""

from __future__ import annotations

import shutil
from pathlib import Path

from facemotion.assets import sample_path
from facemotion.batch.jobs import Task, without_own_outputs
from facemotion.cli import main
from tests.batch.conftest import write_face_clips


def _twice(argv: list[str], capsys) -> str:
    assert main(argv) == 0, capsys.readouterr().err
    capsys.readouterr()
    assert main(argv) == 0, capsys.readouterr().err
    return capsys.readouterr().out


def test_capture_rerun_in_its_own_folder(tmp_path, monkeypatch, capsys):
    write_face_clips(tmp_path, 1)
    monkeypatch.chdir(tmp_path)
    out = _twice(["capture", ".", "--quiet"], capsys)
    assert "1 files: 0 done, 1 already done, 0 failed" in out
    assert "not taken as inputs, being outputs of this batch: clip0_overlay.mp4" in out


def test_animate_rerun_into_the_driving_folder(tmp_path, capsys):
    write_face_clips(tmp_path / "loop", 1)
    portrait = shutil.copy(sample_path("astronaut.png"), tmp_path / "astronaut.png")
    loop = tmp_path / "loop"
    out = _twice(["animate", str(portrait), str(loop), "-o", str(loop), "--quiet"], capsys)
    assert "1 files: 0 done, 1 already done" in out and "astronaut_clip0.mp4" in out
    assert sorted(p.name for p in loop.glob("*.mp4")) == ["astronaut_clip0.mp4", "clip0.mp4"]


def test_only_inputs_another_task_writes_are_dropped(tmp_path):
    talk, overlay, other = (tmp_path / name for name in ("talk.mp4", "talk_o.mp4", "b.mp4"))
    tasks = [
        Task(talk, (talk,), (overlay, tmp_path / "talk.json")),
        Task(overlay, (overlay,), (tmp_path / "talk_o_o.mp4",)),
        Task(other, (other,), (tmp_path / "b_o.mp4",)),
    ]
    kept, ignored = without_own_outputs(tasks)
    assert [task.file for task in kept] == [talk, other] and ignored == (Path(overlay),)
