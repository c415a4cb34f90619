"""A batch whose disk fills midway: the file that did not fit is reported failed with the
reason in one line, nothing half-written is left, and a rerun once space is freed completes
the rest, skipping what was done. The disk is a small tmpfs (mounting needs root)."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from facemotion.batch import capture_batch
from facemotion.cli import main
from facemotion.errors import OutputError

FORMATS = "csv,json,glb"
PAGE = 4096  # tmpfs counts whole pages


@contextlib.contextmanager
def small_disk(folder: Path, size_bytes: int) -> Iterator[Path]:
    """A tmpfs of `size_bytes` mounted on `folder`, unmounted afterwards whatever happens."""
    folder.mkdir(parents=True, exist_ok=True)
    mount = ["mount", "-t", "tmpfs", "-o", f"size={size_bytes}", "tmpfs", str(folder)]
    if os.geteuid() != 0 or subprocess.run(mount, capture_output=True).returncode != 0:
        pytest.skip("mounting a tmpfs needs root (and a kernel that allows it here)")
    try:
        yield folder
    finally:
        if subprocess.run(["umount", str(folder)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def _pages(path: Path) -> int:
    return -(-path.stat().st_size // PAGE) * PAGE


def test_a_full_disk_fails_the_file_that_did_not_fit_and_a_rerun_completes(
    face_clips, tmp_path, capsys
):
    clips = sorted(face_clips.glob("clip*.mp4"))
    serial = tmp_path / "serial"
    capture_batch(clips, serial, formats=FORMATS.split(","), workers=1)
    per_clip = max(sum(_pages(path) for path in serial.glob(f"{clip.stem}.*")) for clip in clips)
    # Room for the first clip's outputs and the reports, not for the second clip's as well.
    with small_disk(tmp_path / "disk", per_clip + per_clip // 2 + 4 * PAGE) as disk:
        out = disk / "out"
        command = ["capture", *map(str, clips), "-o", str(out), "--formats", FORMATS,
                   "--workers", "1", "--quiet"]  # fmt: skip
        code = main(command)
        captured = capsys.readouterr()
        assert code == OutputError.exit_code, captured.err
        assert captured.err.count("\n") == 1
        assert "No space left on device" in captured.err
        assert "free space there or choose another output folder" in captured.err
        report = json.loads((out / "capture-report.json").read_text())
        statuses = [(Path(entry["file"]).name, entry["status"]) for entry in report["files"]]
        assert statuses == [(clip.name, status) for clip, status in
                            zip(clips, ["done", "failed", "failed"], strict=True)]  # fmt: skip
        assert "No space left on device" in report["files"][1]["error"]
        assert report["files"][2]["error"] == "not run: the batch stopped before it"
        assert not [path for path in out.iterdir() if ".tmp-" in path.name]
        assert sorted(path.stem for path in out.glob("clip*")) == ["clip0"] * 3

        subprocess.run(["mount", "-o", "remount,size=64m", str(disk)], check=True)  # freed
        assert main(command) == 0
        assert "3 files: 2 done, 1 already done, 0 failed" in capsys.readouterr().out
        for expected in serial.glob("clip*"):
            assert (out / expected.name).read_bytes() == expected.read_bytes(), expected.name
