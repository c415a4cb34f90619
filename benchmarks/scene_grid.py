"""The frame grid of docs/scene.md: portraits before textured scenes, animated by carphone,
at the driver's largest head turn and widest mouth, the surroundings following the driving
video (`scene="follow"`, before issue 21) and the scene still (the default).

`python -m benchmarks.scene_grid OUT.jpg` writes it: one row per source, columns source |
turn: follow | turn: still | mouth: follow | mouth: still, 256 px each, with a label strip.
"""

from __future__ import annotations

import sys

import cv2
import numpy as np

from benchmarks.scenes import SCENES, in_front_of, people
from facemotion.motion.landmark_model import LandmarkModel, LandmarkOptions

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
        cells = [source] + [shown[mode, index] for index in wanted for mode in ("follow", "still")]
        rows.append(np.concatenate([np.clip(cell, 0, 1) for cell in cells], axis=1))
    image = (np.concatenate(rows, axis=0) * 255 + 0.5).astype(np.uint8)
    heads = ["source", f"turn (frame {turn}): follow", "turn: still"]
    heads += [f"mouth (frame {OPEN_MOUTH_FRAME}): follow", "mouth: still"]
    side = image.shape[1] // len(heads)
    strip = np.concatenate([_label(head, side) for head in heads], axis=1)
    return np.concatenate([strip, image], axis=0)


def main(argv: list[str]) -> int:
    from facemotion.io.images import save_image

    if len(argv) != 1:
        print("usage: python -m benchmarks.scene_grid OUT.jpg")
        return 2
    save_image(grid(), argv[0])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
