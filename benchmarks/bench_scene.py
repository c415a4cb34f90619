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
- default_fill_error: how far the background plate's fill is from the scene that was really
  behind the person (known here: the sources are composed), in the band a moving head may
  uncover (the person's part within HEAD_BAND face heights of the scene above the shoulders,
  BODY_BAND below): mean absolute difference, grey levels of 255, mean over the sources.
  A smooth fill can score well here by guessing the scene's mean colour, so also
  default_fill_texture: the fill's gradient energy (mean Sobel magnitude of its grey) over the
  true scene's in the same band, 1 when the fill is as textured as the scene (Telea's smooth
  fill is well below). default_fill_error_smooth / default_fill_texture_smooth: the same with
  the fill before (`SceneOptions.fill="smooth"`, OpenCV's Telea inpainting) in the same run.
  default_fill_seconds: the mean time to split a source into person and plate (the segmenter's
  confidence given), default_fill_vs_smooth_seconds its ratio to the smooth fill's.
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
from facemotion.motion.scene import PLATE_FILLS, PersonLayers, SceneOptions, person_opacity

# In face heights (forehead to chin): the driver's head moves up to ~0.4 face heights on
# carphone, the body 0.3 of that (SceneOptions.body_follow), faded at the image's border.
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
    from facemotion.landmarks.topology import CHIN

    points = detect_image_landmarks(source)
    height = _face_height(points)
    person = opacity > 0.02
    head = person.copy()
    head[int(points[CHIN, 1] + SHOULDERS_FACE_HEIGHTS * height) :] = False
    far = np.ones(person.shape, bool)
    for part, band in ((person, BODY_BAND), (head, HEAD_BAND)):
        distance = cv2.distanceTransform((~part).astype(np.uint8), cv2.DIST_L2, 5)
        far &= distance > band * height
    return far


def _face_height(points: np.ndarray) -> float:
    from facemotion.landmarks.topology import CHIN, FOREHEAD_TOP

    return float(np.hypot(*(points[CHIN, :2] - points[FOREHEAD_TOP, :2])))


def uncoverable_band(hole: np.ndarray, points: np.ndarray) -> np.ndarray:
    """(S, S) bool: the part of `hole` (the person as the model cut it out) a moving head may
    uncover: within HEAD_BAND face heights of the scene above the shoulders, BODY_BAND
    below. points: the source's landmarks (478, >=2) px."""
    from facemotion.landmarks.topology import CHIN

    height = _face_height(points)
    inside = cv2.distanceTransform(hole.astype(np.uint8), cv2.DIST_L2, 5)
    rows = np.arange(hole.shape[0])[:, None]
    above = rows < points[CHIN, 1] + SHOULDERS_FACE_HEIGHTS * height
    return hole & (inside <= np.where(above, HEAD_BAND, BODY_BAND) * height)


def _gradient_energy(image: np.ndarray, mask: np.ndarray) -> float:
    grey = cv2.cvtColor(np.asarray(image, np.float32), cv2.COLOR_RGB2GRAY)
    across = cv2.Sobel(grey, cv2.CV_32F, 1, 0, ksize=3)
    down = cv2.Sobel(grey, cv2.CV_32F, 0, 1, ksize=3)
    return float(np.hypot(across, down)[mask].mean())


def fill_quality(source: np.ndarray, scene: np.ndarray) -> dict[str, tuple[float, float, float]]:
    """Fill name -> (mean absolute error in grey levels against the true `scene` in the
    uncoverable band, gradient energy over the scene's there, seconds to build the layers)."""
    from facemotion.io.images import as_uint8_image
    from facemotion.landmarks import detect_image_landmarks
    from facemotion.landmarks.segmentation import segment_person

    points = detect_image_landmarks(source)
    confidence = segment_person(as_uint8_image(source))
    quality = {}
    for fill in PLATE_FILLS:
        options = SceneOptions(fill=fill)
        started = time.perf_counter()
        plate = PersonLayers(source, confidence, points, options).plate
        spent = time.perf_counter() - started
        band = uncoverable_band(person_opacity(confidence, points, options) > 0, points)
        error = float(np.abs(plate - scene)[band].mean() * 255.0)
        texture = _gradient_energy(plate, band) / max(_gradient_energy(scene, band), 1e-6)
        quality[fill] = (error, texture, spent)
    return quality


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
    rows, fills = [], []
    seconds = {"still": 0.0, "follow": 0.0}
    for name, person in people().items():
        for scene_name, scene in SCENES.items():
            truth = scene()
            source = in_front_of(person, truth)
            fills.append((f"{name} / {scene_name}", fill_quality(source, truth)))
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
    print(f"{'fill (error, texture, s)':28s}" + "".join(f"{fill:>22s}" for fill in PLATE_FILLS))
    for label, quality in fills:
        cells = "".join(
            f"{quality[f][0]:9.1f} {quality[f][1]:5.2f} {quality[f][2]:6.2f}" for f in PLATE_FILLS
        )
        print(f"{label:28s}{cells}")
    still = float(np.mean([row[2] for row in rows]))
    follow = float(np.mean([row[3] for row in rows]))
    frames = len(driving) * len(rows)

    def mean(fill: str, column: int) -> float:
        return float(np.mean([quality[fill][column] for _, quality in fills]))

    figures = {
        "default_background_change": still,
        "default_background_change_follow": follow,
        "default_background_change_ratio": still / follow,
        "default_fill_error": mean("texture", 0),
        "default_fill_error_smooth": mean("smooth", 0),
        "default_fill_texture": mean("texture", 1),
        "default_fill_texture_smooth": mean("smooth", 1),
        "default_fill_seconds": mean("texture", 2),
        "default_fill_vs_smooth_seconds": mean("texture", 2) / mean("smooth", 2),
        "default_scene_fps_256": frames / seconds["still"],
        "default_scene_vs_follow_fps": seconds["follow"] / seconds["still"],
    }
    print_figures(figures)
    return figures


if __name__ == "__main__":
    run()
