"""A Ray worker killed mid-batch: its file is run again, the batch completes (exit 0) and says
how many files were retried; every output equals the serial run's. On a two-node cluster
started with `ray start` (token authentication, as Ray 2.59 and later start one) and on
`--ray local`."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from facemotion.batch import capture_batch
from tests.batch.conftest import write_face_clips

pytestmark = pytest.mark.slow

TASK_TITLE = b"ray::ray_task"  # what Ray names a worker process while it runs a task
CLIPS = 4
CLIP_FRAMES = 24  # long enough that a task is caught running


def _processes() -> Iterator[tuple[int, int, bytes]]:
    """(pid, parent pid, command line) of every process on this machine."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:  # ended meanwhile
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        yield int(entry.name), parent, cmdline


def _family(roots: set[int]) -> set[int]:
    """`roots` and all their descendants."""
    family, grew = set(roots), True
    while grew:
        children = {pid for pid, parent, _ in _processes() if parent in family}
        grew = not children <= family
        family |= children
    return family


def _kill_a_running_task(roots: set[int], timeout_s: float = 240) -> int:
    """SIGKILL the first Ray worker under `roots` seen running a task; its pid."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        family = _family(roots)
        for pid, _, cmdline in _processes():
            if pid in family and cmdline.startswith(TASK_TITLE):
                os.kill(pid, signal.SIGKILL)
                return pid
        time.sleep(0.05)
    raise AssertionError("no Ray task was seen running")


def _stop(pids: set[int]) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> list[Path]:
    return write_face_clips(tmp_path_factory.mktemp("long-clips"), CLIPS, CLIP_FRAMES)


@pytest.fixture(scope="module")
def serial(clips, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("serial")
    capture_batch(clips, out, formats=["csv"], workers=1)
    return out


@pytest.fixture
def two_node_cluster() -> Iterator[tuple[str, dict[str, str], Path]]:
    """A head and a second node started with `ray start` on 127.0.0.1, one CPU each, with a
    token of their own; (address, environment for its clients, its temporary folder). Every
    process of the
    cluster is killed afterwards, by pid (found by the cluster's own temporary folder), never
    with `ray stop`, which stops every Ray on the machine."""
    # Short: Ray's socket paths inside it must stay under 108 bytes (pytest's are too long).
    temp_dir = Path(tempfile.mkdtemp(prefix="fm-ray-"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = dict(os.environ, RAY_AUTH_MODE="token", RAY_AUTH_TOKEN=secrets.token_hex(16))
    env.pop("RAY_ADDRESS", None)
    address = f"127.0.0.1:{port}"
    common = ["--node-ip-address", "127.0.0.1", "--num-cpus", "1", "--disable-usage-stats"]
    commands = [
        ["ray", "start", "--head", "--port", str(port), "--temp-dir", str(temp_dir),
         "--include-dashboard", "false", *common],
        ["ray", "start", "--address", address, *common],
    ]  # fmt: skip
    ray_bin = Path(sys.executable).parent
    try:
        for command in commands:
            command[0] = str(ray_bin / "ray")
            done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=180)
            assert done.returncode == 0, done.stderr[-2000:]
        yield address, env, temp_dir
    finally:
        _stop(_family(_ray_roots(temp_dir)) - {os.getpid()})
        shutil.rmtree(temp_dir, ignore_errors=True)


def _ray_roots(temp_dir: Path) -> set[int]:
    marker = str(temp_dir).encode()
    return {pid for pid, _, cmdline in _processes() if marker in cmdline}


def _check(done: subprocess.CompletedProcess, out: Path, serial: Path) -> None:
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"{CLIPS} files: {CLIPS} done" in done.stdout, done.stdout
    assert "1 retried after a lost worker" in done.stdout, done.stdout
    for clip in sorted(serial.glob("clip*.csv")):
        assert (out / clip.name).read_bytes() == clip.read_bytes(), clip.name


def test_a_worker_killed_on_a_two_node_cluster_is_retried(
    two_node_cluster, clips, serial, tmp_path
):
    address, env, temp_dir = two_node_cluster
    out = tmp_path / "out"
    command = [sys.executable, "-m", "facemotion.cli", "capture", *map(str, clips), "-o",
               str(out), "--formats", "csv", "--ray", address, "--quiet"]  # fmt: skip
    batch = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        _kill_a_running_task(_ray_roots(temp_dir))
        stdout, stderr = batch.communicate(timeout=600)
    finally:
        if batch.poll() is None:
            batch.kill()
    _check(subprocess.CompletedProcess(command, batch.returncode, stdout.decode(), stderr.decode()),
           out, serial)  # fmt: skip


def test_a_worker_killed_on_ray_local_is_retried(clips, serial, tmp_path):
    out = tmp_path / "out"
    env = {key: value for key, value in os.environ.items() if key != "RAY_ADDRESS"}
    command = [sys.executable, "-m", "facemotion.cli", "capture", *map(str, clips), "-o",
               str(out), "--formats", "csv", "--ray", "local", "--workers", "2",
               "--quiet"]  # fmt: skip
    batch = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        _kill_a_running_task({batch.pid})
        stdout, stderr = batch.communicate(timeout=600)
    finally:
        if batch.poll() is None:
            batch.kill()
        _stop(_family({batch.pid}) - {batch.pid, os.getpid()})
    _check(subprocess.CompletedProcess(command, batch.returncode, stdout.decode(), stderr.decode()),
           out, serial)  # fmt: skip
