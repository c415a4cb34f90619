"""Per-frame arrays on disk: appended, read back whole, nothing left in the file system."""

from __future__ import annotations

import os

import numpy as np
import pytest

from facemotion.io.spill import FrameSpill, disk_array


def test_frames_come_back_in_order_as_one_array():
    spill = FrameSpill((4, 3))
    frames = [np.full((4, 3), t, np.float32) for t in range(5)]
    for frame in frames:
        spill.append(frame)
    stacked = spill.array()
    spill.close()  # the map outlives the file object
    assert stacked.shape == (5, 4, 3) and len(spill) == 5
    np.testing.assert_array_equal(stacked, np.stack(frames))
    with pytest.raises(ValueError, match="shape"):
        FrameSpill((4, 3)).append(np.zeros((3, 4)))
    assert FrameSpill((2,)).array().shape == (0, 2)


def test_disk_arrays_are_writable_zeros_with_no_name(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    array = disk_array((3, 478, 3))
    assert array.shape == (3, 478, 3) and array.dtype == np.float32 and not array.any()
    array[1] = 2.5
    assert array[1].sum() == 2.5 * 478 * 3
    spill = FrameSpill((2,))
    spill.append(np.ones(2))
    assert os.listdir(tmp_path) == []  # unlinked from the start: nothing to clean up
    spill.close()
