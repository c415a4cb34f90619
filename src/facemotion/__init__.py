"""facemotion: markerless facial motion capture and image animation.

Public API (re-exports only): `load_model`, `animate`, `animate_video`, `capture`, and for many
files `capture_batch`, `prepare_batch`, `animate_batch`.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# Re-exports resolve on first use, so `import facemotion` and `facemotion --help` stay fast
# (torch and MediaPipe load only when a job needs them).
_EXPORTS = {
    "load_model": "facemotion.pipeline.load",
    "animate": "facemotion.pipeline.animate",
    "animate_video": "facemotion.pipeline.animate",
    "capture": "facemotion.pipeline.capture",
    "capture_batch": "facemotion.batch.api",
    "prepare_batch": "facemotion.batch.api",
    "animate_batch": "facemotion.batch.api",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'facemotion' has no attribute '{name}'")
