"""Bad input to `facemotion download`, against a local stand-in server (127.0.0.1 only)."""

from __future__ import annotations

import numpy as np
import pytest

from facemotion.config import load_config
from facemotion.models import download
from tests.bad_input.harness import assert_refused, run_main
from tests.models.fake_disk import FakeDisk, closed_port_url, serve


def test_unknown_model_name(work, capsys):
    assert_refused(["download", "nonsense", "--home", "cache"], work, capsys, "nonsense")


def test_unreachable_server(work, capsys, monkeypatch):
    monkeypatch.setenv("FACEMOTION_DOWNLOAD_API", closed_port_url())
    assert_refused(["download", "vox", "--home", "cache", "--no-progress"], work, capsys, "vox")


@pytest.mark.parametrize(
    ("payload", "match"),
    [(b"", "vox"), (b"<html>not a checkpoint</html>", "vox")],
    ids=["empty-file", "html-instead-of-checkpoint"],
)
def test_bad_payload_is_refused_and_not_cached(
    work, capsys, monkeypatch, golden_dir, payload, match
):
    monkeypatch.setattr(
        download, "released_config", lambda name: load_config(golden_dir / "tiny-64.yaml")
    )
    with serve(FakeDisk(payload=payload)) as running:
        monkeypatch.setenv("FACEMOTION_DOWNLOAD_API", running.api_url)
        assert_refused(["download", "vox", "--home", "cache", "--no-progress"], work, capsys, match)


@pytest.fixture
def corrupt_cache(work, monkeypatch):
    """Two unusable files cached under released names: random bytes as taichi, and a
    checkpoint of another configuration (the tiny one) as vox."""
    cache = work / "cache"
    cache.mkdir()
    (cache / "taichi-cpk.pth.tar").write_bytes(np.random.default_rng(0).bytes(4000))
    (cache / "vox-cpk.pth.tar").write_bytes((work / "tiny-cpk.pth.tar").read_bytes())
    monkeypatch.setenv("FACEMOTION_HOME", str(cache))
    monkeypatch.setenv("FACEMOTION_DOWNLOAD_API", closed_port_url())  # nothing is fetched
    return cache


@pytest.mark.parametrize("name", ["taichi", "vox"], ids=["random-bytes", "another-model"])
def test_unusable_cached_checkpoint_is_refused(corrupt_cache, work, capsys, name):
    line = assert_refused(["download", name], work, capsys, f"cached model {name} is unusable")
    assert f"facemotion download {name} --force" in line


def test_list_does_not_call_an_unusable_file_cached(corrupt_cache, capsys):
    assert run_main(["download", "--list"]) == 0
    rows = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()[1:]}
    for name in ("taichi", "vox"):
        assert "cached," not in rows[name] and "unusable" in rows[name], rows[name]
        assert "--force" in rows[name]
    assert "not downloaded" in rows["nemo"]


def test_animate_names_the_download_that_replaces_it(corrupt_cache, work, capsys):
    line = assert_refused(
        ["animate", "portrait.png", "drive.mp4", "--model", "taichi", "-o", "out.mp4"],
        work,
        capsys,
        "cached model taichi is unusable",
    )
    assert "facemotion download taichi --force" in line
