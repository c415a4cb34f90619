"""Checks on output paths before a job starts: an output never replaces one of its inputs."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from facemotion.errors import InputError, Remedy


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name the same file: the same resolved path, or (both existing) the
    same inode, as a hard link or a bind mount gives."""
    if Path(a).resolve() == Path(b).resolve():
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def refuse_overwriting_inputs(
    outputs: Iterable[Path], inputs: Iterable[Path], parameter: str = "output"
) -> None:
    """InputError when an output path is one of the inputs (or a folder holding one, for a
    folder output that would be replaced whole)."""
    inputs = [Path(path) for path in inputs]
    for output in outputs:
        output = Path(output)
        for source in inputs:
            if same_file(output, source):
                raise InputError(
                    f"the output {output} is the input {source}; writing it would destroy the "
                    "input",
                    Remedy(parameter),
                )
            if output.is_dir() and Path(source).resolve().is_relative_to(output.resolve()):
                raise InputError(
                    f"the output folder {output} holds the input {source} and would be replaced",
                    Remedy(parameter),
                )


def replaced_note(existing: Iterable[Path]) -> str:
    """For the summary line: '' when nothing is replaced, '; replaced the existing NAME' for
    one file, '; replaced N existing files' for several."""
    names = [str(path) for path in existing]
    if len(names) > 1:
        return f"; replaced {len(names)} existing files"
    return f"; replaced the existing {names[0]}" if names else ""
