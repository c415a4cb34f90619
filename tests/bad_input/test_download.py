"""Bad input to `facemotion download`, against a local stand-in server (127.0.0.1 only)."""

from __future__ import annotations

import pytest

from facemotion.config import load_config
from facemotion.models import download
from tests.bad_input.harness import assert_refused
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
