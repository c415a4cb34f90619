"""Whether the scene behind an animated portrait stays still (issue 21).

Sources: the astronaut, Grace Hopper (framed wide around the face, cut out with the bundled
segmenter) and the drawn cartoon (its plain backdrop keyed out), each laid over three
generated textured scenes (benchmarks/scenes.py: a striped curtain in folds, a window of
small panes before a sky, bokeh lights): nine 256x256 sources, driven by the carphone clip
(relative motion, the defaults), outputs rounded to uint8 as a PNG frame holds them.

- default_background_change: the mean absolute change from one frame to the next (grey levels
  of 255, over the three channels) inside the source's background away from the person:
  pixels farther than HEAD_BAND face heights (forehead to chin) from the person's head and
  than BODY_BAND from the rest of the person as laid in, which leaves out the person's edge
  and what a moving head may uncover. Mean over the sources. Target <= 1.0 (video coding
  noise on a still scene is ~1.3).
- default_background_change_follow: the same with `scene="follow"` (the surroundings moved
  with the driving video's optical flow, as before issue 21), measured in the same run: the
  baseline; default_background_change_ratio = still / follow.
- default_scene_fps_256: frames per second of the still-scene model on these sources (the
  segmentation and plate, once per source, included), and default_scene_vs_follow_fps its
  ratio to the flow-following model's in the same run.
"""

from __future__ import annotations

import time

import cv2
import numpy as np

from benchmarks.scenes import SCENES, in_front_of, people
from benchmarks.table import print_figures
from facemotion.motion.landmark_model import LandmarkModel, LandmarkOptions

# In face heights (forehead to chin): the driver's head moves up to ~0.4 face heights on
# carphone, the body a fifth of that (SceneOptions.body_follow).
HEAD_BAND, BODY_BAND = 0.5, 0.12
SHOULDERS_FACE_HEIGHTS = 0.4  # below the chin, where the head ends


def _carphone() -> list[np.ndarray]:
    from facemotion.assets import sample_path
    from facemotion.io.video import VideoReader

    with VideoReader(sample_path("carphone.mp4")) as reader:
        return [frame.astype(np.float32) / 255.0 for frame in reader]


def background_mask(source: np.ndarray, opacity: np.ndarray) -> np.ndarray:
    """(S, S) bool: the scene away from the person laid in with `opacity`: farther than
    BODY_BAND face heights from the person, and than HEAD_BAND from its part above the
    shoulders (what the moving head may uncover)."""
    from facemotion.landmarks import detect_image_landmarks
    from facemotion.landmarks.topology import CHIN, FOREHEAD_TOP

    points = detect_image_landmarks(source)
    height = float(np.hypot(*(points[CHIN, :2] - points[FOREHEAD_TOP, :2])))
    person = opacity > 0.02
    head = person.copy()
    head[int(points[CHIN, 1] + SHOULDERS_FACE_HEIGHTS * height) :] = False
    far = np.ones(person.shape, bool)
    for part, band in ((person, BODY_BAND), (head, HEAD_BAND)):
        distance = cv2.distanceTransform((~part).astype(np.uint8), cv2.DIST_L2, 5)
        far &= distance > band * height
    return far


def change_per_frame(model: LandmarkModel, source: np.ndarray, driving, mask) -> tuple:
    """(mean change in grey levels inside `mask` between consecutive uint8 frames, seconds)."""
    started = time.perf_counter()
    changes, previous = [], None
    for output in model.animate(source, driving):
        frame = np.clip(output * 255.0 + 0.5, 0, 255).astype(np.uint8).astype(np.int16)
        if previous is not None:
            changes.append(float(np.abs(frame - previous)[mask].mean()))
        previous = frame
    return float(np.mean(changes)), time.perf_counter() - started


def run() -> dict[str, float]:
    driving = _carphone()
    rows = []
    seconds = {"still": 0.0, "follow": 0.0}
    for name, person in people().items():
        for scene_name, scene in SCENES.items():
            source = in_front_of(person, scene())
            mask = background_mask(source, person[1])
            row = [f"{name} / {scene_name}", float(mask.mean())]
            for mode in ("still", "follow"):
                model = LandmarkModel(LandmarkOptions(scene=mode))
                change, spent = change_per_frame(model, source, driving, mask)
                seconds[mode] += spent
                row.append(change)
            rows.append(row)
    print(f"{'source':28s} {'measured':>9s} {'still':>8s} {'follow':>8s}")
    for label, share, still, follow in rows:
        print(f"{label:28s} {share:9.2f} {still:8.3f} {follow:8.3f}")
    still = float(np.mean([row[2] for row in rows]))
    follow = float(np.mean([row[3] for row in rows]))
    frames = len(driving) * len(rows)
    figures = {
        "default_background_change": still,
        "default_background_change_follow": follow,
        "default_background_change_ratio": still / follow,
        "default_scene_fps_256": frames / seconds["still"],
        "default_scene_vs_follow_fps": seconds["follow"] / seconds["still"],
    }
    print_figures(figures)
    return figures


if __name__ == "__main__":
    run()
