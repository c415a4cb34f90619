"""The released FOMM checkpoints: where they are cached, how they are fetched and checked.

The checkpoints are the ones the FOMM authors share publicly on Yandex Disk
(https://yadi.sk/d/lEw8uRm140L_eQ, one `<name>-cpk.pth.tar` each). The file is fetched into
`<file>.part` (io/download.py, resumable), checked to load for the model's configuration, and
only then renamed to its final name.
"""

from __future__ import annotations

import contextlib
import os
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from facemotion.errors import (
    CachedModelUnusable,
    DownloadError,
    InputError,
    Interrupted,
    ModelError,
)
from facemotion.io.atomic import output_dir
from facemotion.io.download import (
    HOME_VARIABLE,
    TIMEOUT_SECONDS,
    cache_dir,
    disk_error,
    fetch_to_partial,
    partial_path,
    resolve_download_link,
)
from facemotion.io.signals import signal_number
from facemotion.models.checkpoint import check_fits, read_checkpoint
from facemotion.models.registry import RELEASED_MODELS, ReleasedModel, released_config

DEFAULT_API_URL = "https://cloud-api.yandex.net/v1/disk/public/resources/download"
PUBLIC_KEY = "https://yadi.sk/d/lEw8uRm140L_eQ"
API_URL_VARIABLE = "FACEMOTION_DOWNLOAD_API"
__all__ = ["HOME_VARIABLE", "cache_dir", "partial_path"]


def released_model(name: str) -> ReleasedModel:
    """The registry entry for `name`; InputError listing the known names otherwise."""
    if name not in RELEASED_MODELS:
        known = ", ".join(RELEASED_MODELS)
        raise InputError(f"unknown model '{name}'; released models: {known}")
    return RELEASED_MODELS[name]


def cached_checkpoint_path(name: str, home: str | os.PathLike[str] | None = None) -> Path:
    """Where the checkpoint of released model `name` lives once downloaded (it may not yet)."""
    return cache_dir(home) / released_model(name).checkpoint_file


def api_request_url(name: str, api_url: str | None = None) -> str:
    """The public-resources API URL that answers with the download link of `name`."""
    base = api_url or os.environ.get(API_URL_VARIABLE) or DEFAULT_API_URL
    query = urllib.parse.urlencode(
        {"public_key": PUBLIC_KEY, "path": "/" + released_model(name).checkpoint_file}
    )
    return f"{base}{'&' if '?' in base else '?'}{query}"


def check_checkpoint(name: str, path: Path, source: str) -> None:
    """ModelError unless `path` reads as a checkpoint whose networks fit model `name`'s
    configuration (read whole, but no network is built: a few seconds for a released file)."""
    check_fits(read_checkpoint(path), released_config(name), source=source)


def check_cached(name: str, path: Path) -> None:
    """CachedModelUnusable unless the cached `path` is a usable checkpoint of model `name`."""
    try:
        check_checkpoint(name, path, source=str(path))
    except ModelError as exc:
        raise CachedModelUnusable(name, exc.message) from exc


def verify_download(name: str, part: Path, path: Path) -> None:
    """Check that `part` loads as a checkpoint of model `name`; remove it and raise if not."""
    try:
        check_checkpoint(name, part, source=f"the downloaded {path.name}")
    except ModelError as exc:
        with contextlib.suppress(FileNotFoundError):
            part.unlink()
        raise DownloadError(
            f"the downloaded {path.name} is not a usable {name} checkpoint ({exc}); it was "
            f"removed: run the download again"
        ) from exc


def download_checkpoint(
    name: str,
    *,
    progress: bool = True,
    home: str | os.PathLike[str] | None = None,
    api_url: str | None = None,
    timeout: float = TIMEOUT_SECONDS,
) -> Path:
    """Download released model `name` into the cache and return its path.

    Resumes a `.part` left by an earlier attempt; the final file appears (atomic rename) only
    once it loads for the model's configuration. Ctrl-C keeps the `.part` for the next attempt.
    `api_url` (or $FACEMOTION_DOWNLOAD_API) replaces the Yandex Disk API, for mirrors and tests.
    """
    path = cached_checkpoint_path(name, home)
    # a first download that fails leaves no empty cache folder behind (a kept .part stays)
    with output_dir(path.parent):
        try:
            href = resolve_download_link(api_request_url(name, api_url), path, timeout)
            part = fetch_to_partial(href, path, progress=progress, timeout=timeout)
            verify_download(name, part, path)
        except KeyboardInterrupt as exc:
            error = Interrupted(
                f"download of {path.name} interrupted; the partial file {partial_path(path)} "
                "is kept: run the same command again to resume"
            )
            error.exit_code = 128 + signal_number(exc)
            raise error from exc
        try:
            os.replace(part, path)
        except OSError as exc:
            raise disk_error(path, exc) from exc
    return path


def ensure_checkpoint(
    name: str,
    *,
    home: str | os.PathLike[str] | None = None,
    force: bool = False,
    progress: bool = True,
    api_url: str | None = None,
    timeout: float = TIMEOUT_SECONDS,
) -> Path:
    """The cached checkpoint of `name`, downloaded first when missing (or when `force`).

    A cached file is checked as a download is (CachedModelUnusable when it does not load for
    the model: corrupt, or another model's file under its name); `force` replaces it."""
    path = cached_checkpoint_path(name, home)
    if path.is_file() and not force:
        check_cached(name, path)
        return path
    if force:
        with contextlib.suppress(FileNotFoundError):
            partial_path(path).unlink()
    return download_checkpoint(name, progress=progress, home=home, api_url=api_url, timeout=timeout)


@dataclass(frozen=True)
class CachedModel:
    """One released model and its state in the cache; size_bytes is None when not cached;
    problem: why a cached file is unusable (None when it is usable or absent)."""

    name: str
    description: str
    path: Path
    size_bytes: int | None
    partial_bytes: int | None
    problem: str | None = None


def _problem(name: str, path: Path) -> str | None:
    if not path.is_file():
        return None
    try:
        check_checkpoint(name, path, source=path.name)
    except ModelError as exc:
        return exc.message
    return None


def model_list(home: str | os.PathLike[str] | None = None) -> list[CachedModel]:
    """Every released model with where its checkpoint is, or would be, cached; each cached
    file is checked to load for its model (as `animate` would)."""
    models = []
    for name, model in RELEASED_MODELS.items():
        path = cached_checkpoint_path(name, home)
        part = partial_path(path)
        models.append(
            CachedModel(
                name=name,
                description=model.description,
                path=path,
                size_bytes=path.stat().st_size if path.is_file() else None,
                partial_bytes=part.stat().st_size if part.is_file() else None,
                problem=_problem(name, path),
            )
        )
    return models


def _megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def format_model_list(models: list[CachedModel]) -> str:
    """A table for `facemotion download --list`: name, what it animates, cached or not."""
    width = max(len(model.name) for model in models)
    described = max(len(model.description) for model in models)
    lines = [f"cache: {models[0].path.parent}" if models else "cache: (none)"]
    for model in models:
        if model.problem is not None:
            state = f"unusable ({model.problem}): download again with --force"
        elif model.size_bytes is not None:
            state = f"cached, {_megabytes(model.size_bytes)}"
        elif model.partial_bytes is not None:
            state = f"partial, {_megabytes(model.partial_bytes)} (download again to resume)"
        else:
            state = "not downloaded"
        lines.append(f"  {model.name:<{width}}  {model.description:<{described}}  {state}")
    return "\n".join(lines)
