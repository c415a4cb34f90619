"""The batch runner on a job without media: resume, failures, a batch-wide error, the report
and the progress bar."""

from __future__ import annotations

import csv
import json

import pytest

from facemotion.batch import jobs
from facemotion.batch.jobs import Task
from facemotion.batch.report import FilesFailed
from facemotion.batch.run import BatchSettings, BatchStopped, run_batch


@pytest.fixture
def fake_job(monkeypatch):
    monkeypatch.setitem(jobs.JOBS, "fake", "tests.batch.fake_job")


def tasks_for(folder, names):
    tasks = []
    for name in names:
        source = folder / "in" / name
        source.parent.mkdir(exist_ok=True)
        source.write_text(name)
        tasks.append(Task(source, (source,), (folder / "out" / f"{name}.out",)))
    (folder / "out").mkdir(exist_ok=True)
    return tasks


def test_failures_reports_and_resume(fake_job, tmp_path, capsys):
    tasks = tasks_for(tmp_path, ["a", "bad", "c"])
    seen = []
    report = run_batch("fake", tasks, None, tmp_path / "out" / "r",
                       BatchSettings(workers=1, progress=True, on_result=seen.append))  # fmt: skip
    assert [r.status for r in report.results] == ["done", "failed", "done"]
    assert [r.status for r in seen] == ["done", "failed", "done"]
    assert report.frames == 10 and not report.ok
    assert (tmp_path / "out" / "a.out").read_text() == "a"
    bar = capsys.readouterr().err
    assert "3/3" in bar and ("file/s" in bar or "s/file" in bar)
    assert "frames/s" in bar
    rows = list(csv.DictReader((tmp_path / "out" / "r.csv").open()))
    assert [row["status"] for row in rows] == ["done", "failed", "done"]
    assert rows[1]["error"] == "bad is bad; try face=1" and rows[0]["frames"] == "5"
    document = json.loads((tmp_path / "out" / "r.json").read_text())
    assert document["counts"] == {"done": 2, "skipped": 0, "failed": 1}
    assert document["files"][1]["error"] == "bad is bad; try face=1"
    with pytest.raises(FilesFailed, match=r"1 of 3 files failed \(first: .*bad: bad is bad\)"):
        report.check()
    again = run_batch("fake", tasks, None, tmp_path / "out" / "r", BatchSettings(workers=1))
    assert [r.status for r in again.results] == ["skipped", "failed", "skipped"]
    assert again.summary.startswith("3 files: 0 done, 2 already done, 1 failed; 0 frames in ")


def test_an_error_of_the_whole_batch_stops_it(fake_job, tmp_path):
    tasks = tasks_for(tmp_path, ["a", "disk", "c", "d"])
    with pytest.raises(BatchStopped, match="the disk is full .the batch stopped") as caught:
        run_batch("fake", tasks, None, tmp_path / "out" / "r", BatchSettings(workers=1))
    assert caught.value.exit_code == 5  # OutputError's
    rows = list(csv.DictReader((tmp_path / "out" / "r.csv").open()))
    assert [row["status"] for row in rows] == ["done", "failed", "failed", "failed"]
    assert rows[2]["error"] == "not run: the batch stopped before it"
    assert not (tmp_path / "out" / "c.out").exists()


def test_the_batch_functions_are_public_api():
    import subprocess
    import sys

    code = (
        "import sys, facemotion; assert 'torch' not in sys.modules; "
        "from facemotion.batch import api; "
        "print(facemotion.capture_batch is api.capture_batch, "
        "facemotion.prepare_batch is api.prepare_batch, "
        "facemotion.animate_batch is api.animate_batch)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "True", "True"]
