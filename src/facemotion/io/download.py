"""Resumable HTTP downloads into a cache directory: `<file>.part` grows until complete.

A public-share API answers a GET with JSON whose `href` is a short-lived direct link; the file
is streamed from there into `<file>.part`, resumed with a `Range` header when a `.part` is
already there. The caller checks the `.part` and renames it (models/download.py does both for
the released FOMM checkpoints), so a file under its final name is always complete.
"""

from __future__ import annotations

import errno
import http.client
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from tqdm import tqdm

from facemotion.errors import DownloadError, OutputError, Remedy

HOME_VARIABLE = "FACEMOTION_HOME"
TIMEOUT_SECONDS = 30.0
CHUNK_BYTES = 1 << 20
USER_AGENT = "facemotion-download"


def cache_dir(home: str | os.PathLike[str] | None = None) -> Path:
    """`home`, else $FACEMOTION_HOME, else ~/.cache/facemotion."""
    if home is not None:
        return Path(home).expanduser()
    return Path(os.environ.get(HOME_VARIABLE) or "~/.cache/facemotion").expanduser()


def partial_path(path: Path) -> Path:
    """The `.part` file a download of `path` grows in until it is complete and checked."""
    return path.with_name(path.name + ".part")


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


def resolve_download_link(url: str, path: Path, timeout: float) -> str:
    """Ask a public-resources API (`url`) for the direct link (`href`) to the file `path`."""
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
        raise disk_error(part, exc) from exc


def disk_error(part: Path, exc: OSError) -> OutputError:
    full = exc.errno in (errno.ENOSPC, errno.EDQUOT)
    where = f"; free some space in {part.parent}" if full else ""
    return OutputError(f"cannot write {part}: {exc.strerror or exc}{where}", Remedy("home"))


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
            raise disk_error(part, exc) from exc
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
                raise disk_error(part, exc) from exc
    if total is not None and offset + received < total:
        raise DownloadError(
            f"the download of {path.name} stopped at {offset + received} of {total} bytes; run "
            f"the same command again to resume from {part.name}"
        )
    return part
