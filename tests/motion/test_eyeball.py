"""Drawing an eye where the source's is shut: a sclera and an iris, in the source's colours,
inside the target lids, nothing when the lids are shut or the source's own eye is open."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from facemotion.motion.eyeball import EyeOptions, eye_interior, eye_loops, eye_strength
from facemotion.motion.landmark_model import LandmarkModel, LandmarkOptions
from facemotion.motion.retarget import RetargetOptions
from tests.motion.landmark_faces import ScriptedTracker, face_landmarks, textured_image
from tests.solver.synthetic_face import close_right_eye

SIZE = 320
SKIN = np.array([0.78, 0.6, 0.5], np.float32)


def _lightness(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(np.ascontiguousarray(image, np.float32), cv2.COLOR_RGB2Lab)[..., 0]


def _right_eye_box(points: np.ndarray) -> tuple[slice, slice]:
    rim = points[eye_loops()[0], :2]
    return (
        slice(int(rim[:, 1].min()) - 1, int(rim[:, 1].max()) + 2),
        slice(int(rim[:, 0].min()) - 1, int(rim[:, 0].max()) + 2),
    )


def _source() -> np.ndarray:
    return SKIN * (0.9 + 0.1 * textured_image(SIZE))


def _last_frame(
    driving: list[np.ndarray],
    fill_eyes: bool = True,
    open_shut_eyes: bool = True,
    source: np.ndarray | None = None,
) -> np.ndarray:
    """The last frame of a model run on a skin-coloured source (or `source`) whose right eye
    is shut."""
    source_marks = face_landmarks(SIZE, face=close_right_eye())
    options = LandmarkOptions(
        smoothing=False,
        settle_calls=0,
        body_motion=False,
        fill_eyes=fill_eyes,
        retarget=RetargetOptions(open_shut_eyes=open_shut_eyes),
    )
    model = LandmarkModel(
        options,
        tracker_factory=lambda: ScriptedTracker([(points, True) for points in driving]),
        source_detector=lambda _: source_marks,
    )
    source = _source() if source is None else source
    frames = [np.zeros((SIZE, SIZE, 3), np.float32)] * len(driving)
    return list(model.animate(source, frames))[-1]


def test_a_shut_source_eye_shows_an_eye_when_the_driver_opens_its_own():
    neutral = face_landmarks(SIZE)
    output = _last_frame([neutral] * 4)
    skin = float(_lightness(SKIN[None, None])[0, 0])
    eye = _lightness(output)[_right_eye_box(neutral)]
    assert (eye > skin + 10).sum() > 20  # sclera
    assert (eye < 25).sum() > 5  # iris and pupil
    # Without the drawn eye, the warp has only the shut lids' skin to stretch there.
    bare = _lightness(_last_frame([neutral] * 4, fill_eyes=False))[_right_eye_box(neutral)]
    assert (bare > skin + 10).sum() == 0 and (bare < 25).sum() == 0
    # The open left eye of the source is left to the warp.
    left = output[int(neutral[386, 1]) : int(neutral[374, 1]), int(neutral[263, 0]) - 5]
    assert np.abs(left - SKIN).max() < 0.2


def _lash_rows(image: np.ndarray) -> np.ndarray:
    """The rows of the dark red lash line's pixels (red, no green: no skin, sclera or iris)."""
    return np.nonzero((image[..., 0] > 0.35) & (image[..., 1] < 0.25))[0]


def test_an_eye_photographed_shut_stays_shut_when_asked():
    """open_shut_eyes=False: the driver's open eyes leave the source's shut eye shut, with no
    drawn sclera or iris and its lids together."""
    neutral, shut = face_landmarks(SIZE), face_landmarks(SIZE, face=close_right_eye())
    # A dark red lash line along the shut lids: it splits in two if they open.
    source = _source()
    rim = np.round(shut[[33, 246, 161, 160, 159, 158, 157, 173, 133], :2]).astype(np.int32)
    cv2.polylines(source, [rim], False, (0.6, 0.05, 0.05), thickness=2)
    output = _last_frame([neutral] * 4, open_shut_eyes=False, source=source)
    skin = float(_lightness(SKIN[None, None])[0, 0])
    eye = _lightness(output)[_right_eye_box(neutral)]
    assert (eye > skin + 10).sum() == 0 and (eye < 25).sum() == 0
    before, after = _lash_rows(source), _lash_rows(output)
    assert after.size > 0.8 * before.size
    assert after.min() >= before.min() - 1 and after.max() <= before.max() + 1
    # Asked to open it, the same lids part: the line's upper half rises with the upper lid.
    opened = _lash_rows(_last_frame([neutral] * 4, fill_eyes=False, source=source))
    assert opened.min() < before.min() - 4


def test_no_eye_is_drawn_when_the_driver_blinks():
    neutral, blink = face_landmarks(SIZE), face_landmarks(SIZE, face=close_right_eye())
    output = _last_frame([neutral] * 10 + [blink] * 3)
    skin = float(_lightness(SKIN[None, None])[0, 0])
    eye = _lightness(output)[_right_eye_box(neutral)]
    assert (eye > skin + 10).sum() == 0
    assert (eye < 25).sum() == 0


def test_eye_strength_is_full_for_shut_eyes_and_none_for_open_ones():
    options = EyeOptions()
    assert eye_strength(0.0, options) == 1.0
    assert eye_strength(0.25, options) == 0.0
    assert 0.0 < eye_strength((options.shut + options.open) / 2, options) < 1.0


@pytest.mark.parametrize("gaze", [-12.0, 12.0])
def test_the_drawn_iris_sits_at_the_gaze_and_the_sclera_is_lighter_than_the_skin(gaze):
    t = np.linspace(0, np.pi, 9)
    upper = np.stack([60 + 50 * np.cos(np.pi - t), 50 - 22 * np.sin(t)], 1)
    lower = np.stack([60 + 50 * np.cos(t[1:-1]), 50 + 14 * np.sin(t[1:-1])], 1)
    loop = np.vstack([upper, lower])
    skin = np.array([60.0, 8.0, 19.0])
    drawn = eye_interior(loop, np.array([60.0 + gaze, 52.0]), (100, 120), skin, EyeOptions())
    lightness = _lightness(drawn)
    dark = lightness < 25
    ys, xs = np.nonzero(dark)
    assert xs.mean() == pytest.approx(60.0 + gaze, abs=1.5)
    # The pupil is round: as wide as tall.
    assert xs.std() == pytest.approx(ys.std(), rel=0.1)
    assert lightness[50, 60 - int(2.5 * gaze)] > skin[0] + 10


def test_drawn_eye_and_drawn_mouth_together_on_a_turning_head():
    """A source with a shut right eye and closed lips; the driver opens its mouth and eyes
    while its head rolls 15 degrees and turns 10: the output shows a drawn eye (sclera and
    iris) inside the turned eye and a dark mouth inside the turned lips, each in its place."""
    from facemotion.motion.mesh import face_topology
    from tests.solver.synthetic_face import open_jaw

    neutral = face_landmarks(SIZE)
    turned = face_landmarks(SIZE, face=open_jaw(16.0), angles_deg=(10.0, 0.0, 15.0))
    output = _last_frame([neutral] * 3 + [turned] * 2)
    lightness = _lightness(output)
    skin = float(_lightness(SKIN[None, None])[0, 0])
    eye = lightness[_right_eye_box(turned)]
    assert (eye > skin + 10).sum() > 20 and (eye < 25).sum() > 5  # sclera, iris
    # The iris's dark pixels lie within the turned eye's rim.
    rim = np.zeros(lightness.shape, np.uint8)
    cv2.fillPoly(rim, [np.round(turned[eye_loops()[0], :2]).astype(np.int32)], 1)
    rim = cv2.dilate(rim, np.ones((5, 5), np.uint8)) > 0
    dark = lightness < 25
    assert dark[rim].sum() > 5 and dark[_right_eye_box(turned)].sum() <= dark[rim].sum() + 2
    # The mouth: a dark interior inside the turned inner lips.
    mouth = np.zeros(lightness.shape, np.uint8)
    cv2.fillPoly(mouth, [np.round(turned[face_topology().inner_lips, :2]).astype(np.int32)], 1)
    inside = cv2.erode(mouth, np.ones((5, 5), np.uint8)) > 0
    assert inside.sum() > 50
    assert lightness[inside].mean() < skin - 20, (lightness[inside].mean(), skin)
