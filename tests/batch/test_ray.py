"""Ray as an optional extra: `--ray local` starts and stops its own instance; without the
package the flag says how to install it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from facemotion.batch import capture_batch
from facemotion.cli import main
from facemotion.errors import MissingDependency


def test_without_ray_the_flag_says_how_to_install_it(monkeypatch, face_clips, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now raises ImportError
    code = main(["capture", str(face_clips), "-o", str(tmp_path), "--ray", "local", "--quiet"])
    err = capsys.readouterr().err
    assert code == MissingDependency.exit_code and err.count("\n") == 1
    assert err.startswith("facemotion capture: error: running a batch on Ray needs the ")
    assert "pip install 'facemotion[ray]'" in err
    assert list(tmp_path.iterdir()) == []  # no file run, so no report either


@pytest.mark.parametrize(
    "address, message",
    [
        ("127.0.0.1:1", "no Ray cluster answers at 127.0.0.1:1 (Connection refused)"),
        ("nonsense", "the Ray address 'nonsense' is not HOST:PORT"),
    ],
)
def test_an_address_without_a_cluster_fails_at_once(face_clips, tmp_path, address, message):
    # In a child process: this one may hold the session's Ray, which a batch would use.
    command = [sys.executable, "-m", "facemotion.cli", "capture", str(face_clips), "-o",
               str(tmp_path / "out"), "--ray", address, "--quiet"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert message in done.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_ray_local_starts_and_stops_its_own_instance(face_clips, tmp_path):
    command = [sys.executable, "-m", "facemotion.cli", "capture", str(face_clips / "clip0.mp4"),
               str(face_clips / "clip1.mp4"), "-o", str(tmp_path), "--formats", "csv",
               "--ray", "local", "--workers", "2", "--quiet"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "2 files: 2 done" in done.stdout and "Ray (local)" in done.stdout
    assert sorted(path.name for path in tmp_path.glob("clip*.csv")) == ["clip0.csv", "clip1.csv"]
    # the serial result, for comparison
    serial = tmp_path / "serial"
    serial.mkdir()
    capture_batch(
        [face_clips / "clip0.mp4", face_clips / "clip1.mp4"], serial, formats=["csv"], workers=1
    )
    for name in ("clip0.csv", "clip1.csv"):
        assert (tmp_path / name).read_bytes() == (serial / name).read_bytes()
