"""Downloading released checkpoints: API link, resume, bad servers, offline, bad payloads.

A local server on 127.0.0.1 plays the Yandex Disk API; the payload is the golden tiny
checkpoint, and the registry's configuration for 'vox' is replaced by the tiny one.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from facemotion.config import load_config
from facemotion.errors import DownloadError, InputError, Interrupted, OutputError
from facemotion.io import download as http_download
from facemotion.models import download
from facemotion.models.download import (
    cached_checkpoint_path,
    download_checkpoint,
    ensure_checkpoint,
    format_model_list,
    model_list,
    partial_path,
)
from facemotion.models.registry import RELEASED_MODELS
from tests.models.fake_disk import FakeDisk, closed_port_url, serve


@pytest.fixture
def tiny_vox(monkeypatch, golden_dir):
    """The golden tiny checkpoint's bytes; 'vox' is checked against the tiny configuration."""
    tiny = load_config(golden_dir / "tiny-64.yaml")
    monkeypatch.setattr(download, "released_config", lambda name: tiny)
    return (golden_dir / "tiny-cpk.pth.tar").read_bytes()


@pytest.fixture
def disk(tiny_vox):
    with serve(FakeDisk(payload=tiny_vox)) as running:
        yield running


def fetch(disk: FakeDisk, home: Path, **options) -> Path:
    return download_checkpoint("vox", progress=False, home=home, api_url=disk.api_url, **options)


def test_fresh_download_asks_the_api_then_streams_the_file(disk, tmp_path):
    path = fetch(disk, tmp_path)
    assert path == tmp_path / "vox-cpk.pth.tar"
    assert path.read_bytes() == disk.payload
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vox-cpk.pth.tar"]
    api, file = disk.requests
    share = "https://yadi.sk/d/lEw8uRm140L_eQ"
    assert api.query == {"public_key": share, "path": "/vox-cpk.pth.tar"}
    assert file.path == "/files/vox-cpk.pth.tar"
    assert "Range" not in file.headers


def test_resume_from_a_partial_file_sends_range(disk, tmp_path):
    part = partial_path(tmp_path / "vox-cpk.pth.tar")
    part.write_bytes(disk.payload[:100_000])
    path = fetch(disk, tmp_path)
    assert disk.file_requests()[-1].headers["Range"] == "bytes=100000-"
    assert path.read_bytes() == disk.payload
    assert not part.exists()
    # only the missing bytes came over the wire: the .part's 100000 were used, not refetched
    assert disk.sent_bytes == len(disk.payload) - 100_000


def test_broken_connection_keeps_the_part_and_the_next_run_resumes(disk, tmp_path):
    disk.cut_after = 250_000
    with pytest.raises(DownloadError, match="run the same command again to resume") as info:
        fetch(disk, tmp_path)
    assert "\n" not in str(info.value)
    part = partial_path(tmp_path / "vox-cpk.pth.tar")
    assert part.stat().st_size == 250_000
    assert not (tmp_path / "vox-cpk.pth.tar").exists()
    disk.cut_after = None
    assert fetch(disk, tmp_path).read_bytes() == disk.payload
    assert disk.file_requests()[-1].headers["Range"] == "bytes=250000-"
    assert disk.sent_bytes == len(disk.payload)  # 250000 before the cut, the rest after it


def test_server_that_ignores_range_restarts_from_zero(disk, tmp_path):
    disk.honor_range = False
    part = partial_path(tmp_path / "vox-cpk.pth.tar")
    part.write_bytes(b"stale bytes that must not stay in front")
    path = fetch(disk, tmp_path)
    assert disk.file_requests()[-1].headers["Range"].startswith("bytes=")
    assert path.read_bytes() == disk.payload


def test_complete_part_answered_416_is_checked_and_kept(disk, tmp_path):
    partial_path(tmp_path / "vox-cpk.pth.tar").write_bytes(disk.payload)
    assert fetch(disk, tmp_path).read_bytes() == disk.payload


def test_ctrl_c_keeps_the_part_for_resume(disk, tmp_path, monkeypatch):
    monkeypatch.setattr(http_download, "CHUNK_BYTES", 4096)
    write = http_download._write
    calls = []

    def interrupt_third_write(handle, data, part):
        calls.append(len(data))
        if len(calls) == 3:
            raise KeyboardInterrupt
        write(handle, data, part)

    monkeypatch.setattr(http_download, "_write", interrupt_third_write)
    with pytest.raises(Interrupted, match="is kept: run the same command again to resume"):
        fetch(disk, tmp_path)
    part = partial_path(tmp_path / "vox-cpk.pth.tar")
    assert part.stat().st_size == sum(calls[:2])
    monkeypatch.setattr(http_download, "_write", write)
    assert fetch(disk, tmp_path).read_bytes() == disk.payload


@pytest.mark.parametrize(("where", "status"), [("api", 404), ("file", 500), ("file", 404)])
def test_http_errors_are_one_line_download_errors(disk, tmp_path, where, status):
    setattr(disk, f"{where}_status", status)
    with pytest.raises(DownloadError, match=f"HTTP {status}") as info:
        fetch(disk, tmp_path)
    message = str(info.value)
    assert "\n" not in message and f"copy vox-cpk.pth.tar into {tmp_path}" in message
    assert list(tmp_path.iterdir()) == []


def test_offline_says_what_to_do(tmp_path, tiny_vox):
    api_url = closed_port_url()
    with pytest.raises(DownloadError) as info:
        download_checkpoint("vox", progress=False, home=tmp_path, api_url=api_url)
    message = str(info.value)
    assert message.startswith("could not reach 127.0.0.1:")
    assert message.endswith(f"check the network or copy vox-cpk.pth.tar into {tmp_path}")
    assert "\n" not in message


def test_timeout_is_a_download_error(disk, tmp_path):
    disk.api_delay_s = 2.0
    with pytest.raises(DownloadError, match="could not reach .*timed out"):
        fetch(disk, tmp_path, timeout=0.3)


@pytest.mark.parametrize("damage", ["random", "truncated"])
def test_corrupt_payload_is_rejected_and_removed(disk, tmp_path, damage):
    good = disk.payload
    disk.payload = os.urandom(50_000) if damage == "random" else good[: len(good) // 2]
    with pytest.raises(DownloadError, match="not a usable vox checkpoint .* it was removed"):
        fetch(disk, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_checkpoint_for_another_config_is_rejected(tmp_path, golden_dir):
    # no monkeypatch: the tiny checkpoint is checked against the real vox-256 configuration
    with serve(FakeDisk(payload=(golden_dir / "tiny-cpk.pth.tar").read_bytes())) as disk:
        with pytest.raises(DownloadError, match="does not fit configuration vox-256"):
            fetch(disk, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_disk_full_is_an_output_error(disk, tmp_path):
    if not Path("/dev/full").exists():
        pytest.fail("this test writes to /dev/full, which every Linux has")
    partial_path(tmp_path / "vox-cpk.pth.tar").symlink_to("/dev/full")
    with pytest.raises(OutputError, match="No space left on device; free some space in"):
        fetch(disk, tmp_path)
    assert not (tmp_path / "vox-cpk.pth.tar").exists()


def test_unknown_name_lists_the_released_models(tmp_path):
    with pytest.raises(InputError, match="unknown model 'vox2'; released models: vox, vox-adv"):
        download_checkpoint("vox2", home=tmp_path)


def test_cache_location_env_and_default(tmp_path, monkeypatch):
    monkeypatch.setenv("FACEMOTION_HOME", str(tmp_path / "models"))
    assert cached_checkpoint_path("taichi") == tmp_path / "models" / "taichi-cpk.pth.tar"
    monkeypatch.delenv("FACEMOTION_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    expected = tmp_path / ".cache" / "facemotion" / "nemo-cpk.pth.tar"
    assert cached_checkpoint_path("nemo") == expected


def test_api_url_from_the_environment(disk, tmp_path, monkeypatch):
    monkeypatch.setenv("FACEMOTION_DOWNLOAD_API", disk.api_url)
    path = download_checkpoint("vox", progress=False, home=tmp_path)
    assert path.read_bytes() == disk.payload


def test_ensure_uses_the_cache_and_force_downloads_again(disk, tmp_path):
    first = ensure_checkpoint("vox", home=tmp_path, progress=False, api_url=disk.api_url)
    count = len(disk.requests)
    assert ensure_checkpoint("vox", home=tmp_path, api_url=disk.api_url) == first
    assert len(disk.requests) == count
    first.write_bytes(b"damaged on disk")
    partial_path(first).write_bytes(b"stale")
    again = ensure_checkpoint(
        "vox", home=tmp_path, force=True, progress=False, api_url=disk.api_url
    )
    assert again.read_bytes() == disk.payload
    assert "Range" not in disk.file_requests()[-1].headers


def test_model_list_reports_cached_partial_and_missing(disk, tmp_path):
    fetch(disk, tmp_path)
    partial_path(cached_checkpoint_path("mgif", tmp_path)).write_bytes(b"x" * 2_000_000)
    models = {model.name: model for model in model_list(tmp_path)}
    assert list(models) == list(RELEASED_MODELS)
    assert models["vox"].size_bytes == len(disk.payload)
    assert models["mgif"].size_bytes is None and models["mgif"].partial_bytes == 2_000_000
    text = format_model_list(list(models.values()))
    lines = text.splitlines()
    assert lines[0] == f"cache: {tmp_path}"
    vox_line = next(line for line in lines if line.split()[0] == "vox")
    assert "faces (VoxCeleb)" in vox_line and "cached, 0.6 MB" in vox_line
    assert "partial, 2.0 MB" in next(line for line in lines if line.split()[0] == "mgif")
    assert "not downloaded" in next(line for line in lines if line.split()[0] == "taichi")


def test_load_model_uses_the_cache_without_network(tmp_path, monkeypatch, golden_dir, disk):
    from facemotion.pipeline import load

    tiny = load_config(golden_dir / "tiny-64.yaml")
    monkeypatch.setattr(load, "released_config", lambda name: tiny)
    monkeypatch.setenv("FACEMOTION_HOME", str(tmp_path))
    monkeypatch.setenv("FACEMOTION_DOWNLOAD_API", disk.api_url)
    model = load.load_model("vox")  # not cached: fetched from the local server
    assert model.name == "vox" and model.frame_size == 64
    assert (tmp_path / "vox-cpk.pth.tar").read_bytes() == disk.payload
    count = len(disk.requests)
    monkeypatch.setenv("FACEMOTION_DOWNLOAD_API", closed_port_url())
    again = load.load_model("vox")  # cached: no request at all
    assert again.frame_size == 64 and len(disk.requests) == count
