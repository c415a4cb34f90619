"""Capture from landmarks: head pose, ARKit blendshapes, smoothing, the per-frame solver.

The job that reads a video and returns a `Capture` is `facemotion.pipeline.capture.capture`.
The public API spells it `facemotion.capture("clip.mp4")`, which is this package's name too,
so the package is made callable: calling it runs that job. (A module's class may be replaced
by a ModuleType subclass, which is how a module gets a __call__.)
"""

from __future__ import annotations

import sys
import types
from typing import Any


class _CallablePackage(types.ModuleType):
    def __call__(self, video: Any, **options: Any) -> Any:
        from facemotion.pipeline.capture import capture

        return capture(video, **options)


sys.modules[__name__].__class__ = _CallablePackage
