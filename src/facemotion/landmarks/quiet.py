"""Silence MediaPipe's native start-up logging.

MediaPipe's C++ graph writes set-up notes (TFLite delegate, absl and feedback-manager warnings)
straight to file descriptor 2 when a graph runs its first frame; neither Python's logging nor
GLOG/TF environment variables reach them. Pointing fd 2 at /dev/null around that first call
keeps a command's output to its own lines.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def native_stderr_silenced() -> Iterator[None]:
    """Within the block, writes to file descriptor 2 (from any thread) go to /dev/null."""
    sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # no fd 2 at all (a detached process): nothing to silence
        yield
        return
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
