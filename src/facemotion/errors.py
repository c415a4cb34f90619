"""One error hierarchy; the CLI prints any of these as a single line and exits non-zero."""

from __future__ import annotations


class FacemotionError(Exception):
    """Base of every error a user can act on. The message is one line that says what to do."""

    exit_code = 1


class InputError(FacemotionError):
    """A file the user gave cannot be used (missing, unreadable, not an image or a video)."""

    exit_code = 2


class NoFaceError(InputError):
    """No face was found where one is needed."""


class ModelError(FacemotionError):
    """A checkpoint or configuration cannot be loaded or does not fit."""

    exit_code = 3


class DownloadError(FacemotionError):
    """A released checkpoint could not be fetched."""

    exit_code = 4


class OutputError(FacemotionError):
    """An output cannot be written (missing or read-only directory, full disk)."""

    exit_code = 5


class Interrupted(FacemotionError):
    """The user pressed Ctrl-C; nothing partial was left behind."""

    exit_code = 130
