"""Gaze and brows in retargeting, on synthetic landmark motions: the source's irises and
brows move by the driver's change from its own neutral, each on its side."""

from __future__ import annotations

import numpy as np
import pytest

from facemotion.motion.expression import face_axes, measure
from facemotion.motion.eyes import brow_rig, brow_weights, neutral_gaze, set_brows
from facemotion.motion.mesh import STABLE_POINTS
from facemotion.motion.retarget import Retargeter, RetargetOptions
from facemotion.motion.similarity import fit_similarity
from facemotion.motion.targets import relative_targets
from tests.motion.landmark_faces import face_landmarks

_STABLE = list(STABLE_POINTS)
RIGHT_IRIS, LEFT_IRIS = list(range(468, 473)), list(range(473, 478))


def _last_targets(source: np.ndarray, driving: list[np.ndarray]) -> np.ndarray:
    """The retargeted targets (478, 2) of the last driving frame (the first is the reference
    of relative motion; the openings unsmoothed: each frame is a new pose here)."""
    retargeter = Retargeter(
        source, RetargetOptions(smoothing_min_cutoff_hz=1e6, eye_smoothing_min_cutoff_hz=1e6)
    )
    for index, points in enumerate(driving):
        retargeter.observe(points, index / 30)
    relative = relative_targets(source, driving[-1], driving[0])
    head = fit_similarity(source[_STABLE, :2], relative[_STABLE])
    return retargeter.retarget(relative, head)


def _eye_width(points: np.ndarray, corners: tuple[int, int]) -> float:
    return float(np.hypot(*(points[corners[0], :2] - points[corners[1], :2])))


def _look(points: np.ndarray, iris: list[int], corners: tuple[int, int], widths: float):
    """The face with one iris (centre and ring) moved sideways by `widths` eye widths."""
    moved = points.copy()
    moved[iris, 0] += widths * _eye_width(points, corners)
    return moved


@pytest.mark.parametrize(
    ("moved", "still", "corners", "still_corners"),
    [
        (RIGHT_IRIS, LEFT_IRIS, (33, 133), (263, 362)),
        (LEFT_IRIS, RIGHT_IRIS, (263, 362), (33, 133)),
    ],
)
def test_driver_gaze_moves_the_source_iris_on_its_side(moved, still, corners, still_corners):
    source = face_landmarks(size=200)
    neutral = face_landmarks()
    # The reference frame already looks aside: relative motion alone would keep the source's
    # iris where it is when the driver then looks ahead; its neutral is the median.
    aside = _look(neutral, moved, corners, -0.12)
    glance = _look(neutral, moved, corners, 0.1)
    targets = _last_targets(source, [aside] + [neutral] * 10 + [glance])
    shift = (targets[moved[0], 0] - source[moved[0], 0]) / _eye_width(source, corners)
    assert shift == pytest.approx(0.1, abs=0.01)
    assert abs(targets[still[0], 0] - source[still[0], 0]) < 0.01 * _eye_width(
        source, still_corners
    )
    # The iris moves as a rigid disc: its ring stays round, of the source's mean radius.
    ring = np.linalg.norm(targets[moved[1:]] - targets[moved[0]], axis=1)
    own = np.linalg.norm(source[moved[1:], :2] - source[moved[0], :2], axis=1)
    assert ring == pytest.approx(np.full(4, own.mean()), rel=0.01)
    # And back to the neutral: the source's own gaze again.
    back = _last_targets(source, [aside] + [neutral] * 10)
    assert back[moved[0], 0] == pytest.approx(source[moved[0], 0], abs=0.05)


def test_a_source_photographed_looking_aside_looks_ahead_with_the_driver():
    neutral = face_landmarks()
    source = face_landmarks(size=200)
    source = _look(_look(source, RIGHT_IRIS, (33, 133), 0.25), LEFT_IRIS, (263, 362), 0.25)
    options = RetargetOptions()
    before = measure(source)
    assert before.gaze_right[0] > 0.15 and before.gaze_left[0] > 0.15
    targets = _last_targets(source, [neutral] * 5)
    after = measure(targets)
    outwards, down = options.typical_gaze
    tolerance = options.gaze_tolerance[0]
    assert after.gaze_right[0] == pytest.approx(-outwards + tolerance, abs=0.01)
    assert after.gaze_left[0] == pytest.approx(outwards + tolerance, abs=0.01)


def test_neutral_gaze_keeps_a_typical_gaze_and_clamps_an_odd_one():
    typical = np.array([0.03, -0.05])
    assert neutral_gaze(np.array([0.05, -0.04]), typical, (0.05, 0.03)) == pytest.approx(
        [0.05, -0.04]
    )
    assert neutral_gaze(np.array([-0.3, 0.2]), typical, (0.05, 0.03)) == pytest.approx(
        [-0.02, -0.02]
    )


def _raise_brows(points: np.ndarray, right: float, left: float, inner: float) -> np.ndarray:
    """The face (478, 3) with its brows raised by (right, left, inner) face units."""
    axes = face_axes(points)
    local = axes.local(points[:, :2])
    from facemotion.motion.expression import brow_heights

    wanted = np.array(brow_heights(local)) + [right, left, inner]
    set_brows(local, brow_rig(local), tuple(wanted))
    moved = points.copy()
    moved[:, :2] = axes.origin + axes.scale * local @ np.stack([axes.x, axes.y])
    return moved


def test_driver_raising_its_brows_from_its_neutral_raises_the_sources():
    source = face_landmarks(size=200)
    neutral = face_landmarks()
    # A reference frame with the brows already up: relative motion would lower the source's
    # brows when the driver relaxes; against the median neutral, they rise by the driver's.
    up = _raise_brows(neutral, 0.06, 0.06, 0.0)
    worried = _raise_brows(neutral, 0.05, 0.02, 0.03)
    targets = _last_targets(source, [up] + [neutral] * 10 + [worried])
    before, after = measure(source), measure(targets)
    assert after.brow_right - before.brow_right == pytest.approx(0.05, abs=0.005)
    assert after.brow_left - before.brow_left == pytest.approx(0.02, abs=0.005)
    assert after.brow_inner - before.brow_inner == pytest.approx(0.03, abs=0.005)
    # The forehead above follows in part; the lid rims, eye corners and irises stay (but for
    # the head's fit, on forehead points among others, that the brows' motion nudges).
    scale = face_axes(source).scale
    rise = (source[:, 1] - targets[:, 1]) / scale
    assert 0.005 < rise[151] < 0.04  # the forehead's middle, above the brows
    assert np.abs(rise[[159, 386, 33, 133, 263, 362, 468, 473]]).max() < 0.002
    relaxed = _last_targets(source, [up] + [neutral] * 10)
    assert measure(relaxed).brow_right == pytest.approx(before.brow_right, abs=0.005)


def test_brow_weights_fade_from_the_brows_to_the_lids():
    local = face_axes(face_landmarks()).local(face_landmarks()[:, :2])
    right, left, inner = brow_weights(local)
    assert right[105] == pytest.approx(1.0, abs=0.01) and left[334] == pytest.approx(1.0, abs=0.01)
    assert right[334] < 0.05 and left[105] < 0.05  # each side moves its own brow
    assert right[159] == 0.0 and left[386] == 0.0  # upper lid rims
    assert inner[107] > 0.6 and inner[70] < 0.2  # inner ends, not the outer ones
    assert (right + left).max() <= 1.0 + 1e-9


def test_the_learned_blink_score_deepens_a_blink_the_rims_leave_half_open():
    from facemotion.landmarks.arkit import INDEX
    from tests.solver.synthetic_face import close_right_eye

    source = face_landmarks(size=200)
    neutral = face_landmarks()
    half = (neutral + face_landmarks(face=close_right_eye())) / 2
    calm, blinking = np.full(52, 0.05), np.full(52, 0.05)
    blinking[INDEX["eyeBlinkRight"]] = 0.7
    options = RetargetOptions(smoothing_min_cutoff_hz=1e6, eye_smoothing_min_cutoff_hz=1e6)
    shut = {}
    for name, scores in (("landmarks", None), ("scores", blinking)):
        retargeter = Retargeter(source, options)
        for index in range(10):
            retargeter.observe(neutral, index / 30, None if scores is None else calm)
        retargeter.observe(half, 10 / 30, scores)
        relative = relative_targets(source, half, neutral)
        head = fit_similarity(source[_STABLE, :2], relative[_STABLE])
        shut[name] = measure(retargeter.retarget(relative, head))
    open_right = measure(source).eye_open_right
    assert shut["landmarks"].eye_open_right > 0.15 * open_right  # the rims alone: half shut
    assert shut["scores"].eye_open_right < 0.5 * shut["landmarks"].eye_open_right
    assert shut["scores"].eye_open_left == pytest.approx(shut["landmarks"].eye_open_left, rel=0.01)
