"""Per-frame arrays kept on disk instead of in memory, so a capture's memory stays flat in the
clip's length: an unlinked temporary file, read back as a memory map.

A capture keeps ~11 kB of landmarks a frame (image and head frame, float32): ~1.2 GB for an
hour at 30 fps. Written here, they cost page cache that the system may drop, not memory the
process holds. The file has no name from the start (it disappears with the last map of it).
"""

from __future__ import annotations

import tempfile

import numpy as np


def disk_array(shape: tuple[int, ...], dtype: type = np.float32) -> np.ndarray:
    """A zero-filled, writable array of `shape` backed by an unlinked temporary file."""
    count = int(np.prod(shape))
    if count == 0:
        return np.zeros(shape, dtype)
    with tempfile.TemporaryFile(prefix="facemotion-") as file:
        file.truncate(count * np.dtype(dtype).itemsize)
        # The map keeps the file alive after it is closed here.
        return np.memmap(file, dtype=dtype, mode="r+", shape=shape)


class FrameSpill:
    """Arrays of one shape appended frame by frame to a temporary file; `array()` reads them
    back as one (T, *shape) memory map."""

    def __init__(self, shape: tuple[int, ...], dtype: type = np.float32) -> None:
        self.shape = tuple(shape)
        self.dtype = np.dtype(dtype)
        self._file = tempfile.TemporaryFile(prefix="facemotion-")
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def append(self, array: np.ndarray) -> None:
        """Add one frame's array (`shape`)."""
        array = np.ascontiguousarray(array, dtype=self.dtype)
        if array.shape != self.shape:
            raise ValueError(f"expected an array of shape {self.shape}, got {array.shape}")
        self._file.write(array.tobytes())
        self._count += 1

    def array(self) -> np.ndarray:
        """(T, *shape) of every appended frame, a read-only memory map of the file."""
        self._file.flush()
        if self._count == 0:
            return np.zeros((0, *self.shape), self.dtype)
        return np.memmap(self._file, dtype=self.dtype, mode="r", shape=(self._count, *self.shape))

    def close(self) -> None:
        """Close the file (maps made by `array()` stay valid)."""
        self._file.close()
