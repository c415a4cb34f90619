"""Expression retargeting on synthetic landmark motions: openings follow the driver's degree of
opening, measured against its own neutral, whatever the reference frame or the source shows."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from facemotion.errors import InputError
from facemotion.motion.expression import measure
from facemotion.motion.landmark_model import LandmarkModel, LandmarkOptions
from facemotion.motion.mesh import STABLE_POINTS
from facemotion.motion.retarget import Retargeter, RetargetOptions
from facemotion.motion.similarity import Similarity, fit_similarity
from facemotion.motion.targets import relative_targets
from tests.motion.landmark_faces import (
    SIZE,
    ScriptedTracker,
    closed_mouth_landmarks,
    face_landmarks,
    open_mouth_landmarks,
    textured_image,
)
from tests.solver.synthetic_face import close_right_eye

_STABLE = list(STABLE_POINTS)


def _animate(source: np.ndarray, driving: list[np.ndarray]) -> list[tuple[np.ndarray, ...]]:
    """(relative targets, retargeted targets) per driving frame, the first frame the reference,
    composed as the landmark model composes them (the openings unsmoothed: each frame is a
    new pose here)."""
    retargeter = Retargeter(
        source, RetargetOptions(smoothing_min_cutoff_hz=1e6, eye_smoothing_min_cutoff_hz=1e6)
    )
    results = []
    for index, points in enumerate(driving):
        retargeter.observe(points, index / 30)
        relative = relative_targets(source, points, driving[0])
        head = fit_similarity(source[_STABLE, :2], relative[_STABLE])
        results.append((relative, retargeter.retarget(relative, head)))
    return results


def test_driver_opening_from_a_half_open_reference_opens_the_source_fully():
    source = closed_mouth_landmarks(size=200)  # a different face size from the driver's
    half, full = open_mouth_landmarks(degrees=7.0), open_mouth_landmarks(degrees=16.0)
    closed = closed_mouth_landmarks()
    frames = _animate(source, [half, full, closed, full])
    wide = measure(full).mouth_open
    relative, retargeted = frames[1]
    # Relative motion adds only the displacement from the half-open reference ...
    assert measure(relative).mouth_open < 0.75 * wide
    # ... retargeting opens the source as far as the driver, in the source's face units.
    assert measure(retargeted).mouth_open == pytest.approx(wide, rel=0.1)
    assert measure(frames[3][1]).mouth_open == pytest.approx(wide, rel=0.1)
    # The driver closing closes the source, though relative motion would cross its lips.
    assert measure(frames[2][0]).mouth_open < -0.05
    assert measure(frames[2][1]).mouth_open < RetargetOptions().closed_mouth + 1e-6


def test_source_photographed_with_an_open_mouth_closes_when_the_driver_does():
    source = open_mouth_landmarks(degrees=16.0)
    closed = closed_mouth_landmarks()
    frames = _animate(source, [closed, closed, open_mouth_landmarks(degrees=10.0)])
    assert measure(source).mouth_open > 0.2
    assert measure(frames[1][0]).mouth_open > 0.2  # relative: stays open
    assert measure(frames[1][1]).mouth_open < RetargetOptions().closed_mouth + 1e-6
    # The chin comes up with the lower lip; the forehead and the eyes stay.
    moved = frames[1][1] - source[:, :2]
    assert moved[152, 1] < -0.5 * (source[14, 1] - source[13, 1])
    assert np.abs(moved[[10, 33, 263]]).max() < 0.5
    # Opening again follows the driver's opening.
    opened = measure(open_mouth_landmarks(degrees=10.0)).mouth_open
    assert measure(frames[2][1]).mouth_open == pytest.approx(opened, rel=0.15)


def test_blinks_stay_on_their_side():
    source = face_landmarks(size=200)
    neutral = face_landmarks()
    blink = face_landmarks(face=close_right_eye())
    frames = _animate(source, [neutral] * 10 + [blink])
    before, after = measure(source), measure(frames[-1][1])
    assert after.eye_open_right < 0.05 * before.eye_open_right  # shut fully
    assert after.eye_open_left == pytest.approx(before.eye_open_left, rel=0.02)
    # The iris centre stays between the shut lids.
    lids = frames[-1][1][[159, 145], 1]
    assert lids.min() - 0.5 <= frames[-1][1][468, 1] <= lids.max() + 0.5


def test_a_blink_in_the_reference_frame_does_not_shut_the_source():
    source = face_landmarks(size=200)
    neutral, blink = face_landmarks(), face_landmarks(face=close_right_eye())
    frames = _animate(source, [blink] + [neutral] * 4)
    assert measure(frames[-1][1]).eye_open_right == pytest.approx(
        measure(source).eye_open_right, rel=0.05
    )


def test_expression_mode_is_checked():
    assert LandmarkOptions().expression == "retarget"
    with pytest.raises(InputError, match="expression must be one of retarget, relative"):
        LandmarkOptions(expression="absolute")


def _mouth_fill_pixels(expression: str) -> int:
    """Cavity-dark pixels in the last frame of a model run whose driver opens its mouth fully
    from a half-open reference, on a light source whose lips are together."""
    marks = closed_mouth_landmarks()
    script = [(open_mouth_landmarks(degrees=7.0), True), (open_mouth_landmarks(degrees=16.0), True)]
    options = LandmarkOptions(
        smoothing=False, settle_calls=0, body_motion=False, expression=expression
    )
    model = LandmarkModel(
        options,
        tracker_factory=lambda: ScriptedTracker(script),
        source_detector=lambda _: marks,
    )
    source = 0.5 + 0.5 * textured_image()
    frames = [np.zeros((SIZE, SIZE, 3), np.float32)] * 2
    last = list(model.animate(source, frames))[-1]
    return int((cv2.cvtColor(last, cv2.COLOR_RGB2Lab)[..., 0] < 30).sum())


def test_the_model_opens_the_mouth_further_with_retargeting_than_with_relative_motion():
    retargeted, relative = _mouth_fill_pixels("retarget"), _mouth_fill_pixels("relative")
    assert retargeted > 1.5 * relative + 20


def _smiling(points: np.ndarray, wider: float, lift: float) -> np.ndarray:
    """The face (478, 3) px with its mouth `wider` and its corners `lift` lower (face units)."""
    from facemotion.motion.expression import face_axes
    from facemotion.motion.smile import corner_weights, set_corners

    axes = face_axes(points)
    local = axes.local(points[:, :2])
    before = measure(points)
    set_corners(local, corner_weights(local), before.mouth_width + wider, before.corner_lift + lift)
    moved = points.copy()
    moved[:, :2] = axes.origin + axes.scale * local @ np.stack([axes.x, axes.y])
    return moved


def test_source_photographed_smiling_reaches_a_neutral_mouth():
    neutral = closed_mouth_landmarks()
    source = _smiling(closed_mouth_landmarks(size=200), wider=0.25, lift=-0.2)
    smile = measure(source)
    assert smile.mouth_width > 1.0 and smile.corner_lift < -0.15
    frames = _animate(source, [neutral] * 3)
    relative, retargeted = (measure(points) for points in frames[-1])
    assert relative.mouth_width == pytest.approx(smile.mouth_width, abs=0.01)  # still smiling
    options = RetargetOptions()
    typical, tolerance = options.typical_corners, options.corner_tolerance
    assert retargeted.mouth_width == pytest.approx(typical[0] + tolerance[0], abs=0.01)
    assert retargeted.corner_lift == pytest.approx(typical[1] - tolerance[1], abs=0.01)


def test_driver_smile_widens_a_neutral_source_by_as_much():
    source = closed_mouth_landmarks(size=200)
    neutral = closed_mouth_landmarks()
    smile = _smiling(neutral, wider=0.12, lift=-0.06)
    frames = _animate(source, [neutral] * 20 + [smile])
    before, after = measure(source), measure(frames[-1][1])
    assert after.mouth_width - before.mouth_width == pytest.approx(0.12, abs=0.015)
    assert after.corner_lift - before.corner_lift == pytest.approx(-0.06, abs=0.015)


def test_a_one_frame_blink_survives_the_smoothing_of_the_openings():
    source = face_landmarks(size=200)
    neutral, blink = face_landmarks(), face_landmarks(face=close_right_eye())
    retargeter = Retargeter(source)  # default smoothing
    for index, points in enumerate([neutral] * 10 + [blink]):
        retargeter.observe(points, index / 30)
    relative = relative_targets(source, blink, neutral)
    head = fit_similarity(source[_STABLE, :2], relative[_STABLE])
    shut = measure(retargeter.retarget(relative, head)).eye_open_right
    assert shut < 0.3 * measure(source).eye_open_right


def test_eyes_photographed_shut_open_with_the_driver_into_a_typical_eye():
    shut = face_landmarks(size=200, face=close_right_eye())
    neutral = face_landmarks()
    before = measure(shut)
    assert before.eye_open_right < 0.02
    frames = _animate(shut, [neutral] * 5)
    after = measure(frames[-1][1])
    options = RetargetOptions()
    assert after.eye_open_right == pytest.approx(options.opened_eye, abs=0.005)
    assert after.eye_open_left == pytest.approx(before.eye_open_left, rel=0.02)
    # Opened into an eye's shape: widest in the middle, closed at the corners.
    gaps = frames[-1][1][[7, 145, 155], 1] - frames[-1][1][[246, 159, 173], 1]
    assert gaps[1] > 2 * max(abs(gaps[0]), abs(gaps[2]))
    # The driver's blink shuts it again.
    blink = face_landmarks(face=close_right_eye())
    frames = _animate(shut, [neutral] * 10 + [blink])
    assert measure(frames[-1][1]).eye_open_right < 0.02


def test_eyes_photographed_shut_stay_shut_when_asked():
    shut = face_landmarks(size=200, face=close_right_eye())
    retargeter = Retargeter(shut, RetargetOptions(open_shut_eyes=False))
    assert retargeter.rig.eye_neutral_right < 0.02


def _folded_area(source: np.ndarray, targets: np.ndarray) -> float:
    """The area (px^2) of the face-mesh triangles that the targets turn over."""
    from facemotion.motion.mesh import face_topology, signed_areas

    triangles = face_topology().triangles
    before, after = signed_areas(source, triangles), signed_areas(targets, triangles)
    return float(np.abs(after[np.sign(before) != np.sign(after)]).sum() / 2)


def test_the_jaw_moves_the_lips_and_chin_without_folding_the_mesh():
    from dataclasses import replace

    from facemotion.motion.retarget import DriverNeutral, retarget, source_rig, wanted_openings

    identity = Similarity(1.0, np.eye(2), np.zeros(2))
    options = RetargetOptions()
    # A real MediaPipe mesh with its lips a little apart, and with its jaw dropped wide.
    folded = []
    for source in (face_landmarks(), open_mouth_landmarks(degrees=16.0)):
        rig, own = source_rig(source, options), measure(source)
        neutral = DriverNeutral(options)
        neutral.update(own)
        # The source as its own driver: all stays but the mouth, set here (corners kept).
        still = wanted_openings(own, neutral, rig, options)
        for gap in (0.0, 0.6):  # shut, and open wide
            wanted = replace(
                still, mouth_open=gap, mouth_width=own.mouth_width, corner_lift=own.corner_lift
            )
            moved = retarget(source[:, :2], identity, rig, wanted, options)
            assert measure(moved).mouth_open == pytest.approx(gap, abs=0.02)
            folded.append(_folded_area(source, moved))
    # Weights set point by point folded 9, 107, 195 and 5 px^2 of the lower face here.
    assert max(folded) < 12.0 and sum(folded) < 25.0
