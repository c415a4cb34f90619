"""The CLI's wording of errors: remedies as flags, by error class and remedy parameter (never
by matching message text)."""

from __future__ import annotations

from collections.abc import Collection

from facemotion.errors import (
    CachedModelUnusable,
    FacemotionError,
    MissingDependency,
    ModelNotDownloaded,
    Remedy,
)

# API parameter -> flag, where the flag is not the parameter with dashes.
FLAGS = {
    "home": "--home",
    "model": "--model",
    "config": "--config YAML",
    "checkpoint": "--checkpoint",
    "driving_face": "--driving-face N",
    "face": "--face N",
    "best_frame": "--best-frame N",
    "resume": "--resume CHECKPOINT",
    "camera": "--camera INDEX|VIDEO",
    "vgg_weights": "--vgg-weights FILE",
    "ipd_cm": "--ipd CM",
    "fov_deg": "--fov DEG",
    "smoothing": "--smooth MIN_CUTOFF,BETA",
    "neutral": "--neutral-frame N",
    "name": "--model",
    "crop_mode": "--crop",
    "size": "--size N",
    "onto": "--onto",
    "map": "--map FILE",
    "character_map": "--map FILE",
}


def flag(remedy: Remedy) -> str:
    """'--crop auto', '--find-best-frame', '--config YAML'."""
    name = FLAGS.get(remedy.parameter, "--" + remedy.parameter.replace("_", "-"))
    if remedy.value is None or remedy.value is True:
        return name
    if remedy.value is False:
        return "--no-" + remedy.parameter.replace("_", "-")
    return f"{name.split()[0]} {remedy.value}"


def error_text(error: FacemotionError, options: Collection[str] | None = None) -> str:
    """The one line `facemotion COMMAND: error: ...` shows for `error`. options: the flags the
    command has (e.g. {'--face', '--crop'}); a remedy naming another flag is left out, since a
    pipeline's error does not know which command called it (`capture` has no --model)."""
    if isinstance(error, ModelNotDownloaded):
        return f"model {error.name} is not downloaded; run: facemotion download {error.name}"
    if isinstance(error, CachedModelUnusable):
        return f"{error.message}; download it again: facemotion download {error.name} --force"
    if isinstance(error, MissingDependency):
        return error.message
    flags = [flag(remedy) for remedy in error.remedies]
    if options is not None:
        flags = [text for text in flags if text.split()[0] in options]
    if not flags:
        return error.message
    return f"{error.message}; try {' or '.join(flags)}"
