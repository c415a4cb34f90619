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
