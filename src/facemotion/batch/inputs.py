"""Many inputs from a few words: files, folders, glob patterns and text files of paths.

A folder stands for the files in it (not its subfolders' files) whose suffix the job reads; a
pattern (`clips/*.mp4`, `takes/**/*.mov`) for the paths it matches; `@FILE` for the paths FILE
lists, one a line (blank lines and `#` comments skipped; a relative path is relative to the
list's folder, so a list travels with its files). Anything else is taken as one file (so a
`notes.txt` given as a video is refused as one, not read as a list). The result keeps the
order given, each folder or pattern sorted by name, without repeats.
"""

from __future__ import annotations

import glob
from collections.abc import Iterable, Sequence
from pathlib import Path

from facemotion.errors import InputError

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".webp", ".tif", ".tiff"})
VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".avi", ".mkv", ".webm", ".m4v", ".gif"})
LIST_PREFIX = "@"
_PATTERN_CHARACTERS = frozenset("*?[")


def is_pattern(text: str) -> bool:
    """Whether `text` is a glob pattern rather than a path."""
    return any(character in _PATTERN_CHARACTERS for character in text)


def is_many(item: str | Path) -> bool:
    """Whether one input word stands for several files (a folder, a pattern or a list file)."""
    path = Path(item)
    return (
        path.is_dir()
        or (is_pattern(str(item)) and not path.exists())
        or (str(item).startswith(LIST_PREFIX) and not path.exists())
    )


def _read_list(path: Path) -> list[Path]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the list of paths {path}: {exc}") from exc
    entries = [line.strip() for line in lines]
    return [
        (path.parent / entry) if not Path(entry).is_absolute() else Path(entry)
        for entry in entries
        if entry and not entry.startswith("#")
    ]


def _folder(path: Path, suffixes: frozenset[str], folders: bool) -> list[Path]:
    return sorted(
        child
        for child in path.iterdir()
        if (folders and child.is_dir()) or (child.is_file() and child.suffix.lower() in suffixes)
    )


def expand_inputs(
    items: Iterable[str | Path],
    suffixes: frozenset[str],
    *,
    what: str = "input",
    folders: bool = False,
) -> list[Path]:
    """The files `items` stand for (see the module docstring), in order, without repeats.

    suffixes: what a folder is searched for (lower case, with the dot). folders: subfolders of
    a folder count as inputs too (a training video may be a folder of frames). Raises
    InputError naming the item that gives nothing: a missing file, an empty folder or list, a
    pattern that matches nothing.
    """
    found: list[Path] = []
    for item in items:
        path = Path(item)
        if path.is_dir():
            paths = _folder(path, suffixes, folders)
            if not paths:
                kinds = ", ".join(sorted(suffixes))
                raise InputError(f"folder {path} holds no {what} ({kinds})")
        elif str(item).startswith(LIST_PREFIX) and not path.exists():
            listing = Path(str(item)[len(LIST_PREFIX) :])
            if not listing.is_file():
                raise InputError(f"the list of paths {listing} does not exist")
            paths = _read_list(listing)
            if not paths:
                raise InputError(f"the list {listing} names no {what}")
        elif is_pattern(str(item)) and not path.exists():
            paths = sorted(Path(match) for match in glob.glob(str(item), recursive=True))
            if not paths:
                raise InputError(f"no file matches the pattern {item}")
        else:
            paths = [path]
        for candidate in paths:
            if not candidate.exists():
                raise InputError(f"{what} {candidate} does not exist")
        found.extend(paths)
    unique = list(dict.fromkeys(found))
    if not unique:
        raise InputError(f"no {what} given")
    return unique


def animation_pairs(sources: Sequence[Path], drivings: Sequence[Path]) -> list[tuple[Path, Path]]:
    """(source, driving) pairs: one source with every driving clip, or every source with one
    clip. Raises InputError for many of both (which pairs would be meant is not clear)."""
    if len(sources) > 1 and len(drivings) > 1:
        raise InputError(
            f"{len(sources)} sources and {len(drivings)} driving videos: give one source with "
            "many driving videos, or many sources with one driving video"
        )
    return [(source, driving) for source in sources for driving in drivings]


def check_distinct(outputs: dict[Path, Path]) -> None:
    """Raise InputError when two inputs would write the same output (same name, two folders).

    outputs: input (for animate, the one of the pair that varies) -> its first output path.
    """
    seen: dict[Path, Path] = {}
    for source, output in outputs.items():
        other = seen.setdefault(output, source)
        if other != source:
            raise InputError(
                f"{other} and {source} would both write {output}; rename one, or run them "
                "into different output folders"
            )
