"""Write outputs under a temporary name in the target directory and rename them when complete."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

from facemotion.errors import OutputError


def check_writable_dir(directory: Path) -> None:
    """Raise OutputError unless `directory` exists and files can be created in it."""
    if not directory.is_dir():
        raise OutputError(f"output directory {directory} does not exist; create it first")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise OutputError(f"output directory {directory} is not writable; choose another -o")


def temporary_sibling(path: Path) -> Path:
    """A fresh name beside `path` with the same suffix: `name.tmp-XXXX.ext`."""
    return path.with_name(f"{path.stem}.tmp-{secrets.token_hex(4)}{path.suffix}")


def _fsync_path(path: Path) -> None:
    if path.is_dir():
        for child in path.iterdir():
            _fsync_path(child)
        return
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path to write (a file or a directory); rename it to `path` on success.

    On any exception, Ctrl-C included, the temporary output is deleted and `path` is untouched.
    A full disk or a permission problem becomes an OutputError.
    """
    target = Path(path)
    check_writable_dir(target.parent if str(target.parent) else Path("."))
    tmp = temporary_sibling(target)
    try:
        yield tmp
        _fsync_path(tmp)
        if target.is_dir() and tmp.is_dir():
            _remove(target)
        os.replace(tmp, target)
    except OSError as exc:
        _remove(tmp)
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from exc
    except BaseException:
        _remove(tmp)
        raise
