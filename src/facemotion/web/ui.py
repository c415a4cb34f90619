"""Glue between the jobs and Gradio: one-line error messages, progress, session ids."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import tempfile
from collections.abc import Iterator, Sequence

import gradio as gr

from facemotion.errors import FacemotionError
from facemotion.web.wording import error_text

log = logging.getLogger("facemotion.web")


def short_paths(message: str, temporary_roots: Sequence[str] | None = None) -> str:
    """The message with paths inside temporary folders (uploads, session folders: hashed names
    that mean nothing to the user) cut to their file name; other paths, such as the model
    cache, are kept whole."""
    roots = temporary_roots or [tempfile.gettempdir(), os.environ.get("GRADIO_TEMP_DIR", "")]
    for root in filter(None, roots):
        pattern = re.escape(root.rstrip("/")) + r"/(?:[^\s'\"/:;,]+/)*([^\s'\"/:;,]+)"
        message = re.sub(pattern, r"\1", message)
    return message


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn any failure into a gr.Error whose message is one line (never a traceback)."""
    try:
        yield
    except gr.Error:
        raise
    except FacemotionError as exc:
        raise gr.Error(short_paths(error_text(exc)), print_exception=False) from exc
    except Exception as exc:
        log.exception("unexpected error in the web app")
        first_line = str(exc).splitlines()[0] if str(exc) else ""
        raise gr.Error(
            f"unexpected error ({type(exc).__name__}: {first_line}); the server's log has the "
            "details",
            print_exception=False,
        ) from exc


def session_id(request: gr.Request | None) -> str | None:
    """The Gradio session hash of the page (or API client) making the call."""
    return getattr(request, "session_hash", None) if request is not None else None


def frame_reporter(progress: gr.Progress):
    """A report(done, total, text) for FrameProgress that drives a gr.Progress bar."""

    def report(done: int, total: int | None, text: str) -> None:
        progress((done, total or done), desc=text, unit="frames")

    return report


def with_one_line_errors(image: gr.Image) -> gr.Image:
    """`image`, whose unreadable uploads (text, a truncated file, a decompression bomb) fail
    with the one-line message the CLI gives for the same file instead of Gradio's generic
    error. (Set on the instance: a gr.Image subclass makes Gradio write a .pyi beside this
    module.)"""
    preprocess = image.preprocess

    def checked(payload):
        try:
            return preprocess(payload)
        except Exception as exc:
            from facemotion.io.images import load_image

            with user_errors():
                load_image(payload.path)  # raises the CLI's InputError for a bad file
            raise gr.Error(
                "the source image cannot be read; upload a PNG or JPEG file",
                print_exception=False,
            ) from exc

    image.preprocess = checked
    return image
