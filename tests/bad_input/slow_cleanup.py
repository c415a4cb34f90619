"""`python slow_cleanup.py MARKER ARGS...` runs `facemotion ARGS...` with a clean-up that
says when it has started and waits for the test: removing a temporary output first creates
MARKER, then waits (at most 60 s) until the test deletes it. A signal the test sends between
the two lands during the clean-up for sure."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from facemotion.cli import main
from facemotion.io import atomic

_remove = atomic._remove


def _remove_when_told(path: Path, marker: Path) -> None:
    marker.touch()
    deadline = time.monotonic() + 60
    while marker.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    _remove(path)


if __name__ == "__main__":
    marker = Path(sys.argv[1])
    atomic._remove = lambda path: _remove_when_told(path, marker)
    sys.exit(main(sys.argv[2:]))
