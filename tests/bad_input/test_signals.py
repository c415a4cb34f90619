"""SIGINT and SIGTERM during animate and capture (real processes): exit 130 / 143, one line,
no temporary file or folder and no partial set of outputs, even with a second signal during
the clean-up."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from facemotion.assets import sample_path
from facemotion.io.video import VideoReader
from tests.bad_input.harness import one_line, snapshot
from tests.media import write_video

pytestmark = pytest.mark.slow

SRC = str(Path(__file__).resolve().parents[2] / "src")
SLOW_CLEANUP = Path(__file__).with_name("slow_cleanup.py")


@pytest.fixture(scope="module")
def long_clip(tmp_path_factory) -> Path:
    """The bundled talking head, looped to 480 frames: long enough to be stopped midway."""
    with VideoReader(sample_path("carphone.mp4")) as reader:
        frames = np.stack(list(reader))
    looped = np.concatenate([frames, frames[::-1]] * 2)
    return write_video(tmp_path_factory.mktemp("long") / "talk.mp4", looped, Fraction(30))


def _start(args: list[str], cwd: Path, marker: Path | None = None) -> subprocess.Popen:
    """The CLI in a child process; with `marker`, its clean-up waits for the test (see
    slow_cleanup.py)."""
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    program = ["-m", "facemotion.cli"] if marker is None else [str(SLOW_CLEANUP), str(marker)]
    return subprocess.Popen(
        [sys.executable, *program, *args, "--quiet"],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_temporary(process: subprocess.Popen, folder: Path, timeout: float = 120) -> Path:
    """The first `*.tmp-*` file or folder that appears under `folder` while `process` runs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = next(folder.rglob("*.tmp-*"), None)
        if found is not None:
            return found
        assert process.poll() is None, process.communicate()
        time.sleep(0.02)
    process.kill()
    pytest.fail("no temporary output appeared")


def _stop(process: subprocess.Popen, number: int) -> tuple[int, str]:
    process.send_signal(number)
    _, err = process.communicate(timeout=60)
    return process.returncode, err


def _stop_twice(process: subprocess.Popen, number: int, marker: Path) -> tuple[int, str]:
    """The signal, then once the clean-up has started (the marker appears) the same signal
    again, then the clean-up let go on."""
    process.send_signal(number)
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.01)
    process.send_signal(number)
    time.sleep(0.3)  # the child's handler runs within its next 10 ms wait
    assert process.poll() is None  # held, not killed: the clean-up still waits
    marker.unlink()
    _, err = process.communicate(timeout=60)
    return process.returncode, err


@pytest.mark.parametrize(
    ("output", "number", "twice"),
    [
        ("out.mp4", signal.SIGTERM, False),
        ("out.mp4", signal.SIGINT, False),
        ("frames", signal.SIGINT, True),  # a second Ctrl-C during clean-up
        ("frames", signal.SIGTERM, True),
    ],
    ids=["mp4-sigterm", "mp4-sigint", "png-folder-two-sigints", "png-folder-two-sigterms"],
)
def test_animate_stopped_leaves_nothing(tmp_path, long_clip, output, number, twice):
    work = tmp_path / "work"
    work.mkdir()
    portrait = work / "portrait.png"
    portrait.write_bytes(sample_path("astronaut.png").read_bytes())
    before = snapshot(work)
    marker = tmp_path / "cleaning-up" if twice else None
    process = _start(["animate", str(portrait), str(long_clip), "-o", output], work, marker)
    _wait_for_temporary(process, work)
    if twice:
        returncode, err = _stop_twice(process, number, marker)
    else:
        returncode, err = _stop(process, number)
    assert returncode == 128 + number, err
    assert "no partial output" in one_line(err)
    assert snapshot(work) == before


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "sigint"])
def test_capture_stopped_writes_none_of_its_outputs(tmp_path, long_clip, number):
    before = snapshot(tmp_path)
    process = _start(["capture", str(long_clip), "-o", "out"], tmp_path)
    _wait_for_temporary(process, tmp_path)
    returncode, err = _stop(process, number)
    assert returncode == 128 + number, err
    one_line(err)
    assert snapshot(tmp_path) == before  # not even the out/ folder it created
