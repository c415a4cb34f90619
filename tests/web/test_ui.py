"""Errors reach the page as one line; temporary folders are cut from the message."""

from __future__ import annotations

import gradio as gr
import pytest

from facemotion.errors import NoFaceError
from facemotion.web.ui import short_paths, user_errors


def test_short_paths_cuts_temporary_folders_only():
    message = "/tmp/gradio/0a1b/clip.mp4 is damaged; copy vox-cpk.pth.tar into /home/me/.cache/fm"
    assert short_paths(message, ["/tmp"]) == (
        "clip.mp4 is damaged; copy vox-cpk.pth.tar into /home/me/.cache/fm"
    )


def test_user_errors_show_one_line_and_hide_unexpected_details():
    with pytest.raises(gr.Error) as known, user_errors():
        raise NoFaceError("no face found in portrait.png; try crop centre")
    assert known.value.message == "no face found in portrait.png; try crop centre"
    with pytest.raises(gr.Error) as unexpected, user_errors():
        raise RuntimeError("tensor shape mismatch\nlong internal detail")
    assert unexpected.value.message == (
        "unexpected error (RuntimeError: tensor shape mismatch); the server's log has the details"
    )
