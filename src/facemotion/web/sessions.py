"""Per-browser-session temporary folders and uploads, removed when the session ends.

Folder and file names are generated here; nothing a user sends (file names, session ids) ever
becomes part of a path. Gradio stores uploads itself (`uploads/<content hash>/<name>`); a job
hands the store the upload paths it was given (`adopt`) so that they go with the session, and
the copies Gradio keeps of the results it served (found by `cached_copy`) go too.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

ANONYMOUS = "anonymous"


class SessionStore:
    """Temporary folders keyed by session id under one root folder.

    A session's folder and the uploads it adopted are removed by `release(session_id)` (the
    page was closed) or, for clients that never say goodbye (API callers), once unused for
    `max_idle_s` (`sweep`, run on every new folder and by `sweep_every`). `close()` stops the
    running jobs and removes everything. `uploads` is the folder Gradio stores uploads in: only
    files inside it are ever adopted (never a gallery picture or a sample, nor Gradio's copy of
    one: `keep`); `cached_copy(path)`
    is where Gradio keeps its copy of a result in the session folder. Each running job
    has a cancel flag that it polls; `cancel(session_id)` sets the session's.
    """

    def __init__(
        self,
        root: Path | None = None,
        *,
        uploads: Path | None = None,
        cached_copy: Callable[[Path], Path] | None = None,
        max_idle_s: float = 3 * 3600,
    ):
        self.root = Path(tempfile.mkdtemp(prefix="facemotion-web-")) if root is None else root
        self.root.mkdir(parents=True, exist_ok=True)
        self.uploads = None if uploads is None else uploads.resolve()
        self.cached_copy = cached_copy
        self.max_idle_s = max_idle_s
        self._folders: dict[str, Path] = {}
        self._last_used: dict[str, float] = {}
        self._jobs: dict[str, set[threading.Event]] = {}
        # Upload -> sessions that used it: Gradio names an upload by its content's hash, so
        # two sessions sending the same picture share one file, removed with the last of them.
        self._upload_users: dict[Path, set[str]] = {}
        # Gradio's copies of the app's own pictures and clips (the galleries): the same content
        # hash names a user's upload of a sample and the copy every page shows and picks.
        self._kept: set[Path] = set()
        self._lock = threading.Lock()
        self._closed = threading.Event()

    def folder(self, session_id: str | None) -> Path:
        """The session's folder, created on first use; sweeps sessions idle for too long."""
        key = session_id or ANONYMOUS
        with self._lock:
            self._sweep(keep=key)
            folder = self._folders.get(key)
            if folder is None:
                folder = self.root / uuid.uuid4().hex
                folder.mkdir()
                self._folders[key] = folder
            self._last_used[key] = time.monotonic()
            return folder

    def keep(self, *paths: Path) -> None:
        """Never remove these files of `uploads` (Gradio's copies of the galleries' pictures
        and clips, which a session's upload of the same file would otherwise take with it)."""
        with self._lock:
            self._kept.update(Path(path).resolve() for path in paths)

    def adopt(self, session_id: str | None, *paths: str | Path | None) -> None:
        """Remove these uploads with the session (paths outside `uploads`, and the store's own
        files such as gallery thumbnails and results, are ignored)."""
        if self.uploads is None:
            return
        key = session_id or ANONYMOUS
        own = self.root.resolve()
        with self._lock:
            for path in filter(None, paths):
                resolved = Path(path).resolve()
                upload = resolved.is_relative_to(self.uploads) and resolved != self.uploads
                if upload and not resolved.is_relative_to(own) and resolved not in self._kept:
                    self._upload_users.setdefault(resolved, set()).add(key)
                    self._last_used[key] = time.monotonic()

    def sweep(self) -> None:
        """Remove the sessions unused for more than `max_idle_s`."""
        with self._lock:
            self._sweep()

    def sweep_every(self, interval_s: float) -> None:
        """Sweep in a background thread every `interval_s` seconds until `close()`, so idle
        sessions go even when no new one comes."""

        def loop() -> None:
            while not self._closed.wait(interval_s):
                self.sweep()

        threading.Thread(target=loop, name="facemotion-session-sweep", daemon=True).start()

    def new_path(self, session_id: str | None, stem: str, suffix: str) -> Path:
        """A fresh file path in the session's folder: `<stem>-<random><suffix>`."""
        return self.folder(session_id) / f"{stem}-{uuid.uuid4().hex[:8]}{suffix}"

    def new_folder(self, session_id: str | None, stem: str) -> Path:
        """A fresh empty sub-folder of the session's folder."""
        path = self.new_path(session_id, stem, "")
        path.mkdir()
        return path

    @contextlib.contextmanager
    def job(self, session_id: str | None) -> Iterator[threading.Event]:
        """A cancel flag for one job of the session, registered while the block runs."""
        key, flag = session_id or ANONYMOUS, threading.Event()
        with self._lock:
            self._jobs.setdefault(key, set()).add(flag)
        try:
            yield flag
        finally:
            with self._lock:
                self._jobs.get(key, set()).discard(flag)

    def cancel(self, session_id: str | None) -> int:
        """Set the flags of the session's running jobs (the Cancel button); how many."""
        with self._lock:
            flags = list(self._jobs.get(session_id or ANONYMOUS, ()))
        for flag in flags:
            flag.set()
        return len(flags)

    def release(self, session_id: str | None) -> None:
        """Remove the session's folder and flag (the browser tab was closed)."""
        key = session_id or ANONYMOUS
        self.cancel(key)  # a job still running for a closed page stops at its next frame
        with self._lock:
            self._jobs.pop(key, None)
            self._remove(key)

    def sessions(self) -> list[str]:
        with self._lock:
            return list(self._last_used)

    def close(self) -> None:
        """Stop the running jobs (at their next frame); remove every session's folder and
        uploads, and the root."""
        self._closed.set()
        with self._lock:
            flags = [flag for flags in self._jobs.values() for flag in flags]
        for flag in flags:
            flag.set()
        with self._lock:
            for key in list(self._last_used):
                self._remove(key)
            shutil.rmtree(self.root, ignore_errors=True)

    def _sweep(self, keep: str | None = None) -> None:
        now = time.monotonic()
        stale = [
            key
            for key, used in self._last_used.items()
            if key != keep and now - used > self.max_idle_s
        ]
        for key in stale:
            self._remove(key)

    def _remove(self, key: str) -> None:
        folder = self._folders.pop(key, None)
        self._last_used.pop(key, None)
        if folder is not None:
            if self.cached_copy is not None:
                for result in (path for path in folder.rglob("*") if path.is_file()):
                    copy = self.cached_copy(result)
                    if self.uploads is not None and copy.resolve().is_relative_to(self.uploads):
                        _remove_upload(copy.resolve(), self.uploads)
            shutil.rmtree(folder, ignore_errors=True)
        for upload, users in list(self._upload_users.items()):
            users.discard(key)
            if not users:
                del self._upload_users[upload]
                _remove_upload(upload, self.uploads)


def _remove_upload(upload: Path, uploads: Path | None) -> None:
    """Delete an upload and its content-hash folder when that is left empty."""
    upload.unlink(missing_ok=True)
    parent = upload.parent
    if parent != uploads:
        with contextlib.suppress(OSError):  # not empty: Gradio put another file there
            parent.rmdir()
