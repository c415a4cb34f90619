"""Turn a folder of arbitrary videos into the FOMM training layout.

Each video becomes OUT/train/<name>/ or OUT/test/<name>/: a folder of PNG frames (random
access for the two-frame sampler, no re-encoding loss), square, resized to `size`. With
crop='face' one square per clip contains every frame's face (the VoxCeleb preprocessing kept
the crop fixed over a clip too), found with facemotion.landmarks; crop='center' takes the
centred square.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from facemotion.errors import InputError
from facemotion.io.atomic import atomic_output, output_dir
from facemotion.io.images import center_box, crop_to_box, resize_square
from facemotion.train.data import VideoEntry, iter_frames, probe, stable_fraction


@dataclass
class Prepared:
    name: str
    split: str
    frames: int
    skipped: str | None = None  # why, when the video was not written


def face_square(frames: Iterator[np.ndarray], margin: float = 0.6) -> tuple[int, int, int] | None:
    """(x0, y0, side) of a square around the union of the clip's face boxes, grown by
    `margin` of the face size on every side (head and some shoulder, as FOMM's crops); None
    when no frame has a face."""
    from facemotion.landmarks import detect_landmarks

    low, high = np.array([np.inf, np.inf]), np.array([-np.inf, -np.inf])
    for points, detected in detect_landmarks(frames):
        if detected:
            low = np.minimum(low, points[:, :2].min(0))
            high = np.maximum(high, points[:, :2].max(0))
    if not np.isfinite(low).all():
        return None
    centre, extent = (low + high) / 2, float((high - low).max())
    side = int(round(extent * (1 + 2 * margin)))
    return int(round(centre[0] - side / 2)), int(round(centre[1] - side / 2)), max(side, 2)


def prepare_video(
    entry: VideoEntry, out: Path, size: int, test_fraction: float, crop_mode: str
) -> Prepared:
    """Write one video as a folder of `size` x `size` PNGs under out/train or out/test."""
    split = "test" if stable_fraction(entry.path.stem) < test_fraction else "train"
    if entry.frame_count < 2:
        return Prepared(entry.path.name, split, 0, "fewer than 2 frames")
    box = center_box(*entry.size)
    if crop_mode == "face":
        box = face_square(iter_frames(entry))
        if box is None:
            return Prepared(entry.path.name, split, 0, "no face found")
    target = out / split / entry.path.stem  # atomic_output makes (and on failure removes) split/
    count = 0
    with atomic_output(target) as tmp:  # a directory: renamed into place when complete
        tmp.mkdir()
        for count, frame in enumerate(iter_frames(entry), start=1):
            image = Image.fromarray(
                resize_square(np.ascontiguousarray(crop_to_box(frame, box)), size)
            )
            image.save(tmp / f"{count - 1:06d}.png", compress_level=1)
    return Prepared(entry.path.name, split, count)


def prepare(
    source: str | Path,
    out: str | Path,
    *,
    size: int = 256,
    test_fraction: float = 0.1,
    crop_mode: str = "face",
    on_video: Callable[[Prepared], None] | None = None,
) -> list[Prepared]:
    """Every video in `source` (files or frame folders) into the layout under `out`."""
    source, out = Path(source), Path(out)
    if not source.is_dir():
        raise InputError(f"{source} is not a folder of videos")
    entries = [e for e in (probe(p) for p in sorted(source.iterdir())) if e is not None]
    if not entries:
        raise InputError(f"{source} holds no video (mp4, mov, gif, ... or folders of frames)")
    results = []
    with output_dir(out):
        for entry in entries:
            result = prepare_video(entry, out, size, test_fraction, crop_mode)
            results.append(result)
            if on_video is not None:
                on_video(result)
    return results
