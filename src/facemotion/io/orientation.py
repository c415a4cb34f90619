"""Turning stored video frames upright: phones record portrait video as landscape frames plus a
display matrix (mp4 `tkhd`) that tells players to turn them. Decoders hand the frames over as
stored, so every reader must apply the matrix itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import av
import numpy as np


@dataclass(frozen=True)
class Orientation:
    """An axis-aligned display transform: transpose first (a quarter turn), then mirror.

    FFmpeg's display matrix maps a stored pixel (x, y) to the displayed (x', y') as
    x' = a x + c y, y' = b x + d y (libavutil/display.h; a, b, c, d are its entries 0, 1, 3, 4).
    With b = c = 0 the picture keeps its axes and is mirrored where a or d is negative; with
    a = d = 0 it is transposed, then mirrored where b (rows) or c (columns) is negative.
    A quarter turn counterclockwise (the usual phone matrix) is transpose + flip_rows.
    """

    transpose: bool = False
    flip_rows: bool = False  # upside down after the transpose
    flip_columns: bool = False  # left-right after the transpose

    @property
    def identity(self) -> bool:
        return not (self.transpose or self.flip_rows or self.flip_columns)

    @classmethod
    def from_matrix(cls, matrix: np.ndarray) -> Orientation:
        """From FFmpeg's 3x3 display matrix as 9 integers (16.16 fixed point, row-major).
        Matrices that are not a multiple of a quarter turn snap to the nearest one."""
        a, b, _, c, d = (float(value) for value in np.asarray(matrix).ravel()[:5])
        if abs(a) + abs(d) >= abs(b) + abs(c):
            return cls(transpose=False, flip_rows=d < 0, flip_columns=a < 0)
        return cls(transpose=True, flip_rows=b < 0, flip_columns=c < 0)

    @classmethod
    def from_degrees(cls, degrees: float) -> Orientation:
        """From a counterclockwise turn in degrees (the old `rotate` tag is clockwise: negate)."""
        turns = round(degrees / 90) % 4
        return (cls(), cls(True, True, False), cls(False, True, True), cls(True, False, True))[
            turns
        ]

    @classmethod
    def of_frame(cls, frame: av.VideoFrame, stream_metadata: Mapping[str, str]) -> Orientation:
        """The transform a decoded frame asks for: its DISPLAYMATRIX side data (FFmpeg copies the
        container's matrix onto every frame), else the stream's `rotate` tag that FFmpeg before
        5.0 exported, else none."""
        side_data = frame.side_data.get("DISPLAYMATRIX")
        if side_data is not None:
            return cls.from_matrix(np.frombuffer(bytes(side_data), dtype="<i4"))
        tag = stream_metadata.get("rotate")
        if tag:
            try:
                return cls.from_degrees(-float(tag))
            except ValueError:
                pass  # a malformed tag: the frames are shown as stored, like players do
        return cls()

    def upright_size(self, width: int, height: int) -> tuple[int, int]:
        """(width, height) of the upright frame for a stored one of (width, height)."""
        return (height, width) if self.transpose else (width, height)

    def apply(self, frame: np.ndarray) -> np.ndarray:
        """frame: (H, W, C) as stored -> the upright frame, (W, H, C) after a quarter turn;
        contiguous (the models and encoders want it so); the same array when upright."""
        if self.identity:
            return frame
        if self.transpose:
            frame = frame.transpose(1, 0, 2)
        if self.flip_rows:
            frame = frame[::-1]
        if self.flip_columns:
            frame = frame[:, ::-1]
        return np.ascontiguousarray(frame)
