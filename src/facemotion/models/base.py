"""What the animation pipeline needs from a model: FOMM networks and the landmark-driven default."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class AnimationModel(Protocol):
    """A model that moves a still image with the motion of driving frames.

    `frame_size` is the square side the model works at (256 for the released FOMM models), or
    None when it works at the resolution of the source crop it is given (the landmark model).
    """

    name: str
    frame_size: int | None

    def animate(
        self,
        source: np.ndarray,
        driving: Iterable[np.ndarray],
        *,
        relative: bool = True,
        adapt_scale: bool = True,
    ) -> Iterator[np.ndarray]:
        """Animate `source` with `driving`; the first driving frame is the relative reference.

        source: (H, W, 3) float32 RGB in [0, 1]. driving: frames (h, w, 3) float32 RGB in [0, 1]
        (FOMM models need h = w = frame_size). Yields one (H, W, 3) float32 frame per driving
        frame, lazily: a driving frame is read only when its result is asked for.
        """
        ...
