"""The capture's blendshapes on real frames: the learned model's behaviour, calibrated."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from facemotion.assets import sample_path
from facemotion.landmarks import detect_image_face
from facemotion.landmarks.arkit import ARKIT_NAMES, INDEX
from facemotion.motion.warp import backward_map, remap, source_points, warp_layout
from facemotion.pipeline.capture import capture

# The subject's right eye (on the image's left): upper and lower lid, paired top-to-bottom.
RIGHT_UPPER_LID = (246, 161, 160, 159, 158, 157, 173)
RIGHT_LOWER_LID = (7, 163, 144, 145, 153, 154, 155)
RIGHT_IRIS = range(468, 473)


@pytest.fixture(scope="module")
def carphone() -> list[np.ndarray]:
    from facemotion.io.video import VideoReader

    with VideoReader(sample_path("carphone.mp4")) as reader:
        return [np.asarray(frame) for frame in reader]


def _portrait(name: str) -> np.ndarray:
    with Image.open(sample_path(name)) as image:
        return np.asarray(image.convert("RGB"))


def close_right_eye(image: np.ndarray) -> np.ndarray:
    """The portrait with the subject's right eye shut: the face warped (the project's own
    landmark warp) so the upper lid lies on the lower one and the iris is squashed under it."""
    points = detect_image_face(image).landmarks.astype(np.float64)
    shut = points.copy()
    shut[list(RIGHT_UPPER_LID), :2] = points[list(RIGHT_LOWER_LID), :2]
    shut[list(RIGHT_IRIS), 1] = points[list(RIGHT_LOWER_LID), 1].mean()
    layout = warp_layout(points)
    source = source_points(points, layout, image.shape[:2])
    target = source_points(shut, layout, image.shape[:2])
    map_x, map_y = backward_map(target, source, layout, image.shape[:2])
    return remap(image, map_x, map_y)


def twin(name: str) -> str:
    return name.replace("Left", "@").replace("Right", "Left").replace("@", "Right")


def test_carphone_open_mouth_raises_jaw_open(carphone):
    result = capture(carphone, fps=30.0)
    landmarks = result.landmarks
    lip_gap = np.linalg.norm(landmarks[:, 13, :2] - landmarks[:, 14, :2], axis=1)
    jaw = result.blendshapes[:, INDEX["jawOpen"]]
    widest, closest = lip_gap >= np.percentile(lip_gap, 90), lip_gap <= np.percentile(lip_gap, 25)
    assert jaw[widest].mean() > 0.15
    assert jaw[widest].mean() > 3 * jaw[closest].mean()
    assert np.corrcoef(lip_gap, jaw)[0, 1] > 0.6
    assert np.all(result.blendshapes[:, INDEX["tongueOut"]] == 0)


def test_a_mirrored_clip_swaps_left_and_right(carphone):
    frames = carphone[:60]
    plain = capture(frames, fps=30.0)
    mirrored = capture([frame[:, ::-1].copy() for frame in frames], fps=30.0)
    swapped = mirrored.blendshapes[:, [INDEX[twin(name)] for name in ARKIT_NAMES]]
    assert np.abs(plain.blendshapes - swapped).mean() < 0.02  # 0.012 measured
    # One-sided shapes that clearly move here follow their twin: the gaze (which also turns
    # against itself in a mirror) and the blinks. (Lip shapes move by ~0.02 here: too little
    # to correlate.)
    for name in ("eyeLookOutLeft", "eyeLookInRight", "eyeBlinkLeft", "eyeBlinkRight"):
        column = plain.blendshapes[:, INDEX[name]]
        assert column.std() > 0.05, name
        assert np.corrcoef(column, swapped[:, INDEX[name]])[0, 1] > 0.9, name
    for name in ("eyeLookOutLeft", "eyeLookInRight"):
        column = plain.blendshapes[:, INDEX[name]]
        assert np.corrcoef(column, mirrored.blendshapes[:, INDEX[name]])[0, 1] < 0, name


@pytest.mark.parametrize("name", ["astronaut.png", "grace_hopper.jpg"])
def test_a_right_eye_blink_raises_eye_blink_right_only(name):
    open_eyes = _portrait(name)
    shut = close_right_eye(open_eyes)
    before, after = detect_image_face(open_eyes), detect_image_face(shut)
    rise = after.blendshapes - before.blendshapes
    assert rise[INDEX["eyeBlinkRight"]] > 0.1
    assert rise[INDEX["eyeBlinkRight"]] > 2.5 * max(rise[INDEX["eyeBlinkLeft"]], 0.0)
    # Through the capture: the open-eyed frames are the neutral, the blink is calibrated.
    result = capture([open_eyes] * 6 + [shut] * 6, fps=30.0, smooth=False, neutral=0)
    blink = result.blendshapes[:, [INDEX["eyeBlinkRight"], INDEX["eyeBlinkLeft"]]]
    assert np.abs(blink[:6]).max() < 0.02
    # Tracking settles over the first few shut frames (0.11 and 0.16 measured once settled).
    right, left = blink[-3:, 0], blink[6:, 1]
    assert right.min() > 0.08 and left.max() < 0.05 and right.min() > 2 * left.max()
