"""Per-browser-session temporary folders, removed when the session ends.

Folder and file names are generated here; nothing a user sends (file names, session ids) ever
becomes part of a path.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

ANONYMOUS = "anonymous"


class SessionStore:
    """Temporary folders keyed by session id under one root folder.

    A folder is removed by `release(session_id)` (the page was closed) or, for clients that
    never say goodbye (API callers), once unused for `max_idle_s`. `close()` removes the root.
    Each running job has a cancel flag that it polls; `cancel(session_id)` sets the session's.
    """

    def __init__(self, root: Path | None = None, *, max_idle_s: float = 3 * 3600):
        self.root = Path(tempfile.mkdtemp(prefix="facemotion-web-")) if root is None else root
        self.root.mkdir(parents=True, exist_ok=True)
        self.max_idle_s = max_idle_s
        self._folders: dict[str, Path] = {}
        self._last_used: dict[str, float] = {}
        self._jobs: dict[str, set[threading.Event]] = {}
        self._lock = threading.Lock()

    def folder(self, session_id: str | None) -> Path:
        """The session's folder, created on first use; sweeps folders idle for too long."""
        key = session_id or ANONYMOUS
        now = time.monotonic()
        with self._lock:
            stale = [
                other
                for other, used in self._last_used.items()
                if other != key and now - used > self.max_idle_s
            ]
            for other in stale:
                self._remove(other)
            folder = self._folders.get(key)
            if folder is None:
                folder = self.root / uuid.uuid4().hex
                folder.mkdir()
                self._folders[key] = folder
            self._last_used[key] = now
            return folder

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
            return list(self._folders)

    def close(self) -> None:
        """Remove every session folder and the root."""
        with self._lock:
            for key in list(self._folders):
                self._remove(key)
            shutil.rmtree(self.root, ignore_errors=True)

    def _remove(self, key: str) -> None:
        folder = self._folders.pop(key, None)
        self._last_used.pop(key, None)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
