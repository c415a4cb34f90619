"""How much memory this machine can still give a job, as the kernel reports it."""

from __future__ import annotations

import os
from pathlib import Path

MEMINFO = Path("/proc/meminfo")


def available_memory_bytes() -> int | None:
    """RAM a new allocation can get without swapping: Linux's MemAvailable (free memory plus
    reclaimable caches), else free pages from sysconf; None where neither is known."""
    try:
        for line in MEMINFO.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024  # the kernel writes kB
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # not a POSIX name on this system
        return None
