"""Frame grids of drawn-mouth animation for docs/mouth.md: the carphone clip drives the cartoon
with a closed smile (benchmarks/cartoon.py); the row shows the driver and the result at the
driver's closed, half-open and widest mouth. With `--lookalikes`, the row shows the mouths of
statues and dolls made from the samples (benchmarks/lookalikes.py) and of a JPEG cartoon at the
driver's widest mouth: photos' mouths for the first, a drawn one for the last.

`python -m benchmarks.mouth_grid [--lookalikes] OUT.png` writes the row of the code on the
path; docs/mouth.md stacks the row of the code before a change over the one after it
(`--stack BEFORE AFTER OUT`).
"""

from __future__ import annotations

import sys

import cv2
import numpy as np

from benchmarks.bench_follow import SIDE, _carphone, _face_square, series
from benchmarks.cartoon import cartoon_face
from benchmarks.lookalikes import LOOKALIKES, jpeg
from facemotion.motion.landmark_model import LandmarkModel


def _label(tile: np.ndarray, text: str) -> np.ndarray:
    """The tile under a white strip captioned `text`."""
    strip = np.full((22, tile.shape[1], 3), 255, np.uint8)
    cv2.putText(strip, text, (6, 16), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (0, 0, 0), 1, cv2.LINE_AA)
    return np.concatenate([strip, tile], axis=0)


def _uint8(image: np.ndarray) -> np.ndarray:
    return (np.clip(image, 0.0, 1.0) * 255).round().astype(np.uint8)


def _closed_half_wide(frames: list[np.ndarray]) -> tuple[int, int, int]:
    """The frames where the driver's mouth is closed, half-open and widest open."""
    opening = series(frames)[:, 0]
    order = np.argsort(np.where(np.isfinite(opening), opening, np.inf))
    finite = int(np.isfinite(opening).sum())
    closed, wide = int(order[0]), int(order[finite - 1])
    half = int(np.nanargmin(np.abs(opening - (opening[closed] + opening[wide]) / 2)))
    return closed, half, wide


def grid_row() -> np.ndarray:
    """(SIDE + 22, 4 * SIDE, 3) uint8 RGB, captioned: the driver at its widest mouth, then the
    result at the driver's closed, half-open and widest mouth."""
    frames = _carphone()
    closed, half, wide = _closed_half_wide(frames)
    source = cartoon_face(SIDE, mouth="smile").astype(np.float32) / 255.0
    driving = [frame.astype(np.float32) / 255.0 for frame in frames]
    outputs = list(LandmarkModel().animate(source, driving))
    tiles = [_label(_uint8(_face_square(frames[wide], SIDE)), f"driver, frame {wide}")]
    for name, index in (("closed", closed), ("half", half), ("widest", wide)):
        tiles.append(_label(_uint8(outputs[index]), f"{name}, frame {index}"))
    return np.concatenate(tiles, axis=1)


def lookalike_row(tile: int = 160) -> np.ndarray:
    """(tile * 3 // 4 + 22, 5 * tile, 3) uint8 RGB, captioned: the mouth of each source (statues
    and dolls of the samples, a cartoon saved as JPEG at 85; each the square around its face at
    SIDE px, as `--crop auto` takes it) driven by carphone, at the driver's widest mouth."""
    from facemotion.assets import sample_path
    from facemotion.io.images import load_image
    from facemotion.landmarks.topology import LIPS_OUTER

    frames = _carphone()
    _, _, wide = _closed_half_wide(frames)
    carphone = cv2.resize(frames[0], None, fx=3, fy=3, interpolation=cv2.INTER_CUBIC)
    grace = load_image(sample_path("grace_hopper.jpg"))
    astronaut = load_image(sample_path("astronaut.png"))
    sources = {
        "carphone statue": LOOKALIKES["polished statue"](carphone),
        "carphone doll, even": LOOKALIKES["evenly lit doll"](carphone),
        "Grace statue, even": LOOKALIKES["evenly lit statue"](grace),
        "astronaut doll, even": LOOKALIKES["evenly lit doll"](astronaut),
    }
    squares = {name: _face_square(image, SIDE) for name, image in sources.items()}
    squares["cartoon, JPEG 85"] = jpeg(cartoon_face(SIDE, mouth="smile"), 85) / np.float32(255)
    driving = [frames[index].astype(np.float32) / 255.0 for index in (0, wide)]
    tiles = []
    for name, source in squares.items():
        model = LandmarkModel()
        output = list(model.animate(source, driving))[-1]
        lips = model.source_landmarks(source)[LIPS_OUTER, :2]
        centre, width = lips.mean(axis=0), np.ptp(lips[:, 0])
        x0, y0 = np.round(centre - (0.8 * width, 0.45 * width)).astype(int)
        x1, y1 = np.round(centre + (0.8 * width, 0.75 * width)).astype(int)
        crop = _uint8(output[max(y0, 0) : y1, max(x0, 0) : x1])
        tiles.append(_label(cv2.resize(crop, (tile, tile * 3 // 4)), name))
    return np.concatenate(tiles, axis=1)


def main(argv: list[str]) -> int:
    if argv[:1] == ["--stack"] and len(argv) == 4:
        rows = [cv2.imread(path) for path in argv[1:3]]
        cv2.imwrite(argv[3], np.concatenate(rows, axis=0))
        return 0
    if argv[:1] == ["--lookalikes"] and len(argv) == 2:
        cv2.imwrite(argv[1], cv2.cvtColor(lookalike_row(), cv2.COLOR_RGB2BGR))
        return 0
    if len(argv) != 1:
        print(
            "usage: python -m benchmarks.mouth_grid [--lookalikes] OUT.png | "
            "--stack BEFORE AFTER OUT.png"
        )
        return 2
    cv2.imwrite(argv[0], cv2.cvtColor(grid_row(), cv2.COLOR_RGB2BGR))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
