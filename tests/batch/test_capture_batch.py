"""`facemotion capture` on many clips: serially, in 2 worker processes and on Ray, the same
files; bad files reported while the rest are written; reruns skip finished files."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from facemotion.batch import capture_batch
from tests.batch.conftest import write_face_clips

FORMATS = "csv,json,glb"  # the .glb holds raw float32s: any difference in the last bit shows
GOOD = ["clip0", "clip1", "clip2"]


def outputs(folder: Path) -> dict[str, bytes]:
    """Every output file's bytes by name (the reports aside)."""
    return {
        path.name: path.read_bytes()
        for path in sorted(folder.iterdir())
        if not path.name.startswith("capture-report")
    }


def read_report(folder: Path) -> dict[str, dict]:
    with open(folder / "capture-report.csv", newline="") as handle:
        return {Path(row["file"]).stem: row for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def serial_run(tmp_path_factory, mixed_clips):
    """The mixed folder captured in this process: (output folder, exit code, stderr)."""
    out = tmp_path_factory.mktemp("serial")
    return out, *run_cli(mixed_clips, out, "--workers", "1")


def run_cli(clips: Path, out: Path, *options: str) -> tuple[int, str]:
    """Exit code and stderr of `facemotion capture CLIPS -o OUT --formats ... OPTIONS`, run
    in a child process (its own stdio, as a user's shell would give it)."""
    command = [sys.executable, "-m", "facemotion.cli", "capture", str(clips), "-o", str(out)]
    done = subprocess.run(
        [*command, "--formats", FORMATS, "--quiet", *options],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return done.returncode, done.stderr


def test_bad_files_are_reported_and_the_rest_written(serial_run):
    out, code, stderr = serial_run
    assert code == 1
    lines = stderr.strip().splitlines()
    assert "Traceback" not in stderr and len(lines) == 3, stderr
    assert lines[0].startswith("failed ") and lines[0].split(":")[0].endswith("broken.mp4")
    assert lines[1].startswith("failed ") and "no face found in faceless.mp4" in lines[1]
    assert lines[2].startswith("facemotion capture: error: 2 of 5 files failed")
    report = read_report(out)
    assert {name: row["status"] for name, row in report.items()} == {
        "broken": "failed",
        "clip0": "done",
        "clip1": "done",
        "clip2": "done",
        "faceless": "failed",
    }
    assert "no face found in faceless.mp4" in report["faceless"]["error"]
    assert "broken.mp4" in report["broken"]["error"]
    assert all(int(report[name]["frames"]) == 6 for name in GOOD)
    expected = sorted(f"{name}.{kind}" for name in GOOD for kind in FORMATS.split(","))
    assert sorted(outputs(out)) == expected  # nothing of the failed files left behind
    document = json.loads((out / "capture-report.json").read_text())
    assert document["counts"] == {"done": 3, "skipped": 0, "failed": 2}
    files = [row["file"] for row in document["files"]]
    assert files == sorted(files) and document["executor"] == "serial"


def test_two_workers_write_the_same_files(serial_run, mixed_clips, tmp_path):
    code, _ = run_cli(mixed_clips, tmp_path, "--workers", "2")
    assert code == 1
    assert outputs(tmp_path) == outputs(serial_run[0])
    assert json.loads((tmp_path / "capture-report.json").read_text())["executor"] == (
        "2 worker processes"
    )


def test_a_rerun_skips_finished_files(serial_run, face_clips, tmp_path):
    first = capture_batch(face_clips, tmp_path, formats=FORMATS.split(","), workers=1)
    stamps = {path.name: path.stat().st_mtime_ns for path in tmp_path.glob("clip*")}
    again = capture_batch(face_clips, tmp_path, formats=FORMATS.split(","), workers=2)
    assert [r.status for r in first.results] == ["done"] * 3
    assert [r.status for r in again.results] == ["skipped"] * 3 and again.ok
    assert {path.name: path.stat().st_mtime_ns for path in tmp_path.glob("clip*")} == stamps
    assert outputs(tmp_path) == {
        name: data for name, data in outputs(serial_run[0]).items() if name.startswith("clip")
    }


@pytest.mark.slow
def test_a_killed_batch_resumes(tmp_path):
    clips = tmp_path / "clips"
    write_face_clips(clips, 4, frames=40)
    out = tmp_path / "out"
    out.mkdir()
    command = [sys.executable, "-m", "facemotion.cli", "capture", str(clips), "-o", str(out)]
    command += ["--formats", "csv,json", "--workers", "1", "--quiet"]
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not (out / "clip0.json").exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    finished = {path.stem for path in out.glob("clip*.json")}
    assert "clip0" in finished and len(finished) < 4, finished
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    report = read_report(out)
    assert {name for name, row in report.items() if row["status"] == "skipped"} == finished
    assert {name for name, row in report.items() if row["status"] == "done"} == (
        {"clip0", "clip1", "clip2", "clip3"} - finished
    )
    written = sorted(path.name for path in out.glob("clip*.csv"))
    assert written == [f"clip{i}.csv" for i in range(4)]
    assert "4 files: " in done.stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    ("number", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["sigterm", "ctrl-c"]
)
def test_a_stop_to_the_process_group_leaves_only_whole_outputs(tmp_path, number, code):
    """As a service manager stops a job (SIGTERM), or Ctrl-C in a terminal (SIGINT): every
    process of the batch, the workers too, gets the signal."""
    clips = tmp_path / "clips"
    write_face_clips(clips, 4, frames=40)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "facemotion.cli", "capture", str(clips), "-o", str(out),
               "--formats", "csv,json,overlay", "--workers", "2", "--quiet"]  # fmt: skip
    child = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 120
    while not list(out.glob("*.tmp-*")) and time.monotonic() < deadline:
        time.sleep(0.02)  # until a worker is writing
    os.killpg(child.pid, number)
    _, stderr = child.communicate(timeout=120)
    assert child.returncode == code and stderr.count("\n") == 1, stderr
    assert "no partial output was left behind" in stderr
    names = sorted(path.name for path in out.iterdir())
    assert not [name for name in names if ".tmp-" in name], names
    stems = {name.split(".")[0].removesuffix("_overlay") for name in names}
    assert names == sorted(f"{stem}{suffix}" for stem in stems
                           for suffix in (".csv", ".json", "_overlay.mp4"))  # fmt: skip


@pytest.mark.slow
def test_ray_writes_the_same_files(serial_run, mixed_clips, ray_cluster, tmp_path):
    # A driver in another process joins the test's cluster by its address, as a second
    # machine's command would.
    command = [sys.executable, "-m", "facemotion.cli", "capture", str(mixed_clips), "-o",
               str(tmp_path), "--formats", FORMATS, "--quiet", "--ray", ray_cluster]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr
    assert outputs(tmp_path) == outputs(serial_run[0])
    summary = done.stdout.strip().splitlines()[-1]
    assert summary.startswith("5 files: 3 done, 0 already done, 2 failed; 18 frames in ")
    assert f"Ray at {ray_cluster}" in summary
    # A rerun on Ray resumes: the finished files are skipped, untouched; a deleted one is
    # made again, the same bytes.
    stamps = {path.name: path.stat().st_mtime_ns for path in tmp_path.glob("clip[02].*")}
    for path in tmp_path.glob("clip1.*"):
        path.unlink()
    again = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert again.returncode == 1, again.stderr
    assert again.stdout.strip().splitlines()[-1].startswith("5 files: 1 done, 2 already done, ")
    assert {path.name: path.stat().st_mtime_ns for path in tmp_path.glob("clip[02].*")} == stamps
    assert outputs(tmp_path) == outputs(serial_run[0])
