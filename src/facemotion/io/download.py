"""Fetch released FOMM checkpoints into the cache directory, resumably, and check them.

The checkpoints are the ones the FOMM authors share publicly on Yandex Disk
(https://yadi.sk/d/lEw8uRm140L_eQ, one `<name>-cpk.pth.tar` each). The Yandex Disk public
resources API answers a GET with JSON whose `href` is a short-lived direct link; the file is
streamed from there into `<file>.part` in the cache, resumed with a `Range` header when a
`.part` is already there, checked to load for the model's configuration, and only then renamed
to its final name, so a file under its final name is always complete.
"""

from __future__ import annotations

import contextlib
import errno
import http.client
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from tqdm import tqdm

from facemotion.errors import DownloadError, InputError, Interrupted, ModelError, OutputError
from facemotion.models.checkpoint import load_networks, read_checkpoint
from facemotion.models.registry import RELEASED_MODELS, ReleasedModel, released_config

DEFAULT_API_URL = "https://cloud-api.yandex.net/v1/disk/public/resources/download"
PUBLIC_KEY = "https://yadi.sk/d/lEw8uRm140L_eQ"
API_URL_VARIABLE = "FACEMOTION_DOWNLOAD_API"
HOME_VARIABLE = "FACEMOTION_HOME"
TIMEOUT_SECONDS = 30.0
CHUNK_BYTES = 1 << 20
USER_AGENT = "facemotion-download"


def released_model(name: str) -> ReleasedModel:
    """The registry entry for `name`; InputError listing the known names otherwise."""
    if name not in RELEASED_MODELS:
        known = ", ".join(RELEASED_MODELS)
        raise InputError(f"unknown model '{name}'; released models: {known}")
    return RELEASED_MODELS[name]


def cache_dir(home: str | os.PathLike[str] | None = None) -> Path:
    """`home`, else $FACEMOTION_HOME, else ~/.cache/facemotion."""
    if home is not None:
        return Path(home).expanduser()
    return Path(os.environ.get(HOME_VARIABLE) or "~/.cache/facemotion").expanduser()


def cached_checkpoint_path(name: str, home: str | os.PathLike[str] | None = None) -> Path:
    """Where the checkpoint of released model `name` lives once downloaded (it may not yet)."""
    return cache_dir(home) / released_model(name).checkpoint_file


def partial_path(path: Path) -> Path:
    """The `.part` file a download of `path` grows in until it is complete and checked."""
    return path.with_name(path.name + ".part")


def api_request_url(name: str, api_url: str | None = None) -> str:
    """The public-resources API URL that answers with the download link of `name`."""
    base = api_url or os.environ.get(API_URL_VARIABLE) or DEFAULT_API_URL
    query = urllib.parse.urlencode(
        {"public_key": PUBLIC_KEY, "path": "/" + released_model(name).checkpoint_file}
    )
    return f"{base}{'&' if '?' in base else '?'}{query}"


def _unreachable(url: str, reason: object, path: Path) -> DownloadError:
    host = urllib.parse.urlsplit(url).netloc or url
    return DownloadError(
        f"could not reach {host} ({reason}); check the network or copy {path.name} into "
        f"{path.parent}"
    )


def _open(url: str, path: Path, headers: dict[str, str], timeout: float):
    """urlopen with every network failure turned into a one-line DownloadError."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **headers})
    try:
        return urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        exc.close()
        if exc.code == 416 and "Range" in headers:
            raise
        host = urllib.parse.urlsplit(url).netloc
        raise DownloadError(
            f"{host} answered HTTP {exc.code} ({exc.reason}) for {path.name}; try again later "
            f"or copy {path.name} into {path.parent}"
        ) from exc
    except urllib.error.URLError as exc:
        raise _unreachable(url, exc.reason, path) from exc
    except (OSError, http.client.HTTPException) as exc:
        raise _unreachable(url, exc, path) from exc


def resolve_download_link(name: str, path: Path, api_url: str | None, timeout: float) -> str:
    """Ask the public-resources API for the direct link (`href`) to `name`'s checkpoint."""
    url = api_request_url(name, api_url)
    with _open(url, path, {"Accept": "application/json"}, timeout) as response:
        try:
            body = response.read()
            href = json.loads(body)["href"]
        except (OSError, http.client.HTTPException) as exc:
            raise _unreachable(url, exc, path) from exc
        except (ValueError, KeyError, TypeError) as exc:
            raise DownloadError(
                f"the download service gave no link for {path.name} (unexpected answer); try "
                f"again later or copy {path.name} into {path.parent}"
            ) from exc
    if not isinstance(href, str) or not href:
        raise DownloadError(f"the download service gave an empty link for {path.name}")
    return href


def _chunks(response, url: str, path: Path, part: Path) -> Iterator[bytes]:
    """The body in chunks; a connection lost midway keeps the `.part` and says how to resume."""
    while True:
        try:
            chunk = response.read(CHUNK_BYTES)
        except (OSError, http.client.HTTPException) as exc:
            host = urllib.parse.urlsplit(url).netloc
            raise DownloadError(
                f"the connection to {host} broke while downloading {path.name} ({exc}); run the "
                f"same command again to resume from {part.name}"
            ) from exc
        if not chunk:
            return
        yield chunk


def _write(handle: BinaryIO, data: bytes, part: Path) -> None:
    try:
        handle.write(data)
    except OSError as exc:
        raise _disk_error(part, exc) from exc


def _disk_error(part: Path, exc: OSError) -> OutputError:
    hint = (
        f"free some space in {part.parent} or set {HOME_VARIABLE} to another disk"
        if exc.errno in (errno.ENOSPC, errno.EDQUOT)
        else f"choose another cache directory with --home or {HOME_VARIABLE}"
    )
    return OutputError(f"cannot write {part}: {exc.strerror or exc}; {hint}")


def _range_start(content_range: str | None) -> int | None:
    """The first byte of a `Content-Range: bytes START-END/TOTAL` header."""
    if not content_range or not content_range.startswith("bytes "):
        return None
    start = content_range[len("bytes ") :].split("-", 1)[0].strip()
    return int(start) if start.isdigit() else None


def fetch_to_partial(href: str, path: Path, *, progress: bool, timeout: float) -> Path:
    """Stream `href` into `path`'s `.part` file, resuming from its current size when the server
    honours `Range` (206) and starting over when it answers the whole file (200)."""
    part = partial_path(path)
    offset = part.stat().st_size if part.is_file() else 0
    headers = {"Range": f"bytes={offset}-"} if offset else {}
    try:
        response = _open(href, path, headers, timeout)
    except urllib.error.HTTPError:
        # 416: the .part already holds every byte; the check after this decides if it is good.
        return part
    with response:
        resumed = offset > 0 and response.status == 206
        if resumed and _range_start(response.headers.get("Content-Range")) != offset:
            part.unlink()
            raise DownloadError(
                f"the server resumed {path.name} at the wrong place; the partial file was "
                "removed: run the same command again"
            )
        if not resumed:
            offset = 0
        length = response.headers.get("Content-Length")
        total = offset + int(length) if length and length.isdigit() else None
        received = 0
        try:
            handle = open(part, "ab" if resumed else "wb")  # noqa: SIM115
        except OSError as exc:
            raise _disk_error(part, exc) from exc
        with (
            handle,
            tqdm(
                total=total,
                initial=offset,
                unit="B",
                unit_scale=True,
                unit_divisor=1024,
                desc=path.name,
                disable=not progress,
            ) as bar,
        ):
            for chunk in _chunks(response, href, path, part):
                _write(handle, chunk, part)
                received += len(chunk)
                bar.update(len(chunk))
            try:
                handle.flush()
                os.fsync(handle.fileno())
            except OSError as exc:
                raise _disk_error(part, exc) from exc
    if total is not None and offset + received < total:
        raise DownloadError(
            f"the download of {path.name} stopped at {offset + received} of {total} bytes; run "
            f"the same command again to resume from {part.name}"
        )
    return part


def verify_download(name: str, part: Path, path: Path) -> None:
    """Check that `part` loads as a checkpoint of model `name`; remove it and raise if not."""
    try:
        checkpoint = read_checkpoint(part)
        load_networks(checkpoint, released_config(name), source=f"the downloaded {path.name}")
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
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _disk_error(path.parent, exc) from exc
    try:
        href = resolve_download_link(name, path, api_url, timeout)
        part = fetch_to_partial(href, path, progress=progress, timeout=timeout)
        verify_download(name, part, path)
    except KeyboardInterrupt as exc:
        raise Interrupted(
            f"download of {path.name} interrupted; the partial file {partial_path(path)} is "
            "kept: run the same command again to resume"
        ) from exc
    try:
        os.replace(part, path)
    except OSError as exc:
        raise _disk_error(path, exc) from exc
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
    """The cached checkpoint of `name`, downloaded first when missing (or when `force`)."""
    path = cached_checkpoint_path(name, home)
    if path.is_file() and not force:
        return path
    if force:
        with contextlib.suppress(FileNotFoundError):
            partial_path(path).unlink()
    return download_checkpoint(name, progress=progress, home=home, api_url=api_url, timeout=timeout)


@dataclass(frozen=True)
class CachedModel:
    """One released model and its state in the cache; size_bytes is None when not cached."""

    name: str
    description: str
    path: Path
    size_bytes: int | None
    partial_bytes: int | None


def model_list(home: str | os.PathLike[str] | None = None) -> list[CachedModel]:
    """Every released model with where its checkpoint is, or would be, cached."""
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
        if model.size_bytes is not None:
            state = f"cached, {_megabytes(model.size_bytes)}"
        elif model.partial_bytes is not None:
            state = f"partial, {_megabytes(model.partial_bytes)} (download again to resume)"
        else:
            state = "not downloaded"
        lines.append(f"  {model.name:<{width}}  {model.description:<{described}}  {state}")
    return "\n".join(lines)
