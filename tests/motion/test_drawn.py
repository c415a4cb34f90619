"""Drawn faces: told from photos by their flat colours (and photos of statues and dolls, smooth
and evenly lit, are still photos); a drawn closed smile opens with the driver into a flat drawn
interior, closes back into the same smile, and photos are untouched. Measured on the pixels
(ink, dark area, flat colours), not the model's landmarks."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from benchmarks.cartoon import cartoon_face
from benchmarks.lookalikes import LOOKALIKES, jpeg

from facemotion.assets import sample_path
from facemotion.io.images import load_image
from facemotion.io.video import VideoReader
from facemotion.landmarks import detect_image_landmarks
from facemotion.landmarks.topology import LIPS_OUTER
from facemotion.motion.drawn import flat_share, is_drawing
from facemotion.motion.expression import face_axes, measure
from facemotion.motion.landmark_model import LandmarkModel, LandmarkOptions
from facemotion.motion.mesh import face_topology
from facemotion.motion.mouth import MouthFill, MouthOptions, drawn_interior, ink
from facemotion.motion.smile import corner_weights, set_corners
from tests.motion.landmark_faces import (
    SIZE,
    ScriptedTracker,
    closed_mouth_landmarks,
    open_mouth_landmarks,
    textured_image,
)

SKIN = (0.93, 0.77, 0.64)
INK = (0.43, 0.16, 0.16)
BACKGROUND = (0.73, 0.84, 0.91)
_UPPER_INNER = [78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308]


def _smiling(points: np.ndarray, lift: float = -0.16, wider: float = 0.18) -> np.ndarray:
    """The face (478, 3) px with its corners raised by -lift and the mouth `wider` (face
    units): a closed smile."""
    axes = face_axes(points)
    local = axes.local(points[:, :2])
    before = measure(points)
    set_corners(local, corner_weights(local), before.mouth_width + wider, before.corner_lift + lift)
    moved = points.copy()
    moved[:, :2] = axes.origin + axes.scale * local @ np.stack([axes.x, axes.y])
    return moved


def _cartoon(marks: np.ndarray) -> np.ndarray:
    """(SIZE, SIZE, 3) float32: a flat-coloured face (skin in the oval) whose closed mouth is
    a curved ink line along the inner upper lip, drawn at 4x and shrunk."""
    big = np.empty((4 * SIZE, 4 * SIZE, 3), np.float32)
    big[:] = BACKGROUND
    oval = marks[face_topology().oval, :2] * 4
    cv2.fillPoly(big, [np.round(oval).astype(np.int32)], SKIN)
    line = marks[_UPPER_INNER, :2] * 4
    cv2.polylines(big, [np.round(line).astype(np.int32)], False, INK, 8)
    return cv2.resize(big, (SIZE, SIZE), interpolation=cv2.INTER_AREA)


def _run(source: np.ndarray, marks: np.ndarray, driving: list[np.ndarray]) -> list[np.ndarray]:
    options = LandmarkOptions(smoothing=False, settle_calls=0, body_motion=False)
    model = LandmarkModel(
        options,
        tracker_factory=lambda: ScriptedTracker([(points, True) for points in driving]),
        source_detector=lambda _: marks,
    )
    return list(model.animate(source, [np.zeros((SIZE, SIZE, 3), np.float32)] * len(driving)))


def _mouth_box(marks: np.ndarray) -> tuple[slice, slice]:
    """The region around the source's mouth, tall enough for the opened one."""
    lips = marks[LIPS_OUTER, :2]
    width = np.ptp(lips[:, 0])
    x0, x1 = lips[:, 0].min() - 0.2 * width, lips[:, 0].max() + 0.2 * width
    y0, y1 = lips[:, 1].min() - 0.3 * width, lips[:, 1].max() + 0.8 * width
    return slice(int(y0), int(y1)), slice(int(x0), int(x1))


def _lightness(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(np.ascontiguousarray(image, np.float32), cv2.COLOR_RGB2Lab)[..., 0]


def _ink_ends_lift(image: np.ndarray, box: tuple[slice, slice]) -> float:
    """How far (px) the drawn line's two ends lie above its middle: the ink's (dark pixels')
    mean height in the outer fifths of its extent against the middle fifth."""
    dark = _lightness(image[box]) < 45
    ys, xs = np.nonzero(dark)
    left, right = xs.min(), xs.max()
    fifth = (right - left) / 5
    ends = ys[(xs < left + fifth) | (xs > right - fifth)].mean()
    middle = ys[np.abs(xs - (left + right) / 2) < fifth / 2].mean()
    return float(middle - ends)


@pytest.fixture(scope="module")
def drawn_scene():
    neutral = closed_mouth_landmarks()
    marks = _smiling(closed_mouth_landmarks())
    source = _cartoon(marks)
    opened = open_mouth_landmarks(degrees=16.0)
    frames = _run(source, marks, [neutral, neutral, opened, opened, neutral, neutral])
    return source, marks, frames


def test_flat_colours_tell_a_drawing_from_a_photo():
    marks = _smiling(closed_mouth_landmarks())
    oval = marks[face_topology().oval, :2]
    assert flat_share(_cartoon(marks), oval) > 0.8
    assert is_drawing(_cartoon(marks), marks)
    photo = 0.5 + 0.5 * textured_image()
    grain = np.random.default_rng(1).normal(0, 0.01, photo.shape).astype(np.float32)
    assert flat_share(photo + grain, oval) < 0.2
    assert not is_drawing(photo + grain, marks)


def test_a_drawn_closed_smile_opens_dark_when_the_driver_opens(drawn_scene):
    source, marks, frames = drawn_scene
    box = _mouth_box(marks)
    dark = [int((_lightness(frame[box]) < 30).sum()) for frame in frames]
    width = np.ptp(marks[LIPS_OUTER, 0])
    # Closed: the ink line alone (drawn at lightness ~30); open: a cavity a good part of the
    # mouth's width deep.
    assert dark[1] < 0.1 * width**2
    assert dark[3] > 0.3 * width**2 > 3 * dark[1]
    assert dark[5] < 0.1 * width**2


def test_the_drawn_interior_is_flat_and_in_the_inks_hue(drawn_scene):
    source, marks, frames = drawn_scene
    box = _mouth_box(marks)
    lab = cv2.cvtColor(np.ascontiguousarray(frames[3][box]), cv2.COLOR_RGB2Lab)
    cavity = lab[lab[..., 0] < 20]
    assert len(cavity) > 50
    # Flat: one colour (a shaded photo-like cavity spans ~10 lightness levels) ...
    assert np.percentile(cavity[:, 0], 90) - np.percentile(cavity[:, 0], 10) < 3.0
    # ... in the ink's hue (red-brown), not grey.
    ink_lab = cv2.cvtColor(np.float32([[INK]]), cv2.COLOR_RGB2Lab).reshape(3)
    hue = np.degrees(np.arctan2(np.median(cavity[:, 2]), np.median(cavity[:, 1])))
    ink_hue = np.degrees(np.arctan2(ink_lab[2], ink_lab[1]))
    assert abs(hue - ink_hue) < 10 and np.hypot(*np.median(cavity[:, 1:], axis=0)) > 15


def test_a_drawn_smile_closes_back_into_the_same_smile(drawn_scene):
    source, marks, frames = drawn_scene
    box = _mouth_box(marks)
    lift = _ink_ends_lift(source, box)
    assert lift > 3  # the source smiles
    # The driver at rest (its corners level) leaves the drawn smile as drawn: a drawn line
    # pulled towards a neutral mouth bends into a wavy stroke.
    for index in (1, 5):
        assert _ink_ends_lift(frames[index], box) == pytest.approx(lift, abs=1.0)
    assert np.abs(frames[5][box] - source[box]).mean() < 0.02


def test_photos_get_the_shaded_interior_and_keep_relaxing_a_smile():
    marks = _smiling(closed_mouth_landmarks())
    photo = 0.5 + 0.5 * textured_image()
    drawn = is_drawing(photo, marks)
    assert not drawn
    fill = MouthFill(photo, marks[LIPS_OUTER, :2], marks[face_topology().inner_lips, :2])
    assert not fill.drawn
    neutral = closed_mouth_landmarks()
    frames = _run(photo, marks, [neutral, neutral])
    # The photographed smile is brought to a neutral mouth: the frame differs from the source.
    assert np.abs(frames[1] - photo).max() > 0.05


def test_ink_is_the_drawn_lines_colour_and_width():
    marks = _smiling(closed_mouth_landmarks())
    source = _cartoon(marks)
    colour, width = ink(source, marks[LIPS_OUTER, :2], marks[face_topology().inner_lips, :2])
    ink_lab = cv2.cvtColor(np.float32([[INK]]), cv2.COLOR_RGB2Lab).reshape(3)
    assert np.linalg.norm(colour - ink_lab) < 8
    assert 1.0 < width < 4.0  # drawn 8 px wide at 4x


def test_drawn_interior_has_teeth_under_the_upper_lip_and_a_tongue_on_the_lower():
    lips = open_mouth_landmarks(degrees=16.0)[face_topology().inner_lips, :2]
    origin = lips.min(axis=0) - 2
    shape = tuple(int(v) for v in np.ceil(np.ptp(lips, axis=0) + 4)[::-1])
    ink_lab = np.array([27.0, 30.0, 15.0], np.float32)
    patch = drawn_interior(lips - origin, shape, ink_lab, MouthOptions())
    lightness = _lightness(patch)
    column = lightness[:, shape[1] // 2]
    top = int(np.ceil(lips[:, 1].min() - origin[1])) + 1
    bottom = int(np.floor(lips[:, 1].max() - origin[1])) - 1
    assert column[top] > 90  # teeth
    assert column[(top + bottom) // 2] < 20  # cavity
    assert 40 < column[bottom] < 70  # tongue


def _carphone(index: int = 0, scale: int = 1) -> np.ndarray:
    """(144 * scale, 176 * scale, 3) uint8: a frame of the carphone clip, upscaled (cubic)."""
    with VideoReader(sample_path("carphone.mp4")) as reader:
        frame = next(frame for i, frame in enumerate(reader) if i == index)
    size = (frame.shape[1] * scale, frame.shape[0] * scale)
    return cv2.resize(frame, size, interpolation=cv2.INTER_CUBIC)


@pytest.fixture(scope="module")
def photos() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """name -> ((H, W, 3) uint8 photo, its (478, 3) landmarks px)."""
    images = {
        "astronaut": load_image(sample_path("astronaut.png")),
        "Grace Hopper": load_image(sample_path("grace_hopper.jpg")),
        "carphone x3": _carphone(scale=3),
    }
    return {name: (image, detect_image_landmarks(image)) for name, image in images.items()}


def _cel_shaded(cartoon: np.ndarray, shadow: float = 0.85) -> np.ndarray:
    """(H, W, 3) uint8: the cartoon with a drawn shadow, its skin darker right of 58 %."""
    skin = np.all(np.abs(cartoon.astype(np.int16) - (238, 196, 164)) < 12, axis=2)
    skin[:, : int(0.58 * cartoon.shape[1])] = False
    shaded = cartoon.astype(np.float32)
    shaded[skin] *= shadow
    return np.round(shaded).astype(np.uint8)


def test_statues_and_dolls_made_from_photos_are_not_drawings(photos):
    """Statues (grey or stone, polished, lit evenly) and dolls (smoothed skin, saturated) made
    from the samples keep the photo's landmarks (the face does not move). The first detector
    (colour within 3 of the median, share > 0.4) took 9 of these 21 for drawings."""
    drawn = []
    for name, (photo, marks) in photos.items():
        oval = marks[face_topology().oval, :2].astype(np.float64)
        for kind, make in LOOKALIKES.items():
            image = make(photo).astype(np.float32) / 255
            if is_drawing(image, marks):
                drawn.append(f"{name} as {kind}: {flat_share(image, oval):.3f}")
    assert not drawn, drawn


def test_cartoons_stay_drawings_compressed_blurred_and_cel_shaded():
    """Flat-coloured faces, as PNG, JPEG, blurred and with a drawn shadow, and small."""
    drawn = {}
    for mouth in ("lips", "smile"):
        cartoon = cartoon_face(256, mouth)
        marks = detect_image_landmarks(cartoon)
        variants = {
            "PNG": cartoon,
            "JPEG 85": jpeg(cartoon, 85),
            "JPEG 30": jpeg(cartoon, 30),
            "blurred": cv2.GaussianBlur(cartoon, (0, 0), 1.5),
            "cel shaded": _cel_shaded(cartoon),
            "cel shaded, JPEG 50": jpeg(_cel_shaded(cartoon), 50),
        }
        for kind, image in variants.items():
            drawn[f"{mouth} {kind}"] = is_drawing(image.astype(np.float32) / 255, marks)
        small = cartoon_face(128, mouth)
        drawn[f"{mouth} 128 px"] = is_drawing(
            small.astype(np.float32) / 255, detect_image_landmarks(small)
        )
    assert all(drawn.values()), drawn


@pytest.mark.slow
def test_the_model_gives_statues_and_dolls_the_photo_mouth(monkeypatch, photos):
    """Through the landmark model, each source's landmarks found as the model finds them:
    statues and dolls driven by carphone get the photo's mouth (not the drawn one), a JPEG
    cartoon the drawn one."""
    import facemotion.motion.landmark_model as landmark_model

    decided = []

    def spy(image, points, **keywords):
        decided.append(is_drawing(image, points, **keywords))
        return decided[-1]

    monkeypatch.setattr(landmark_model, "is_drawing", spy)
    carphone = photos["carphone x3"][0]
    sources = {
        "polished statue": LOOKALIKES["polished statue"](carphone),
        "evenly lit doll": LOOKALIKES["evenly lit doll"](carphone),
        "evenly lit Grace Hopper statue": LOOKALIKES["evenly lit statue"](
            photos["Grace Hopper"][0]
        ),
        "cartoon, JPEG 85": jpeg(cartoon_face(256, "smile"), 85),
    }
    driving = [_carphone(index).astype(np.float32) / 255 for index in (0, 59)]  # 59: wide open
    drawn = {}
    for name, source in sources.items():
        decided.clear()
        frames = list(LandmarkModel().animate(source.astype(np.float32) / 255, driving))
        assert len(frames) == 2 and len(decided) == 1
        drawn[name] = decided[0]
    assert drawn == {
        "polished statue": False,
        "evenly lit doll": False,
        "evenly lit Grace Hopper statue": False,
        "cartoon, JPEG 85": True,
    }
