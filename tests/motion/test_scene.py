"""The still scene: the person moves as one layer over a background plate that never moves."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from facemotion.errors import InputError
from facemotion.motion.landmark_model import LandmarkModel, LandmarkOptions
from facemotion.motion.mesh import face_topology
from facemotion.motion.scene import PersonLayers, SceneOptions, person_opacity
from facemotion.motion.similarity import Similarity
from tests.motion.landmark_faces import SIZE, ScriptedTracker, face_landmarks, textured_image

EXACT = LandmarkOptions(smoothing=False, settle_calls=0)
MARKS = face_landmarks(size=SIZE, px_per_cm=SIZE / 44)  # a small face: room for a scene


def _stripes(size: int = SIZE) -> np.ndarray:
    """(size, size, 3) float32: fine diagonal stripes, textured everywhere."""
    y, x = np.mgrid[0:size, 0:size].astype(np.float32)
    wave = 0.5 + 0.4 * np.sin((x + 0.5 * y) * 0.7)
    return np.stack([wave, 1.0 - wave, 0.5 + 0.3 * np.sin(y * 0.3)], axis=2).astype(np.float32)


def _person(points: np.ndarray = MARKS) -> np.ndarray:
    """(SIZE, SIZE) float32: the person a segmenter would see: the head with hair around it
    (the oval grown by 1.5), a neck and shoulders to the bottom edge."""
    oval = points[face_topology().oval, :2]
    centre = oval.mean(axis=0)
    mask = np.zeros((SIZE, SIZE), np.float32)
    head = centre + 1.5 * (oval - centre)
    cv2.fillPoly(mask, [np.round(head - 0.5).astype(np.int32)], 1.0, cv2.LINE_AA)
    chin = points[:, 1].max()
    cv2.rectangle(mask, (int(centre[0]) - 9, int(chin) - 4), (int(centre[0]) + 9, SIZE), 1.0, -1)
    cv2.ellipse(mask, (int(centre[0]), SIZE + 6), (46, 26), 0, 180, 360, 1.0, -1)
    return cv2.GaussianBlur(mask, (0, 0), 1.0)


def _pose(degrees: float, shift: tuple[float, float] = (0.0, 0.0)) -> Similarity:
    """A head turn (roll) of `degrees` about the face centre, then a shift in px."""
    centre = MARKS[:, :2].mean(axis=0)
    angle = np.deg2rad(degrees)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    return Similarity(1.0, rotation, centre - centre @ rotation.T + np.asarray(shift))


# The driver turns and nods (its head moves up and down) and its camera pans.
POSES = [_pose(0), _pose(8, (2, 3)), _pose(-10, (-3, -4)), _pose(4, (0, 6)), _pose(-6, (3, 0))]


def _script(poses=POSES) -> list[tuple[np.ndarray, bool]]:
    script = []
    for pose in poses:
        moved = MARKS.copy()
        moved[:, :2] = pose(MARKS[:, :2])
        script.append((moved, True))
    return script


def _run(options=EXACT, poses=POSES, relative=True, source=None, person=None):
    source = _stripes() if source is None else source
    person = _person() if person is None else person
    script = _script(poses)
    model = LandmarkModel(
        options,
        tracker_factory=lambda: ScriptedTracker(script),
        source_detector=lambda _: MARKS,
        source_segmenter=lambda _: person,
    )
    frame = textured_image(seed=1)
    driving = [np.roll(frame, 3 * k, axis=1) for k in range(len(poses))]
    return model, source, list(model.animate(source, driving, relative=relative))


def _scene_away_from_person(poses=POSES, band_px: int = 3) -> np.ndarray:
    """(SIZE, SIZE) bool: where the person is in no pose (its mask moved by each head pose,
    which bounds where the head may uncover the scene), by a margin."""
    covered = _person() > 0.01
    for pose in poses:
        covered |= cv2.warpAffine(_person(), pose.matrix, (SIZE, SIZE)) > 0.01
    grown = cv2.dilate(covered.astype(np.uint8), np.ones((2 * band_px + 1,) * 2, np.uint8))
    return grown == 0


def _change(outputs: list[np.ndarray], mask: np.ndarray) -> float:
    """The largest mean change inside `mask` between consecutive frames, grey levels of 255."""
    return max(
        float(np.abs(after - before)[mask].mean() * 255.0)
        for before, after in zip(outputs, outputs[1:], strict=False)
    )


def test_the_scene_stays_still_behind_a_turning_nodding_head():
    _, _, outputs = _run()
    scene = _scene_away_from_person()
    assert scene.mean() > 0.25  # enough scene left to measure
    assert _change(outputs, scene) < 1.0


def test_follow_brings_back_the_scene_moving_with_the_driver():
    _, _, outputs = _run(LandmarkOptions(smoothing=False, settle_calls=0, scene="follow"))
    assert _change(outputs, _scene_away_from_person()) > 3.0


def test_absolute_mode_keeps_the_scene_still():
    _, _, outputs = _run(relative=False)
    assert _change(outputs, _scene_away_from_person()) < 1.0


def test_hair_moves_with_the_head_as_one():
    pose = _pose(12)
    _, source, outputs = _run(poses=[_pose(0), pose], source=textured_image())
    oval = pose(MARKS[face_topology().oval, :2])
    centre = oval.mean(axis=0)
    band = np.zeros((SIZE, SIZE), np.uint8)
    cv2.fillPoly(band, [np.round(centre + 1.35 * (oval - centre) - 0.5).astype(np.int32)], 1)
    cv2.fillPoly(band, [np.round(centre + 1.08 * (oval - centre) - 0.5).astype(np.int32)], 0)
    band = band > 0
    forward = pose.matrix.copy()
    forward[:, 2] += forward[:, :2] @ [0.5, 0.5] - 0.5
    rigid = cv2.warpAffine(source, forward, (SIZE, SIZE), flags=cv2.INTER_LINEAR)
    moved_error = float(np.abs(outputs[1] - rigid)[band].mean())
    still_error = float(np.abs(source - rigid)[band].mean())
    assert moved_error < 0.15 * still_error, (moved_error, still_error)


def test_the_body_follows_a_third_of_the_head_translation():
    # Below the head's region and away from the image's border, the person's map moves by
    # body_follow of the head's translation (0.1 before: in a still-camera reconstruction of
    # carphone the body stayed behind as the head moved off it, stretching the neck).
    # A small head region and border, so that this small image has room for a body.
    small_head = SceneOptions(head_extent=1.2, neck_drop=0.0, border=0.02)
    layers = PersonLayers(_stripes(), _person(), MARKS, small_head)
    shift = np.array([10.0, -6.0])
    ys, xs = np.mgrid[0:SIZE, 0:SIZE].astype(np.float64)
    oval = MARKS[face_topology().oval, :2] + shift
    map_x, map_y = layers.person_map(xs, ys, oval, _pose(0, tuple(shift)), 1)
    below_head = cv2.erode((layers.head < 1e-3).astype(np.uint8), np.ones((25, 25), np.uint8))
    margin = round(0.03 * SIZE)
    inside = np.zeros((SIZE, SIZE), bool)
    inside[margin:-margin, margin:-margin] = True
    body = (below_head > 0) & inside
    assert body.sum() > 50
    np.testing.assert_allclose(xs[body] - map_x[body], 0.3 * shift[0], atol=0.01)
    np.testing.assert_allclose(ys[body] - map_y[body], 0.3 * shift[1], atol=0.01)


def _uncovered_fill(options: LandmarkOptions = EXACT) -> list[tuple]:
    """The head of a person (a flat colour) over stripes moves left, right, left: per moved
    frame (output, plate, source, uncovered (SIZE, SIZE) bool: where the head stood in the
    source and no longer is)."""
    left, right = _pose(0, (-8, 0)), _pose(0, (8, 0))
    alpha = _person()[..., None]
    source = (alpha * PERSON_COLOUR + (1 - alpha) * _stripes()).astype(np.float32)
    model, source, outputs = _run(options, poses=[_pose(0), left, right, left], source=source)
    np.testing.assert_array_equal(outputs[1], outputs[3])  # the same pose, the same frame
    plate = model.person_layers(source).plate
    was_person = _person() > 0.5
    moved = []
    for output, pose in ((outputs[1], left), (outputs[2], right)):
        now_person = cv2.warpAffine(_person(), pose.matrix, (SIZE, SIZE)) > 0.01
        grown = cv2.dilate(now_person.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
        uncovered = was_person & ~grown
        uncovered[int(MARKS[:, 1].max()) :] = False  # the head's sides, not the shoulders
        assert uncovered.sum() > 30
        moved.append((output, plate, source, uncovered))
    return moved


PERSON_COLOUR = np.array([0.9, 0.75, 0.6], np.float32)


def test_the_uncovered_scene_is_filled_the_same_in_every_frame():
    for output, plate, _, uncovered in _uncovered_fill():
        # Beside the head, where it stood in the source and has moved away from: the plate.
        np.testing.assert_allclose(output[uncovered], plate[uncovered], atol=1e-5)
        # the fill comes from the scene around it, not the person's colours
        assert np.abs(plate[uncovered] - PERSON_COLOUR).mean() > 0.2


def test_the_uncovered_scene_continues_the_stripes_around_it():
    for _, plate, _, uncovered in _uncovered_fill():
        error = float(np.abs(plate[uncovered] - _stripes()[uncovered]).mean())
        assert error < 0.05, error


def test_the_source_pose_gives_back_the_source():
    model, source, outputs = _run(poses=[_pose(0)] * 3)
    alpha = model.person_layers(source).layer[..., 3]
    opaque_or_clear = (alpha == 0) | (alpha == 1)
    assert opaque_or_clear.mean() > 0.95
    for output in outputs:
        # exactly, but along the person's half-transparent edge (laid over the fill there)
        assert np.abs(output - source)[opaque_or_clear].max() < 1e-3
        assert np.abs(output - source).mean() < 2e-3


def test_the_face_is_always_part_of_the_person():
    opacity = person_opacity(np.zeros((SIZE, SIZE), np.float32), MARKS)
    centre = np.round(MARKS[face_topology().oval, :2].mean(axis=0)).astype(int)
    assert opacity[centre[1], centre[0]] == 1.0
    assert opacity[2, 2] == 0.0


def test_the_plate_is_the_source_outside_the_person():
    source = _stripes()
    layers = PersonLayers(source, _person(), MARKS, SceneOptions())
    far = _scene_away_from_person(poses=[_pose(0)], band_px=12)
    np.testing.assert_array_equal(layers.plate[far], source[far])
    # premultiplied: the person's colour over the plate is the source (where the person is
    # opaque, or absent)
    alpha = layers.layer[..., 3]
    rebuilt = layers.layer[..., :3] + (1 - alpha[..., None]) * layers.plate
    exact = (alpha == 0) | (alpha == 1)
    assert np.abs(rebuilt - source)[exact].max() < 1e-5
    assert np.all(layers.layer[..., :3] <= alpha[..., None] + 1e-6)


def test_an_unknown_scene_mode_is_refused():
    with pytest.raises(InputError, match="scene must be one of still, follow"):
        LandmarkOptions(scene="static")


def test_specks_of_confidence_apart_from_the_person_stay_in_the_scene():
    confidence = _person().copy()
    confidence[4:10, 4:10] = 0.6  # a speck in a corner, not joined to the person
    opacity = person_opacity(confidence, MARKS)
    assert opacity[4:10, 4:10].max() == 0.0
    centre = np.round(MARKS[face_topology().oval, :2].mean(axis=0)).astype(int)
    assert opacity[centre[1], centre[0]] == 1.0 and opacity[SIZE - 1, SIZE // 2] > 0.9


def test_the_last_opacity_is_where_the_person_lies_in_the_frame():
    layers = PersonLayers(_stripes(), _person(), MARKS, SceneOptions())
    assert layers.last_opacity is None
    ys, xs = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32)
    layers.composite(xs - 7.0, ys)  # the person moved 7 px to the right
    moved = np.zeros_like(layers.layer[..., 3])
    moved[:, 7:] = layers.layer[:, :-7, 3]
    np.testing.assert_allclose(layers.last_opacity[:, 7:], moved[:, 7:], atol=1e-6)
