"""How well the default model's results follow the driver's expression and head turn.

Pairs built from the bundled media: the carphone clip drives each source (a square around
its face at 256 px unless said): the astronaut, Grace Hopper, Grace Hopper mirrored, the
astronaut at 128 px (rescaled), a drawn cartoon face whose mouth is drawn closed
(benchmarks/cartoon.py), and carphone's own frame 59, whose mouth is wide open. The results
are measured with the project's landmark layer, as the driver is:

- default_follow_mouth_r, default_follow_eyes_r, default_follow_yaw_r: Pearson r between the
  driver's and the result's mouth opening, eye openness (both eyes' mean) and yaw
  (facemotion.motion.expression), over the frames where both faces are found; mean over the
  pairs. Targets: >= 0.8, >= 0.7, >= 0.9.
- default_follow_gaze_r, default_follow_brows_r: the same for the gaze sideways (both
  irises' mean offset from their eye's corners, in eye widths) and the brows' height (both
  brows' mean, over the eye line). No target: the driver's gaze moves little on carphone,
  so the gaze r says whether the result's gaze follows at all, not how finely.
- default_follow_mouth_gain: the result's mouth-opening range (95th - 5th percentile) over the
  driver's, in face units, mean over the pairs (1 when the source opens as far as the driver).

- default_follow_mouth_r_drawn, default_follow_mouth_gain_drawn: the mouth r and gain of a
  seventh pair, not in the means above: the cartoon face with a closed smile drawn as a
  curved line (benchmarks/cartoon.py, mouth='smile'). Target r >= 0.8.

The same figures with `expression="relative"` (every lip and lid landmark moved by the
driver's displacement from its first frame), measured in the same run, end in `_relative`.

- default_follow_eyes_r_shut: the eye openness r for the astronaut with both eyes warped shut
  (the project's own warp lays each upper lid onto the lower one): whether the eyes drawn for
  a shut source open and close with the driver's as the landmark layer sees them. Not in the
  means above.

The same figures with `scene="follow"` (the surroundings moved with the driving video's flow,
as before issue 21's still scene), measured in the same run, end in `_scene_follow`: the
re-tracked brows, gaze and eyes also read the scene around the face (a still scene shows its
fill where the head uncovers it), so the still scene's figures are judged against these.

- default_follow_brows_r_plain, default_follow_brows_r_plain_scene_follow: the brows r of the
  default (still scene) and of `scene="follow"` with everything around the person replaced
  by one grey in both (outside the still scene's warped person opacity of the same frame,
  `PersonLayers.last_opacity`, used for both), mean over the photo pairs: the re-tracked brows
  read the scene around the head too (the fill the still scene shows where the head uncovers
  it, the scene the flow drags along), so this compares the person alone.

The self-reconstruction error (default_selfrecon_l1) is measured by bench_default.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from benchmarks.cartoon import cartoon_face
from benchmarks.table import print_figures
from facemotion.motion.expression import measure, yaw_proxy
from facemotion.motion.landmark_model import LandmarkModel, LandmarkOptions

SIDE = 256
OPEN_MOUTH_FRAME = 59  # carphone's widest "ah"
DRAWN = "cartoon_smile"  # the drawn-mouth pair, measured apart from the means
GREY = 0.5  # the plain ground of default_follow_brows_r_plain


def _carphone() -> list[np.ndarray]:
    from facemotion.assets import sample_path
    from facemotion.io.video import VideoReader

    with VideoReader(sample_path("carphone.mp4")) as reader:
        return [np.asarray(frame) for frame in reader]


def _face_square(image: np.ndarray, side: int) -> np.ndarray:
    """(side, side, 3) float32: the square around the image's face, as `--crop auto` takes it."""
    from facemotion.landmarks import detect_image_landmarks
    from facemotion.motion.crop import face_box
    from facemotion.pipeline.animate import fit_frame

    points = detect_image_landmarks(image)
    return fit_frame(image, side, face_box(points, image.shape[:2]))


def sources(frames: list[np.ndarray]) -> dict[str, np.ndarray]:
    """The benchmark's source images by name: (S, S, 3) float32 [0, 1]."""
    from facemotion.assets import sample_path
    from facemotion.io.images import load_image

    astronaut = load_image(sample_path("astronaut.png"))
    grace = load_image(sample_path("grace_hopper.jpg"))
    return {
        "astronaut": _face_square(astronaut, SIDE),
        "grace_hopper": _face_square(grace, SIDE),
        "grace_hopper_mirrored": _face_square(np.ascontiguousarray(grace[:, ::-1]), SIDE),
        "astronaut_128": _face_square(astronaut, 128),
        "cartoon": cartoon_face(SIDE).astype(np.float32) / 255.0,
        "carphone_open_mouth": _face_square(frames[OPEN_MOUTH_FRAME], SIDE),
        DRAWN: cartoon_face(SIDE, mouth="smile").astype(np.float32) / 255.0,
    }


def series(frames: list[np.ndarray]) -> np.ndarray:
    """(T, 5) mouth opening, eye openness, yaw, gaze sideways and brow height per frame (NaN
    where no face is found);
    frames: (H, W, 3) uint8 or float32 [0, 1], tracked as a video."""
    from facemotion.io.images import as_uint8_image
    from facemotion.landmarks import LandmarkTracker

    rows = []
    with LandmarkTracker() as tracker:
        for frame in frames:
            points, found = tracker(as_uint8_image(frame))
            if not found:
                rows.append((np.nan,) * 5)
                continue
            expression = measure(points)
            eyes = (expression.eye_open_right + expression.eye_open_left) / 2
            gaze = (expression.gaze_right[0] + expression.gaze_left[0]) / 2
            brows = (expression.brow_right + expression.brow_left) / 2
            rows.append((expression.mouth_open, eyes, yaw_proxy(points), gaze, brows))
    return np.array(rows)


def _pearson(a: np.ndarray, b: np.ndarray) -> float:
    keep = np.isfinite(a) & np.isfinite(b)
    a, b = a[keep] - a[keep].mean(), b[keep] - b[keep].mean()
    return float((a * b).sum() / max(np.sqrt((a * a).sum() * (b * b).sum()), 1e-12))


def _spread(values: np.ndarray) -> float:
    values = values[np.isfinite(values)]
    return float(np.percentile(values, 95) - np.percentile(values, 5))


def follow_figures(
    model_factory: Callable[[], LandmarkModel], verbose: bool = True, suffix: str = ""
) -> dict[str, float]:
    """The follow figures of the model `model_factory` builds (a fresh one per pair)."""
    frames = _carphone()
    driving = [frame.astype(np.float32) / 255.0 for frame in frames]
    driver = series(frames)
    rows = []
    for name, source in sources(frames).items():
        outputs = list(model_factory().animate(source, driving))
        result = series(outputs)
        rows.append(
            (
                name,
                *(_pearson(driver[:, k], result[:, k]) for k in range(5)),
                _spread(result[:, 0]) / _spread(driver[:, 0]),
                int(np.isnan(result[:, 0]).sum()),
            )
        )
    if verbose:
        heads = ("mouth r", "eyes r", "yaw r", "gaze r", "brows r")
        print(f"{'pair':24s} " + " ".join(f"{h:>8s}" for h in heads) + f" {'gain':>6s} lost")
        for name, *values, gain, lost in rows:
            print(
                f"{name:24s} " + " ".join(f"{v:8.3f}" for v in values) + f" {gain:6.2f} {lost:4d}"
            )
    table = np.array([row[1:7] for row in rows if row[0] != DRAWN], dtype=np.float64)
    mean = table.mean(axis=0)
    names = ("mouth_r", "eyes_r", "yaw_r", "gaze_r", "brows_r", "mouth_gain")
    figures = {
        f"default_follow_{name}{suffix}": float(value)
        for name, value in zip(names, mean, strict=True)
    }
    drawn = next(row for row in rows if row[0] == DRAWN)
    figures[f"default_follow_mouth_r_drawn{suffix}"] = float(drawn[1])
    figures[f"default_follow_mouth_gain_drawn{suffix}"] = float(drawn[6])
    return figures


def plain_brows(verbose: bool = True) -> dict[str, float]:
    """default_follow_brows_r_plain and ..._scene_follow (see the module)."""
    frames = _carphone()
    driving = [frame.astype(np.float32) / 255.0 for frame in frames]
    driver = series(frames)
    figures: dict[str, list[float]] = {"still": [], "follow": []}
    for name, source in sources(frames).items():
        if name == DRAWN:
            continue
        model = LandmarkModel()
        layers = model.person_layers(source)  # the one animate uses (remembered per source)
        still, opacity = [], []
        for output in model.animate(source, driving):
            still.append(output)
            seen = layers.last_opacity if layers.last_opacity is not None else layers.layer[..., 3]
            opacity.append(seen[..., None].copy())
        follow = LandmarkModel(LandmarkOptions(scene="follow")).animate(source, driving)
        row = []
        for mode, outputs in (("still", still), ("follow", follow)):
            plain = [o * a + GREY * (1.0 - a) for o, a in zip(outputs, opacity, strict=True)]
            figures[mode].append(_pearson(driver[:, 4], series(plain)[:, 4]))
            row.append(f"{mode} {figures[mode][-1]:.3f}")
        if verbose:
            print(f"{name:24s} brows r on a plain ground: " + ", ".join(row))
    return {
        "default_follow_brows_r_plain": float(np.mean(figures["still"])),
        "default_follow_brows_r_plain_scene_follow": float(np.mean(figures["follow"])),
    }


def shut_eyes(image: np.ndarray) -> np.ndarray:
    """The face of `image` (S, S, 3) float32 with both eyes shut: warped (the landmark warp) so
    that each upper lid lies on the lower one, the iris under it."""
    from facemotion.io.images import as_uint8_image
    from facemotion.landmarks import detect_image_landmarks
    from facemotion.motion.expression import (
        LEFT_LOWER_LID,
        LEFT_UPPER_LID,
        RIGHT_LOWER_LID,
        RIGHT_UPPER_LID,
    )
    from facemotion.motion.warp import backward_map, remap, source_points, warp_layout

    points = detect_image_landmarks(as_uint8_image(image)).astype(np.float64)
    shut = points.copy()
    for upper, lower, iris in (
        (RIGHT_UPPER_LID, RIGHT_LOWER_LID, range(468, 473)),
        (LEFT_UPPER_LID, LEFT_LOWER_LID, range(473, 478)),
    ):
        shut[list(upper), :2] = points[list(lower), :2]
        shut[list(iris), 1] = points[list(lower), 1].mean()
    layout = warp_layout(points)
    shape = image.shape[:2]
    map_x, map_y = backward_map(
        source_points(shut, layout, shape), source_points(points, layout, shape), layout, shape
    )
    return remap(image, map_x, map_y)


def shut_figures(verbose: bool = True) -> dict[str, float]:
    """default_follow_eyes_r_shut (see the module)."""
    frames = _carphone()
    driver = series(frames)
    source = shut_eyes(sources(frames)["astronaut"])
    outputs = list(LandmarkModel().animate(source, [f.astype(np.float32) / 255.0 for f in frames]))
    result = series(outputs)
    figure = _pearson(driver[:, 1], result[:, 1])
    if verbose:
        print(
            f"astronaut, eyes shut: eyes r {figure:.3f}, eye openness of the source's "
            f"shut eyes {np.nanmin(result[:, 1]):.3f}..{np.nanmax(result[:, 1]):.3f}"
        )
    return {"default_follow_eyes_r_shut": figure}


def run() -> dict[str, float]:
    figures = shut_figures()
    figures |= follow_figures(LandmarkModel)
    relative = LandmarkOptions(expression="relative")
    print("expression='relative':")
    figures |= follow_figures(lambda: LandmarkModel(relative), suffix="_relative")
    print("scene='follow':")
    follow_scene = LandmarkOptions(scene="follow")
    figures |= follow_figures(lambda: LandmarkModel(follow_scene), suffix="_scene_follow")
    figures |= plain_brows()
    print_figures(figures)
    return figures


if __name__ == "__main__":
    run()
