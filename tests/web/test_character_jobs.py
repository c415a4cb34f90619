"""The Capture tab's job with the user's character, called directly."""

from __future__ import annotations

import numpy as np
import pytest

from facemotion.assets import sample_path
from facemotion.errors import InputError
from facemotion.io.gltf_file import parse_glb
from facemotion.io.video import VideoReader
from facemotion.web.character import STATIC_DIR, viewer_html
from facemotion.web.handlers import Jobs
from facemotion.web.options import ServeOptions
from facemotion.web.sessions import SessionStore
from tests.conftest import DATA
from tests.media import write_video


@pytest.fixture
def jobs(tmp_path, tiny_loader):
    store = SessionStore(tmp_path / "sessions")
    yield Jobs(ServeOptions(max_upload_mb=5, max_seconds=2.0), store, tiny_loader)
    store.close()


def carphone_start(path):
    """The first 10 frames of the carphone sample (a face) written to `path`."""
    with VideoReader(sample_path("carphone.mp4")) as reader:
        frames = np.stack([frame for _, frame in zip(range(10), reader, strict=False)])
    return write_video(path, frames, 30, audio=False)


@pytest.fixture
def short_clip(tmp_path):
    return carphone_start(tmp_path / "talk.mp4")


def test_a_character_is_animated_and_offered(jobs, short_clip):
    character = DATA / "characters" / "rpm_preview_5_morphs.glb"
    result = jobs.capture(None, short_clip, character)
    assert result.character.name == "capture_rpm_preview_5_morphs.glb"
    assert result.character_animation is None and result.character in result.downloads
    assert "rpm_preview_5_morphs.glb: 9 of the 52 ARKit shapes drive" in result.summary
    assert parse_glb(result.character.read_bytes()).document["animations"]
    view = viewer_html(result.character)
    assert "character.html?model=" in view and str(STATIC_DIR) in view


def test_a_file_that_is_no_character_fails_before_the_capture(jobs, short_clip, tmp_path):
    wrong = tmp_path / "avatar.fbx"
    wrong.write_bytes(b"Kaydara FBX Binary")
    with pytest.raises(InputError, match=r"avatar.fbx: a character is a \.glb, \.gltf or \.vrm"):
        jobs.capture(None, short_clip, wrong)
