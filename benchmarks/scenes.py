"""Portraits in front of textured scenes, for the still-scene benchmark: the bundled people
(and the drawn cartoon) cut out and laid over generated scenes whose every part has texture,
so that any motion of the background shows."""

from __future__ import annotations

import cv2
import numpy as np

from benchmarks.cartoon import cartoon_face

SIDE = 256
CARTOON_BACKGROUND = (186, 214, 232)  # the cartoon's plain backdrop (benchmarks/cartoon.py)


def curtain(side: int = SIDE) -> np.ndarray:
    """(side, side, 3) float32: a striped curtain hanging in folds (the stripes wave with
    them, shaded darker in each fold's trough)."""
    y, x = np.mgrid[0:side, 0:side].astype(np.float32) / side
    fold = np.sin(2 * np.pi * 4 * x + 0.6 * np.sin(2 * np.pi * 1.5 * y))
    stripes = 0.5 + 0.5 * np.sin(2 * np.pi * 18 * (x + 0.012 * fold))
    shade = 0.7 + 0.3 * fold
    colour = np.stack([0.45 + 0.4 * stripes, 0.15 + 0.15 * stripes, 0.2 + 0.1 * stripes], axis=2)
    return np.clip(colour * shade[..., None], 0.0, 1.0).astype(np.float32)


def window(side: int = SIDE) -> np.ndarray:
    """(side, side, 3) float32: a window of small panes (dark frame bars) before a sky with
    clouds and a line of trees."""
    rng = np.random.default_rng(3)
    y, x = np.mgrid[0:side, 0:side].astype(np.float32) / side
    sky = np.stack([0.55 + 0.2 * y, 0.7 + 0.15 * y, 0.95 - 0.1 * y], axis=2)
    clouds = cv2.resize(rng.random((6, 6)).astype(np.float32), (side, side), cv2.INTER_CUBIC)
    image = sky + 0.25 * np.clip(clouds - 0.4, 0, 1)[..., None]
    trees = 0.62 + 0.05 * np.sin(2 * np.pi * 9 * x) + 0.03 * np.sin(2 * np.pi * 23 * x)
    image[y > trees] = (0.2, 0.4, 0.15)
    pane = side // 6
    bars = (np.arange(side)[:, None] % pane < 5) | (np.arange(side)[None, :] % pane < 5)
    image[bars] = (0.35, 0.22, 0.12)
    return np.clip(image, 0.0, 1.0).astype(np.float32)


def bokeh(side: int = SIDE) -> np.ndarray:
    """(side, side, 3) float32: out-of-focus lights, soft discs of many colours on a dark,
    graded ground."""
    rng = np.random.default_rng(7)
    y = np.mgrid[0:side, 0:side][0].astype(np.float32) / side
    image = np.stack([0.08 + 0.1 * y, 0.06 + 0.08 * y, 0.12 + 0.05 * y], axis=2)
    lights = np.zeros_like(image)
    for _ in range(60):
        centre = (int(rng.integers(0, side)), int(rng.integers(0, side)))
        radius = int(rng.integers(side // 40, side // 10))
        colour = tuple(float(c) for c in rng.uniform(0.3, 1.0, 3))
        disc = np.zeros_like(image)
        cv2.circle(disc, centre, radius, colour, -1, cv2.LINE_AA)
        lights = np.maximum(lights, disc * 0.8)
    lights = cv2.GaussianBlur(lights, (0, 0), 1.5)
    return np.clip(image + lights, 0.0, 1.0).astype(np.float32)


SCENES = {"curtain": curtain, "window": window, "bokeh": bokeh}


def _photo_person(name: str, side: int) -> tuple[np.ndarray, np.ndarray]:
    """A bundled photo framed wide around its face (side, side, 3) float32 and where its
    person is (side, side) float32 opacity (the bundled segmenter's confidence)."""
    from facemotion.assets import sample_path
    from facemotion.io.images import as_float_image, crop_to_box, load_image, resize_square
    from facemotion.landmarks import detect_image_landmarks
    from facemotion.landmarks.segmentation import segment_person
    from facemotion.motion.crop import face_box

    image = load_image(sample_path(name))
    box = face_box(detect_image_landmarks(image), image.shape[:2], scale=2.4)
    crop = resize_square(as_float_image(crop_to_box(image, box)).copy(), side)
    crop = np.clip(crop, 0.0, 1.0)
    return crop, segment_person(crop)


def _cartoon_person(side: int) -> tuple[np.ndarray, np.ndarray]:
    """The cartoon drawn at 0.7 of the side, standing on the bottom edge, and its opacity
    (every pixel that is not its plain backdrop)."""
    inner = round(0.7 * side)
    face = cartoon_face(inner).astype(np.float32) / 255.0
    backdrop = np.array(CARTOON_BACKGROUND, np.float32) / 255.0
    alpha = np.clip(np.abs(face - backdrop).max(axis=2) * 12.0, 0.0, 1.0)
    image = np.zeros((side, side, 3), np.float32)
    opacity = np.zeros((side, side), np.float32)
    left = (side - inner) // 2
    image[side - inner :, left : left + inner] = face
    opacity[side - inner :, left : left + inner] = alpha
    return image, opacity


def people(side: int = SIDE) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Name -> (image (side, side, 3) float32, person opacity (side, side) float32)."""
    return {
        "astronaut": _photo_person("astronaut.png", side),
        "grace_hopper": _photo_person("grace_hopper.jpg", side),
        "cartoon": _cartoon_person(side),
    }


def in_front_of(person: tuple[np.ndarray, np.ndarray], scene: np.ndarray) -> np.ndarray:
    """The person (image, opacity) laid over the scene (side, side, 3): float32 [0, 1]."""
    image, opacity = person
    alpha = opacity[..., None]
    return (alpha * image + (1.0 - alpha) * scene).astype(np.float32)
