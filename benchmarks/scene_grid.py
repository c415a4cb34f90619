"""The frame grid of docs/scene.md: portraits before textured scenes, animated by carphone,
at the driver's largest head turn and widest mouth, the surroundings following the driving
video (`scene="follow"`, before issue 21) and the scene still (the default).

`python -m benchmarks.scene_grid OUT.jpg` writes it: one row per source, columns source |
turn: follow | turn: still | mouth: follow | mouth: still, 256 px each, with a label strip.
`python -m benchmarks.scene_grid --fill OUT.jpg` writes the fill's grid: the background plate
and the still scene at the largest turn with the smooth fill (OpenCV's Telea inpainting, the
fill before) and the texture fill (the default), columns source | plate: smooth |
plate: texture | turn: smooth | turn: texture.
"""

from __future__ import annotations

import sys

import cv2
import numpy as np

from benchmarks.scenes import SCENES, in_front_of, people
from facemotion.motion.landmark_model import LandmarkModel, LandmarkOptions
from facemotion.motion.scene import SceneOptions

PAIRS = (("astronaut", "curtain"), ("grace_hopper", "window"), ("cartoon", "bokeh"))
OPEN_MOUTH_FRAME = 59  # carphone's widest "ah" (bench_follow)


def _carphone() -> list[np.ndarray]:
    from facemotion.assets import sample_path
    from facemotion.io.video import VideoReader

    with VideoReader(sample_path("carphone.mp4")) as reader:
        return [frame.astype(np.float32) / 255.0 for frame in reader]


def largest_turn(frames: list[np.ndarray]) -> int:
    """The driving frame whose head is turned farthest from its first frame's (yaw proxy)."""
    from facemotion.io.images import as_uint8_image
    from facemotion.landmarks import LandmarkTracker
    from facemotion.motion.expression import yaw_proxy

    yaws = []
    with LandmarkTracker() as tracker:
        for frame in frames:
            points, found = tracker(as_uint8_image(frame))
            yaws.append(yaw_proxy(points) if found else np.nan)
    yaws = np.array(yaws)
    return int(np.nanargmax(np.abs(yaws - yaws[0])))


def _label(text: str, width: int) -> np.ndarray:
    strip = np.full((22, width, 3), 255, np.uint8)
    cv2.putText(strip, text, (6, 16), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (0, 0, 0), 1, cv2.LINE_AA)
    return strip


def _frame_at(model: LandmarkModel, source: np.ndarray, frames: list, wanted: int) -> np.ndarray:
    for index, output in enumerate(model.animate(source, frames)):
        if index == wanted:
            return output
    raise ValueError(f"the driving clip has no frame {wanted}")


def _with_labels(rows: list[list[np.ndarray]], heads: list[str]) -> np.ndarray:
    """Cells (S, S, 3) float [0, 1], row by row, under a label strip: uint8 RGB."""
    image = np.concatenate(
        [np.concatenate([np.clip(c, 0, 1) for c in row], axis=1) for row in rows]
    )
    image = (image * 255 + 0.5).astype(np.uint8)
    side = image.shape[1] // len(heads)
    strip = np.concatenate([_label(head, side) for head in heads], axis=1)
    return np.concatenate([strip, image], axis=0)


def fill_grid() -> np.ndarray:
    """(22 + 256 * rows, 256 * 5, 3) uint8 RGB: the plates and the turn, smooth vs texture."""
    frames = _carphone()
    turn = largest_turn(frames)
    everyone = people()
    rows = []
    for name, scene in PAIRS:
        source = in_front_of(everyone[name], SCENES[scene]())
        plates, turned = [], []
        for fill in ("smooth", "texture"):
            model = LandmarkModel(LandmarkOptions(person=SceneOptions(fill=fill)))
            plates.append(model.person_layers(source).plate)
            turned.append(_frame_at(model, source, frames, turn))
        rows.append([source, *plates, *turned])
    heads = ["source", "plate: smooth", "plate: texture"]
    heads += [f"turn (frame {turn}): smooth", "turn: texture"]
    return _with_labels(rows, heads)


def grid() -> np.ndarray:
    """(22 + 256 * rows, 256 * 5, 3) uint8 RGB."""
    frames = _carphone()
    turn = largest_turn(frames)
    wanted = (turn, OPEN_MOUTH_FRAME)
    everyone = people()
    rows = []
    for name, scene in PAIRS:
        source = in_front_of(everyone[name], SCENES[scene]())
        shown = {}
        for mode in ("follow", "still"):
            model = LandmarkModel(LandmarkOptions(scene=mode))
            for index, output in enumerate(model.animate(source, frames)):
                if index in wanted:
                    shown[mode, index] = output
                if index >= max(wanted):
                    break
        rows.append([source] + [shown[mode, i] for i in wanted for mode in ("follow", "still")])
    heads = ["source", f"turn (frame {turn}): follow", "turn: still"]
    heads += [f"mouth (frame {OPEN_MOUTH_FRAME}): follow", "mouth: still"]
    return _with_labels(rows, heads)


def main(argv: list[str]) -> int:
    from facemotion.io.images import save_image

    if len(argv) == 2 and argv[0] == "--fill":
        save_image(fill_grid(), argv[1])
        return 0
    if len(argv) != 1:
        print("usage: python -m benchmarks.scene_grid [--fill] OUT.jpg")
        return 2
    save_image(grid(), argv[0])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
