"""What the animation pipeline needs from a model: FOMM networks and the landmark-driven default.

Every capability a caller may use is declared here; a model that lacks one implements it as
explicitly absent (a no-op check, `needs_source_face = False`, `last_report` None), so callers
never probe with hasattr. Progress and cancellation are the pipeline's `on_frame` callback, not
wrappers around a model.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np


@dataclass(frozen=True)
class PassReport:
    """What one `animate` pass saw: frames animated and driving frames whose face was lost
    (the model held the last pose for them)."""

    frames: int
    lost_frames: int


@runtime_checkable
class AnimationModel(Protocol):
    """A model that moves a still image with the motion of driving frames.

    `frame_size` is the square side the model works at (256 for the released FOMM models), or
    None when it works at the resolution of the source crop it is given (the landmark model).
    `needs_source_face`: the model finds face landmarks in the source, so a source without a
    face fails before any frame (`check_source`). `last_report`: the pass that ended last, or
    None for models that lose no driving frames.
    """

    name: str
    frame_size: int | None
    needs_source_face: bool

    @property
    def last_report(self) -> PassReport | None: ...

    def check_source(self, source: np.ndarray, points: np.ndarray | None = None) -> None:
        """Raise NoFaceError now, before any frame, if `source` (S, S', 3) float32 cannot be
        animated. points: (478, 3) pixel landmarks of the face chosen in `source`, used instead
        of a new search. Models that need nothing from the source accept any image."""
        ...

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
