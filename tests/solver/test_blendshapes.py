"""Blendshape weights on synthetic motions: jaw, blink, gaze, brows, smile, left/right."""

from __future__ import annotations

import numpy as np
import pytest

from facemotion.landmarks.arkit import ARKIT_NAMES, INDEX, LIVE_LINK_COLUMNS
from facemotion.solver.blendshapes import (
    UNOBSERVED,
    blendshape_weights,
    eye_rotations,
    neutral_frames,
)
from facemotion.solver.clip import CaptureOptions, solve
from tests.solver.synthetic_face import (
    FRAME_SIZE,
    NEUTRAL_CM,
    close_right_eye,
    mirror_image,
    open_jaw,
    to_image,
)


def weights_of(*shapes: np.ndarray) -> np.ndarray:
    return blendshape_weights(np.stack(shapes), NEUTRAL_CM)


def column(weights: np.ndarray, name: str) -> np.ndarray:
    return weights[:, INDEX[name]]


def test_names_follow_live_link_face():
    assert len(ARKIT_NAMES) == 52 and len(set(ARKIT_NAMES)) == 52
    assert ARKIT_NAMES[0] == "eyeBlinkLeft" and ARKIT_NAMES[-1] == "tongueOut"
    assert ARKIT_NAMES[14:18] == ("jawForward", "jawRight", "jawLeft", "jawOpen")
    assert len(LIVE_LINK_COLUMNS) == 63
    assert LIVE_LINK_COLUMNS[:3] == ("Timecode", "BlendShapeCount", "EyeBlinkLeft")
    assert LIVE_LINK_COLUMNS[-10:-8] == ("TongueOut", "HeadYaw")


def test_neutral_face_gives_zero_weights():
    weights = weights_of(NEUTRAL_CM)
    assert weights.shape == (1, 52)
    np.testing.assert_allclose(weights, 0.0, atol=1e-9)


def test_jaw_opening_rises_monotonically():
    angles = np.linspace(0, 20, 11)
    weights = weights_of(*(open_jaw(a) for a in angles))
    jaw = column(weights, "jawOpen")
    assert jaw[0] == pytest.approx(0.0, abs=1e-9)
    assert np.all(np.diff(jaw) > 0)
    assert jaw[-1] > 0.8
    # A symmetric opening moves the jaw neither left nor right and does not blink.
    assert column(weights, "jawLeft").max() < 0.05 and column(weights, "jawRight").max() < 0.05
    assert column(weights, "eyeBlinkLeft").max() < 0.05


def test_closed_right_eye_blinks_right_only():
    weights = weights_of(close_right_eye())
    assert column(weights, "eyeBlinkRight")[0] > 0.95
    assert column(weights, "eyeBlinkLeft")[0] < 0.05


def test_mirrored_clip_swaps_left_and_right():
    # A winking clip and its horizontal flip, as a detector would report them.
    frames = np.stack(
        [to_image(NEUTRAL_CM, (10, 0, 5))] * 5 + [to_image(close_right_eye(), (10, 0, 5))] * 5
    )
    times = np.arange(len(frames)) / 30
    options = CaptureOptions(neutral=0, smoothing=None)
    detected = np.ones(len(frames), bool)
    plain = solve(frames, detected, times, FRAME_SIZE, options)
    flipped = solve(mirror_image(frames), detected, times, FRAME_SIZE, options)
    assert column(plain.blendshapes, "eyeBlinkRight")[-1] > 0.9
    assert column(plain.blendshapes, "eyeBlinkLeft")[-1] < 0.1
    assert column(flipped.blendshapes, "eyeBlinkLeft")[-1] > 0.9
    assert column(flipped.blendshapes, "eyeBlinkRight")[-1] < 0.1
    # Yaw and roll change sign in a mirror; pitch does not.
    np.testing.assert_allclose(flipped.angles_deg, plain.angles_deg * [-1, 1, -1], atol=0.5)
    for name in ARKIT_NAMES:
        twin = name.replace("Left", "@").replace("Right", "Left").replace("@", "Right")
        np.testing.assert_allclose(
            column(flipped.blendshapes, twin),
            column(plain.blendshapes, name),
            atol=0.02,
            err_msg=name,
        )


def shift(indices, offset) -> np.ndarray:
    shape = NEUTRAL_CM.copy()
    shape[list(indices)] += offset
    return shape


def test_gaze_left_right_up_down():
    irises_left, irises_right = range(473, 478), range(468, 473)
    toward_left = shift(
        [*irises_left, *irises_right], [0.5, 0, 0]
    )  # both look to the subject's left
    weights = weights_of(toward_left)
    # The subject's left eye looks out, the right eye looks in (toward the nose).
    assert column(weights, "eyeLookOutLeft")[0] > 0.5 and column(weights, "eyeLookInRight")[0] > 0.5
    assert column(weights, "eyeLookInLeft")[0] == 0 and column(weights, "eyeLookOutRight")[0] == 0
    up = weights_of(shift([*irises_left, *irises_right], [0, 0.3, 0]))
    assert column(up, "eyeLookUpLeft")[0] > 0.5 and column(up, "eyeLookDownLeft")[0] == 0
    rotations = eye_rotations(toward_left[None], NEUTRAL_CM)
    assert rotations[0, 0, 0] == pytest.approx(np.arcsin(0.5 / 1.2))


def test_brows_and_smile_are_one_sided():
    raised = weights_of(shift([300, 276, 293, 283], [0, 0.6, 0]))
    assert column(raised, "browOuterUpLeft")[0] > 0.5
    assert column(raised, "browOuterUpRight")[0] == 0
    smile = weights_of(shift([291], [0.2, 0.5, -0.1]))
    assert column(smile, "mouthSmileLeft")[0] > 0.5
    assert column(smile, "mouthSmileRight")[0] == 0
    frown = weights_of(shift([61], [0, -0.4, 0]))
    assert column(frown, "mouthFrownRight")[0] > 0.5 and column(frown, "mouthFrownLeft")[0] == 0


def test_unobserved_shapes_stay_zero():
    rng = np.random.default_rng(1)
    noisy = NEUTRAL_CM + rng.normal(scale=0.3, size=NEUTRAL_CM.shape)
    weights = weights_of(noisy, open_jaw(15))
    for name in UNOBSERVED:
        assert np.all(column(weights, name) == 0)
    assert weights.min() >= 0 and weights.max() <= 1


def test_neutral_frames_pick_the_rest_pose():
    clip = np.stack([open_jaw(a) for a in (12, 0, 14, 10, 0.5, 16)])
    assert set(neutral_frames(clip, 2)) == {1, 4}
