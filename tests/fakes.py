"""Stand-in animation models for tests: the AnimationModel capabilities a model without face
landmarks has (declared, explicitly absent)."""

from __future__ import annotations

import numpy as np

from facemotion.models.base import PassReport


class FaceFreeModel:
    """Base of stand-in models: needs no source face, loses no driving frames."""

    needs_source_face = False

    @property
    def last_report(self) -> PassReport | None:
        return None

    def check_source(self, source: np.ndarray, points: np.ndarray | None = None) -> None:
        return None


class SourceModel(FaceFreeModel):
    """A stand-in model whose every frame is the source; it records the driving frames' shapes."""

    name = "source"
    frame_size = 16

    def __init__(self) -> None:
        self.shapes: list[tuple[int, ...]] = []

    def animate(self, source, driving, *, relative=True, adapt_scale=True):
        for frame in driving:
            self.shapes.append(frame.shape)
            yield source
