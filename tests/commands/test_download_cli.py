"""`facemotion download` against a local stand-in for the Yandex Disk API (127.0.0.1 only)."""

from __future__ import annotations

import pytest

from facemotion.cli import main
from facemotion.config import load_config
from facemotion.models import download
from facemotion.models.registry import RELEASED_MODELS
from tests.models.fake_disk import FakeDisk, closed_port_url, serve


@pytest.fixture
def disk(monkeypatch, golden_dir):
    tiny = load_config(golden_dir / "tiny-64.yaml")
    monkeypatch.setattr(download, "released_config", lambda name: tiny)
    with serve(FakeDisk(payload=(golden_dir / "tiny-cpk.pth.tar").read_bytes())) as running:
        monkeypatch.setenv("FACEMOTION_DOWNLOAD_API", running.api_url)
        yield running


def run_cli(*args: object) -> int:
    return main([str(a) for a in args])


def test_download_prints_the_path_and_then_uses_the_cache(disk, tmp_path, capsys):
    assert run_cli("download", "vox", "--home", tmp_path, "--no-progress") == 0
    path = tmp_path / "vox-cpk.pth.tar"
    assert capsys.readouterr().out == f"vox: {path}\n"
    assert path.read_bytes() == disk.payload
    count = len(disk.requests)
    assert run_cli("download", "vox", "--home", tmp_path) == 0
    assert capsys.readouterr().out == f"vox: {path}\n"
    assert len(disk.requests) == count
    assert run_cli("download", "vox", "--home", tmp_path, "--force", "--no-progress") == 0
    assert len(disk.requests) == count + 2


def test_progress_bar_counts_bytes(disk, tmp_path, capsys):
    assert run_cli("download", "vox", "--home", tmp_path) == 0
    err = capsys.readouterr().err
    assert "vox-cpk.pth.tar" in err and "100%" in err


def test_home_from_the_environment(disk, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FACEMOTION_HOME", str(tmp_path / "cache"))
    assert run_cli("download", "vox", "--no-progress") == 0
    assert (tmp_path / "cache" / "vox-cpk.pth.tar").is_file()


def test_list_shows_every_model_and_what_is_cached(disk, tmp_path, capsys):
    assert run_cli("download", "vox", "--home", tmp_path, "--no-progress") == 0
    capsys.readouterr()
    assert run_cli("download", "--list", "--home", tmp_path) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"cache: {tmp_path}"
    rows = {line.split()[0]: line for line in lines[1:]}
    assert list(rows) == list(RELEASED_MODELS)
    assert "faces (VoxCeleb)" in rows["vox"] and "cached, 0.6 MB" in rows["vox"]
    assert all("not downloaded" in rows[name] for name in RELEASED_MODELS if name != "vox")


def test_offline_is_exit_4_and_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FACEMOTION_DOWNLOAD_API", closed_port_url())
    assert run_cli("download", "taichi", "--home", tmp_path) == 4
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("facemotion download: error: could not reach 127.0.0.1:")
    assert captured.err.endswith(f"check the network or copy taichi-cpk.pth.tar into {tmp_path}\n")
    assert captured.err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_server_error_is_exit_4(disk, tmp_path, capsys):
    disk.file_status = 500
    assert run_cli("download", "vox", "--home", tmp_path, "--no-progress") == 4
    assert "HTTP 500" in capsys.readouterr().err


def test_corrupt_download_is_exit_4_and_removed(disk, tmp_path, capsys):
    disk.payload = b"<html>quota exceeded</html>" * 100
    assert run_cli("download", "vox", "--home", tmp_path, "--no-progress") == 4
    assert "not a usable vox checkpoint" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_unknown_name_is_exit_2_before_any_download(disk, tmp_path, capsys):
    assert run_cli("download", "vox", "voxx", "--home", tmp_path) == 2
    assert "unknown model 'voxx'; released models: " + ", ".join(RELEASED_MODELS) in (
        capsys.readouterr().err
    )
    assert disk.requests == []


@pytest.mark.parametrize(
    "args", [(), ("vox", "--all"), ("vox", "--list"), ("--all", "--list")], ids=str
)
def test_usage_errors(args, capsys):
    with pytest.raises(SystemExit) as info:
        run_cli("download", *args)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("facemotion download: error: ") and err.count("\n") == 1
    assert "see 'facemotion download --help'" in err


def test_help_has_examples(capsys):
    with pytest.raises(SystemExit):
        run_cli("download", "--help")
    out = capsys.readouterr().out
    assert "facemotion download vox" in out and "--list" in out and "resume" in out
