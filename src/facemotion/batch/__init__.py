"""Many files in one call: batch capture, prepare and animate, in this process, in local
worker processes or as Ray tasks (facemotion.batch.api).

Names resolve on first use, so the commands can read `facemotion.batch.inputs` without
loading the pipelines.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "capture_batch": "facemotion.batch.api",
    "prepare_batch": "facemotion.batch.api",
    "animate_batch": "facemotion.batch.api",
    "BatchReport": "facemotion.batch.report",
    "FileResult": "facemotion.batch.report",
    "FilesFailed": "facemotion.batch.report",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'facemotion.batch' has no attribute '{name}'")
