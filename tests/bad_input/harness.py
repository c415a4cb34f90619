"""What every bad-input case asserts: refused (non-zero exit), one line on stderr, no
traceback, nothing left behind and every input unchanged."""

from __future__ import annotations

import hashlib
import re
import warnings
from collections.abc import Sequence
from pathlib import Path

from facemotion.cli import main


def snapshot(root: Path) -> dict[str, str]:
    """Every path under `root`: 'dir' for folders, the SHA-1 of the bytes for files."""
    tree = {}
    for path in sorted(root.rglob("*")):
        key = str(path.relative_to(root))
        tree[key] = "dir" if path.is_dir() else hashlib.sha1(path.read_bytes()).hexdigest()
    return tree


def run_main(argv: Sequence[object]) -> int:
    try:
        return main([str(arg) for arg in argv])
    except SystemExit as exc:  # argparse's usage errors
        return exc.code if isinstance(exc.code, int) else 1


def one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line on stderr, got:\n{err}"
    assert "Traceback" not in err
    return lines[0]


def assert_refused(argv: Sequence[object], root: Path, capsys, match: str) -> str:
    """Run the CLI in-process; assert the refusal and that `root` is exactly as before."""
    before = snapshot(root)
    capsys.readouterr()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # a warning would be more lines on a user's terminal
        code = run_main(argv)
    err = capsys.readouterr().err
    assert not caught, [str(warning.message) for warning in caught]
    assert code != 0, f"exit 0 for {argv}"
    line = one_line(err)
    assert re.search(match, line), f"{match!r} not in {line!r}"
    assert snapshot(root) == before, "files were left behind or an input changed"
    return line
