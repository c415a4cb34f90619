"""One-Euro filtering of per-frame channels, and filling of frames where no face was found.

One-Euro filter: Casiez, Roussel and Vogel, "1€ Filter: A Simple Speed-based Low-pass Filter
for Noisy Input in Interactive Systems", CHI 2012. A low-pass whose cutoff rises with the
signal's speed: steady poses lose their jitter, fast moves keep their timing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

DEFAULT_MIN_CUTOFF_HZ = 1.5
DEFAULT_BETA = 1.0
DERIVATIVE_CUTOFF_HZ = 1.0


def _alpha(cutoff_hz: np.ndarray | float, dt: float) -> np.ndarray | float:
    tau = 1.0 / (2.0 * math.pi * np.asarray(cutoff_hz))
    return 1.0 / (1.0 + tau / dt)


class OneEuroFilter:
    """A One-Euro filter over C independent channels, fed one frame at a time.

    min_cutoff_hz: the cutoff when the signal is still (lower = smoother, more lag). beta: how
    fast the cutoff rises with speed, per unit of the channel per second (higher = less lag).
    """

    def __init__(
        self,
        min_cutoff_hz: float = DEFAULT_MIN_CUTOFF_HZ,
        beta: float = DEFAULT_BETA,
        derivative_cutoff_hz: float = DERIVATIVE_CUTOFF_HZ,
    ) -> None:
        # written so that NaN fails (every comparison with NaN is false)
        if not (0 < min_cutoff_hz < math.inf and 0 <= beta < math.inf):
            raise ValueError(f"min_cutoff must be > 0 and beta >= 0, both finite; got "
                             f"{min_cutoff_hz}, {beta}")  # fmt: skip
        self.min_cutoff_hz = min_cutoff_hz
        self.beta = beta
        self.derivative_cutoff_hz = derivative_cutoff_hz
        self._value: np.ndarray | None = None
        self._speed: np.ndarray | None = None
        self._time: float | None = None

    def __call__(self, value: np.ndarray, time_s: float) -> np.ndarray:
        """Filter one frame: value (C,) at `time_s` seconds -> (C,)."""
        value = np.asarray(value, dtype=np.float64)
        if self._value is None or self._time is None:
            self._value, self._speed, self._time = value.copy(), np.zeros_like(value), time_s
            return value.copy()
        # Equal or reversed timestamps (a duplicated VFR frame) count as a very short step.
        dt = max(time_s - self._time, 1e-4)
        speed = (value - self._value) / dt
        self._speed = self._speed + _alpha(self.derivative_cutoff_hz, dt) * (speed - self._speed)
        cutoff = self.min_cutoff_hz + self.beta * np.abs(self._speed)
        self._value = self._value + _alpha(cutoff, dt) * (value - self._value)
        self._time = time_s
        return self._value.copy()


def smooth(
    values: np.ndarray,
    times_s: np.ndarray,
    min_cutoff_hz: float = DEFAULT_MIN_CUTOFF_HZ,
    beta: float = DEFAULT_BETA,
    *,
    in_place: bool = False,
) -> np.ndarray:
    """One-Euro filter a whole sequence: values (T, C), times_s (T,) seconds -> (T, C).
    in_place: write the result over `values` (a float64 array; each frame is read before it is
    written) instead of a new array."""
    values = np.asarray(values, dtype=np.float64)
    flat = values.reshape(len(values), -1)
    one_euro = OneEuroFilter(min_cutoff_hz, beta)
    out = flat if in_place else np.empty_like(flat)
    for t in range(len(flat)):
        out[t] = one_euro(flat[t], float(times_s[t]))
    return out.reshape(values.shape)


@dataclass(frozen=True)
class GapReport:
    """What `fill_gaps` did. interpolated / held: (T,) bool; gaps: (start, stop) of each run."""

    interpolated: np.ndarray
    held: np.ndarray
    gaps: tuple[tuple[int, int], ...]

    @property
    def long_gaps(self) -> tuple[tuple[int, int], ...]:
        return tuple(gap for gap in self.gaps if self.held[gap[0]])


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def fill_gaps(
    values: np.ndarray, detected: np.ndarray, max_gap: int, *, in_place: bool = False
) -> tuple[np.ndarray, GapReport]:
    """Fill frames without a face. values (T, ...) with anything in missing frames -> (T, ...).

    A run of at most `max_gap` missing frames between two detections is interpolated linearly;
    longer runs, and runs at the start or end of the clip, hold the nearest detected frame and
    are flagged `held`. in_place: fill `values` itself (a float array) instead of a copy.
    Raises ValueError if no frame is detected.
    """
    detected = np.asarray(detected, dtype=bool)
    if not detected.any():
        raise ValueError("no frame has a face")
    values = np.asarray(values)
    if in_place:
        filled = values
    else:
        filled = np.array(values, dtype=np.result_type(values.dtype, np.float32), copy=True)
    interpolated = np.zeros(len(detected), dtype=bool)
    held = np.zeros(len(detected), dtype=bool)
    gaps = _runs(~detected)
    for start, stop in gaps:
        before, after = start - 1, stop
        inside = before >= 0 and after < len(detected)
        if inside and stop - start <= max_gap:
            weights = (np.arange(start, stop) - before) / (after - before)
            shape = (-1,) + (1,) * (filled.ndim - 1)
            weights = weights.reshape(shape)
            filled[start:stop] = (1 - weights) * filled[before] + weights * filled[after]
            interpolated[start:stop] = True
        else:
            for t in range(start, stop):
                nearest = (
                    before
                    if (after >= len(detected) or (before >= 0 and t - before <= after - t))
                    else after
                )
                filled[t] = filled[nearest]
            held[start:stop] = True
    return filled, GapReport(interpolated=interpolated, held=held, gaps=tuple(gaps))
