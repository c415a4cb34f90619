"""Write outputs under a temporary name in the target directory and rename them when complete.

Missing output folders are created (parents too) and removed again, when still empty, if the
job fails. Removing temporaries and renaming a set of outputs into place are shielded from
SIGINT/SIGTERM (`facemotion.io.signals`), so a second Ctrl-C cannot leave half of either.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import secrets
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path

from facemotion.errors import OutputError
from facemotion.io.signals import shielded


def _existing_ancestor(directory: Path) -> Path:
    for candidate in (directory, *directory.parents):
        if candidate.exists():
            return candidate
    return Path(".")


def check_writable_dir(directory: Path) -> None:
    """Raise OutputError unless files can be created in `directory`: it exists and is writable,
    or it is missing and can be made (its nearest existing ancestor is a writable folder)."""
    directory = Path(directory) if str(directory) else Path(".")
    ancestor = _existing_ancestor(directory.absolute())
    if not ancestor.is_dir():
        raise OutputError(f"cannot create output folder {directory}: {ancestor} is a file")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        what = "output folder" if ancestor == directory.absolute() else "folder"
        raise OutputError(f"{what} {ancestor} is not writable; choose another output folder")


def make_dirs(directory: Path) -> list[Path]:
    """Create `directory` and its missing parents; the folders made, outermost first."""
    directory = Path(directory) if str(directory) else Path(".")
    check_writable_dir(directory)
    missing = [d for d in (directory, *directory.parents) if not d.exists()][::-1]
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {directory}: {exc.strerror or exc}") from exc
    return missing


def remove_empty_dirs(created: Sequence[Path]) -> None:
    """Remove the folders of `created` (outermost first, as `make_dirs` gives) left empty."""
    for directory in reversed(created):
        with contextlib.suppress(OSError):
            directory.rmdir()


@contextlib.contextmanager
def output_dir(directory: str | os.PathLike[str]) -> Iterator[Path]:
    """Create `directory` (parents too) for the block; if the block fails, the folders it
    created are removed again when nothing was written into them."""
    created = make_dirs(Path(directory))
    try:
        yield Path(directory)
    except BaseException:
        with shielded():
            remove_empty_dirs(created)
        raise


# Bytes in one path component on ext4, XFS, btrfs, APFS and tmpfs; NTFS counts 255 UTF-16 units.
DEFAULT_NAME_MAX = 255


def name_limit(directory: Path) -> int:
    """The longest file name, in bytes, the file system holding `directory` takes."""
    try:
        return int(os.pathconf(_existing_ancestor(Path(directory).absolute()), "PC_NAME_MAX"))
    except (OSError, ValueError):  # no such query on this system (Windows)
        return DEFAULT_NAME_MAX


def check_name_length(path: Path, remedy: str = "give a shorter output name") -> None:
    """Raise OutputError when a component of `path` (the file's name or a folder's) is longer
    than its file system allows: such a name cannot be created, nor even looked up. remedy:
    what the message ends with (an output named after an input: rename the input)."""
    path = Path(path)
    limit = name_limit(path.parent if str(path.parent) else Path("."))
    for part in path.parts:
        size = len(os.fsencode(part))
        if size > limit:
            shown = part if len(part) <= 40 else f"{part[:24]}...{part[-12:]}"
            raise OutputError(
                f"output name {shown} is {size} bytes long, more than the {limit} its file "
                f"system allows; {remedy}"
            )


def fitted_stem(stem: str, suffixes: Sequence[str], directory: Path) -> str:
    """`stem`, cut when it and the longest of `suffixes` would make a file name longer than
    the file system of `directory` allows (outputs named after inputs, each of which fits);
    a cut stem ends in 8 hex digits of its hash, so that two long names cut alike stay apart."""
    limit = name_limit(directory)
    longest = max((len(os.fsencode(suffix)) for suffix in suffixes), default=0)
    if len(os.fsencode(stem)) + longest <= limit:
        return stem
    digest = hashlib.sha1(os.fsencode(stem)).hexdigest()[:8]
    return f"{_cut(stem, max(1, limit - longest - 9))}-{digest}"


def fitted_name(stem: str, suffix: str, directory: Path) -> str:
    """`stem + suffix`, the stem cut to fit as `fitted_stem` cuts it."""
    return fitted_stem(stem, [suffix], directory) + suffix


def _cut(text: str, size: int) -> str:
    """The longest start of `text` of at most `size` bytes, cut between whole characters (half
    of a multi-byte UTF-8 character is no valid name)."""
    return os.fsencode(text)[:size].decode("utf-8", errors="ignore")


def temporary_sibling(path: Path) -> Path:
    """A fresh name beside `path` with the same suffix: `name.tmp-XXXX.ext`, the stem shortened
    when needed so that the temporary name is no longer than the file system allows."""
    marker = f".tmp-{secrets.token_hex(4)}{path.suffix}"
    limit = name_limit(path.parent if str(path.parent) else Path("."))
    room = max(1, limit - len(os.fsencode(marker)))
    stem = _cut(path.stem, room) or "out"
    return path.with_name(f"{stem}{marker}")


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


def _replace(tmp: Path, target: Path) -> None:
    if target.is_dir() and tmp.is_dir():
        _remove(target)
    os.replace(tmp, target)


def _named_target(exc: OSError, temporaries: list[Path], targets: list[Path]) -> Path:
    """The target whose temporary (or itself) the error names; the first when none."""
    named = Path(exc.filename) if exc.filename else None
    for tmp, target in zip(temporaries, targets, strict=True):
        if named is not None and (named == tmp or named == target or tmp in named.parents):
            return target
    return targets[0]


@contextlib.contextmanager
def atomic_outputs(
    paths: Sequence[str | os.PathLike[str]], replaced: list[Path] | None = None
) -> Iterator[list[Path]]:
    """Yield one temporary path per target (each a file or a directory to create); when the
    block ends without error all are renamed into place together, else all are deleted.

    Missing parent folders are created, and removed again on failure. Ctrl-C and SIGTERM wait
    for the clean-up or the renames. A full disk or a permission problem becomes an
    OutputError. replaced: receives the targets that existed when renamed over, so that a job
    says "replaced" even when another run wrote the same name while it worked.
    """
    targets = [Path(path) for path in paths]
    for target in targets:
        check_name_length(target)
    created: list[Path] = []
    for parent in dict.fromkeys(t.parent if str(t.parent) else Path(".") for t in targets):
        created += make_dirs(parent)
    temporaries = [temporary_sibling(target) for target in targets]
    try:
        yield temporaries
        for tmp, target in zip(temporaries, targets, strict=True):
            _fsync_path(tmp)
            if target.is_dir() and not tmp.is_dir():  # checked first: renames are not undone
                raise IsADirectoryError(errno.EISDIR, "a folder has that name", str(target))
        with shielded():
            for tmp, target in zip(temporaries, targets, strict=True):
                if replaced is not None and os.path.lexists(target):
                    replaced.append(target)
                _replace(tmp, target)
    except BaseException as exc:
        with shielded():
            for tmp in temporaries:
                _remove(tmp)
            remove_empty_dirs(created)
        if isinstance(exc, OSError):
            failed = _named_target(exc, temporaries, targets)
            remedy = ""
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                remedy = "; free space there or choose another output folder"
            raise OutputError(f"cannot write {failed}: {exc.strerror or exc}{remedy}") from exc
        raise


@contextlib.contextmanager
def atomic_output(
    path: str | os.PathLike[str], replaced: list[Path] | None = None
) -> Iterator[Path]:
    """Yield a temporary path to write (a file or a directory); rename it to `path` on success.

    On any exception, Ctrl-C and SIGTERM included, the temporary output is deleted and `path`
    is untouched. A full disk or a permission problem becomes an OutputError. replaced: as
    for `atomic_outputs`.
    """
    with atomic_outputs([path], replaced) as (tmp,):
        yield tmp
