"""A frame grid of drawn-mouth animation for docs/mouth.md: the carphone clip drives the cartoon
with a closed smile (benchmarks/cartoon.py); the row shows the driver and the result at the
driver's closed, half-open and widest mouth.

`python -m benchmarks.mouth_grid OUT.png` writes the row of the code on the path; docs/mouth.md
stacks the row of the code before a change over the one after it (`--stack BEFORE AFTER OUT`).
"""

from __future__ import annotations

import sys

import cv2
import numpy as np

from benchmarks.bench_follow import SIDE, _carphone, _face_square, series
from benchmarks.cartoon import cartoon_face
from facemotion.motion.landmark_model import LandmarkModel


def _label(tile: np.ndarray, text: str) -> np.ndarray:
    """The tile under a white strip captioned `text`."""
    strip = np.full((22, tile.shape[1], 3), 255, np.uint8)
    cv2.putText(strip, text, (6, 16), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (0, 0, 0), 1, cv2.LINE_AA)
    return np.concatenate([strip, tile], axis=0)


def _uint8(image: np.ndarray) -> np.ndarray:
    return (np.clip(image, 0.0, 1.0) * 255).round().astype(np.uint8)


def grid_row() -> np.ndarray:
    """(SIDE + 22, 4 * SIDE, 3) uint8 RGB, captioned: the driver at its widest mouth, then the
    result at the driver's closed, half-open and widest mouth."""
    frames = _carphone()
    opening = series(frames)[:, 0]
    order = np.argsort(np.where(np.isfinite(opening), opening, np.inf))
    finite = int(np.isfinite(opening).sum())
    closed, wide = int(order[0]), int(order[finite - 1])
    half = int(np.nanargmin(np.abs(opening - (opening[closed] + opening[wide]) / 2)))
    source = cartoon_face(SIDE, mouth="smile").astype(np.float32) / 255.0
    driving = [frame.astype(np.float32) / 255.0 for frame in frames]
    outputs = list(LandmarkModel().animate(source, driving))
    tiles = [_label(_uint8(_face_square(frames[wide], SIDE)), f"driver, frame {wide}")]
    for name, index in (("closed", closed), ("half", half), ("widest", wide)):
        tiles.append(_label(_uint8(outputs[index]), f"{name}, frame {index}"))
    return np.concatenate(tiles, axis=1)


def main(argv: list[str]) -> int:
    if argv[:1] == ["--stack"] and len(argv) == 4:
        rows = [cv2.imread(path) for path in argv[1:3]]
        cv2.imwrite(argv[3], np.concatenate(rows, axis=0))
        return 0
    if len(argv) != 1:
        print("usage: python -m benchmarks.mouth_grid OUT.png | --stack BEFORE AFTER OUT.png")
        return 2
    cv2.imwrite(argv[0], cv2.cvtColor(grid_row(), cv2.COLOR_RGB2BGR))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
