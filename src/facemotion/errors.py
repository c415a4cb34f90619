"""One error hierarchy; the CLI prints any of these as a single line and exits non-zero.

An error says what went wrong in terms of files and parameters, in the words of the Python API
(`crop`, `best_frame`), never of one front end. What the user can change is attached as
`Remedy` values: the CLI renders them as flags ("try --crop auto"), the web app as its own
labels, and `str(error)` as keyword arguments ("try crop='auto'") for API users. Front ends
choose their wording by error class and remedy, never by matching message text.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Remedy:
    """A parameter to change, and the value to try (None: the parameter names the fix alone,
    as `Remedy("config")` for "give the configuration")."""

    parameter: str
    value: object = None

    def __str__(self) -> str:
        return self.parameter if self.value is None else f"{self.parameter}={self.value!r}"


class FacemotionWarning(UserWarning):
    """Something the user should know that does not stop the job; the CLI prints it as one
    line ("facemotion animate: warning: ...")."""


class FacemotionError(Exception):
    """Base of every error a user can act on: one line saying what is wrong, and remedies."""

    exit_code = 1

    def __init__(self, message: str, *remedies: Remedy) -> None:
        super().__init__(message)
        self.message = message
        self.remedies = remedies

    def __str__(self) -> str:
        if not self.remedies:
            return self.message
        return f"{self.message}; try {' or '.join(str(remedy) for remedy in self.remedies)}"


class InputError(FacemotionError):
    """A file or value the user gave cannot be used (missing, unreadable, out of range)."""

    exit_code = 2


class NoFaceError(InputError):
    """No face was found where one is needed."""


class ModelError(FacemotionError):
    """A checkpoint or configuration cannot be loaded or does not fit."""

    exit_code = 3


class ModelNotDownloaded(ModelError):
    """A released model's checkpoint is not in the cache and downloading was not allowed."""

    def __init__(self, name: str) -> None:
        super().__init__(f"model {name} is not downloaded")
        self.name = name


class CachedModelUnusable(ModelError):
    """A released model's cached checkpoint is there but does not load for its configuration
    (corrupt, truncated, another model's file under its name): it must be downloaded again,
    replacing it (`download_checkpoint`, or `ensure_checkpoint(..., force=True)`)."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"the cached model {name} is unusable: {reason}")
        self.name = name


class MissingDependency(FacemotionError):
    """An optional package a feature needs is not installed; `package` is what pip installs
    (a package name or an extra such as "facemotion[ray]")."""

    exit_code = 2

    def __init__(self, feature: str, package: str) -> None:
        super().__init__(f"{feature} needs the {package} package: pip install '{package}'")
        self.feature, self.package = feature, package


class DownloadError(FacemotionError):
    """A released checkpoint could not be fetched."""

    exit_code = 4


class OutputError(FacemotionError):
    """An output cannot be written (missing or read-only directory, full disk)."""

    exit_code = 5


class Interrupted(FacemotionError):
    """The user pressed Ctrl-C, SIGTERM arrived or the job was cancelled; nothing partial was
    left behind. The exit code is 128 + the signal's number (130 for SIGINT, 143 SIGTERM)."""

    exit_code = 130

    @classmethod
    def by_signal(cls, signum: int) -> Interrupted:
        name = {2: "interrupted", 15: "terminated (SIGTERM)"}.get(signum, f"signal {signum}")
        error = cls(f"{name}; no partial output was left behind")
        error.exit_code = 128 + signum
        return error
