"""LandmarkModel: identity, known similarity, lost frames held and counted, modes, mouth."""

from __future__ import annotations

from fractions import Fraction

import cv2
import numpy as np

from facemotion.models.base import AnimationModel
from facemotion.motion.landmark_model import LandmarkModel, LandmarkOptions
from facemotion.motion.mesh import face_topology
from facemotion.motion.similarity import Similarity
from tests.media import probe, write_video
from tests.motion.landmark_faces import (
    LEFT_EYE_LOOP,
    RIGHT_EYE_LOOP,
    SIZE,
    ScriptedTracker,
    face_landmarks,
    open_mouth_landmarks,
    textured_image,
    white_pixels,
    with_white_eyes,
)

EXACT = LandmarkOptions(smoothing=False, settle_calls=0)


def _model(script, source_marks, options=EXACT):
    trackers = []

    def factory():
        trackers.append(ScriptedTracker(script))
        return trackers[-1]

    model = LandmarkModel(options, tracker_factory=factory, source_detector=lambda _: source_marks)
    return model, trackers


def _face_mask(points: np.ndarray, erode: int = 3) -> np.ndarray:
    mask = np.zeros((SIZE, SIZE), np.uint8)
    cv2.fillPoly(mask, [np.round(points[face_topology().oval, :2] - 0.5).astype(np.int32)], 1)
    return cv2.erode(mask, np.ones((2 * erode + 1,) * 2, np.uint8)) > 0


def test_is_an_animation_model_at_the_source_resolution():
    model = LandmarkModel()
    assert isinstance(model, AnimationModel)
    assert model.name == "landmarks" and model.frame_size is None


def test_still_driving_face_gives_back_the_source():
    source = textured_image()
    marks = face_landmarks()
    model, trackers = _model([(marks, True)], marks, LandmarkOptions())
    frames = [textured_image(seed=1)] * 4
    outputs = list(model.animate(source, frames))
    assert len(outputs) == 4
    for output in outputs:
        assert output.dtype == np.float32 and output.shape == source.shape
        assert np.abs(output - source).max() < 1e-3
    assert trackers[0].closed
    assert model.lost_frames == 0 and model.last_report.frames == 4


def test_known_similarity_of_the_driving_face_moves_the_source_face_by_it():
    source = textured_image()
    marks = face_landmarks()
    centre = marks[:, :2].mean(axis=0)
    angle = np.deg2rad(6.0)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    head = Similarity(1.06, rotation, np.zeros(2))
    head = Similarity(1.06, rotation, centre - head(centre[None])[0] + [5.0, -3.0])
    moved = marks.copy()
    moved[:, :2] = head(marks[:, :2])
    model, _ = _model([(marks, True), (moved, True)], marks)
    frame = textured_image(seed=1)
    outputs = list(model.animate(source, [frame, frame]))
    forward = head.matrix.copy()
    forward[:, 2] += forward[:, :2] @ [0.5, 0.5] - 0.5
    expected = cv2.warpAffine(source, forward, (SIZE, SIZE), flags=cv2.INTER_LINEAR)
    face = _face_mask(moved)
    assert np.abs(outputs[1] - expected)[face].mean() < 0.01
    assert np.abs(outputs[1] - source)[face].mean() > 0.05  # it did move


def test_lost_frames_hold_the_last_pose_and_are_counted():
    source = textured_image()
    marks = face_landmarks()
    opened = open_mouth_landmarks()
    lost = (np.zeros((478, 3)), False)
    script = [(marks, True), (opened, True), lost, lost, (opened, True)]
    model, _ = _model(script, marks)
    frames = [textured_image(seed=1)] * 5
    outputs = list(model.animate(source, frames))
    assert len(outputs) == 5
    np.testing.assert_array_equal(outputs[2], outputs[1])
    np.testing.assert_array_equal(outputs[3], outputs[1])
    assert np.abs(outputs[1] - source).max() > 0.05
    assert model.lost_frames == 2 and model.last_report.frames == 5


def test_frames_before_the_first_face_show_the_source():
    source = textured_image()
    marks = face_landmarks()
    script = [(np.zeros((478, 3)), False), (marks, True), (open_mouth_landmarks(), True)]
    model, _ = _model(script, marks)
    outputs = list(model.animate(source, [textured_image(seed=1)] * 3))
    np.testing.assert_array_equal(outputs[0], source)
    # The first frame with a face is the reference: the source itself.
    assert np.abs(outputs[1] - source).max() < 1e-3
    assert model.lost_frames == 1


def test_relative_absolute_and_adapt_scale_differ_as_specified():
    source = textured_image()
    marks = face_landmarks()
    # The driving face is smaller and off to the side of a wider frame.
    reference = face_landmarks(px_per_cm=4.0)
    reference[:, 0] += 50.0
    current = reference.copy()
    current[:, :2] += [6.0, 0.0]
    frame = np.zeros((SIZE, SIZE + 100, 3), np.float32)
    script = [(reference, True), (current, True)]

    def second(relative, adapt_scale):
        model, _ = _model(script, marks)
        outputs = list(
            model.animate(source, [frame, frame], relative=relative, adapt_scale=adapt_scale)
        )
        return outputs[1]

    relative = second(True, True)
    unscaled = second(True, False)
    absolute = second(False, True)
    face = _face_mask(marks, erode=12)
    # Relative: moved right by 6 * sqrt(area ratio) (~8.6 px) with adapt scale, 6 px without.
    shift = lambda image, dx: np.roll(source, dx, axis=1)  # noqa: E731
    assert np.abs(relative - shift(source, 9))[face].mean() < np.abs(relative - source)[face].mean()
    assert (
        np.abs(unscaled - shift(source, 6))[face].mean()
        < np.abs(relative - shift(source, 6))[face].mean()
    )
    # Absolute: the source face takes the driving face's size and place (centre square).
    assert np.abs(absolute - relative).mean() > 0.02
    absolute_again = second(False, False)
    np.testing.assert_array_equal(absolute, absolute_again)  # adapt scale: no effect


def test_opened_mouth_is_filled_with_no_hole():
    source = np.empty((SIZE, SIZE, 3), np.float32)
    source[:] = (0.75, 0.55, 0.45)  # skin
    marks = face_landmarks()
    topology = face_topology()
    lips = topology.inner_lips
    outer = np.round(marks[[61, 40, 37, 0, 267, 270, 291, 321, 314, 17, 84, 91], :2] - 0.5)
    cv2.fillPoly(source, [outer.astype(np.int32)], (0.6, 0.25, 0.25))  # closed lips
    opened = open_mouth_landmarks(degrees=18.0)
    driving = np.empty((SIZE, SIZE, 3), np.float32)
    driving[:] = (0.8, 0.6, 0.5)
    cv2.fillPoly(driving, [np.round(opened[lips, :2] - 0.5).astype(np.int32)], (0.25, 0.05, 0.05))
    script = [(marks, True), (opened, True)]
    model, _ = _model(script, marks)
    output = list(model.animate(source, [driving, driving]))[1]
    plain, _ = _model(
        script, marks, LandmarkOptions(smoothing=False, settle_calls=0, fill_mouth=False)
    )
    stretched = list(plain.animate(source, [driving, driving]))[1]

    mouth = np.zeros((SIZE, SIZE), np.uint8)
    cv2.fillPoly(mouth, [np.round(opened[lips, :2] - 0.5).astype(np.int32)], 1)
    mouth = cv2.erode(mouth, np.ones((3, 3), np.uint8)) > 0
    assert mouth.sum() > 30
    inside = output[mouth]
    assert np.isfinite(inside).all() and inside.min() >= 0.0 and inside.max() <= 1.0
    assert inside.mean() > 0.03  # shaded, never a black hole
    # A dark interior replaced the stretched lips, tinted like the source's (redder) lips.
    assert inside.mean() < stretched[mouth].mean() - 0.1
    assert inside[:, 0].mean() > inside[:, 1].mean() + 0.05


def test_grace_hopper_animated_by_carphone_frames(tmp_path):
    from facemotion.assets import sample_path
    from facemotion.io.video import VideoReader
    from facemotion.pipeline.animate import animate_video

    with VideoReader(sample_path("carphone.mp4")) as reader:
        frames = np.stack([frame for _, frame in zip(range(50), reader, strict=False)][::5])
    driving = write_video(tmp_path / "drive.mp4", frames, Fraction(25), audio=False)
    model = LandmarkModel()
    output = tmp_path / "out.mp4"
    report = animate_video(model, sample_path("grace_hopper.jpg"), driving, output, progress=False)
    assert report.frames == len(frames) and model.lost_frames == 0
    assert probe(output)["frames"] == len(frames)
    # the portrait moves with the speaker: frames differ from the first by more than coding noise
    with VideoReader(output) as reader:
        animated = np.stack(list(reader)).astype(np.float32)
    motion = np.abs(animated[1:] - animated[0]).mean(axis=(1, 2, 3))
    assert motion.max() > 2.0 and np.all(motion > 0.3), motion


def test_a_newly_found_face_settles_before_it_becomes_the_reference():
    source = textured_image()
    marks = face_landmarks()
    detected = marks.copy()
    detected[:, :2] += 1.5  # the detector's first guess, off by a pixel and a half
    script = [(detected, True), (marks, True)]
    model, trackers = _model(script, marks, LandmarkOptions(smoothing=False, settle_calls=2))
    outputs = list(model.animate(source, [textured_image(seed=1)] * 3))
    assert trackers[0].calls == 5  # the first frame three times, then one call a frame
    for output in outputs:
        assert np.abs(output - source).max() < 1e-3


def test_best_frame_runs_backwards_and_forwards_and_counts_lost_frames_of_both():
    from facemotion.pipeline.animate import animate_with_reference

    source = textured_image()
    marks = face_landmarks()
    lost = (np.zeros((478, 3)), False)
    model, trackers = _model([(marks, True), lost, (marks, True)], marks)
    frames = [textured_image(seed=1)] * 5
    outputs = list(animate_with_reference(model, source, frames, best_frame=2))
    assert len(outputs) == 5 and len(trackers) == 2
    assert all(np.abs(output - source).max() < 1e-3 for output in outputs)
    assert model.lost_frames == 2  # one in each pass


def _around_the_face(points: np.ndarray, inner: float, outer: float) -> np.ndarray:
    """(SIZE, SIZE) bool: the band between `inner` and `outer` times the face oval, scaled
    about its centre (where hair and ears lie), inside the image by a margin."""
    oval = points[face_topology().oval, :2]
    centre = oval.mean(axis=0)
    masks = []
    for factor in (outer, inner):
        mask = np.zeros((SIZE, SIZE), np.uint8)
        ring = centre + (oval - centre) * factor
        cv2.fillPoly(mask, [np.round(ring - 0.5).astype(np.int32)], 1)
        masks.append(mask > 0)
    band = masks[0] & ~masks[1]
    band[:8], band[-8:], band[:, :8], band[:, -8:] = False, False, False, False
    return band


# The hair tests below are of scene="follow", where the driving video's flow moves the
# surroundings; the still scene's are in test_scene.py.
def _turned_head_error(
    extent: float,
    body_motion: bool = True,
    band: tuple[float, float] = (1.05, 1.3),
    pan_px: int = 0,
) -> float:
    """Mean error in a band around the face (in face ovals) of the output against the source
    moved rigidly by the driving head's similarity (a 12-degree tilt). The driving scene pans
    sideways by `pan_px` at the same time (its optical flow then says all of it moves; still
    by default)."""
    source = textured_image()
    marks = face_landmarks(size=SIZE, px_per_cm=SIZE / 40)
    centre = marks[:, :2].mean(axis=0)
    angle = np.deg2rad(12.0)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    head = Similarity(1.0, rotation, centre - centre @ rotation.T)
    moved = marks.copy()
    moved[:, :2] = head(marks[:, :2])
    options = LandmarkOptions(
        smoothing=False,
        settle_calls=0,
        relative_head_extent=extent,
        body_motion=body_motion,
        scene="follow",
    )
    model, _ = _model([(marks, True), (moved, True)], marks, options)
    frame = textured_image(seed=1)
    output = list(model.animate(source, [frame, np.roll(frame, pan_px, axis=1)]))[1]
    forward = head.matrix.copy()
    forward[:, 2] += forward[:, :2] @ [0.5, 0.5] - 0.5
    expected = cv2.warpAffine(source, forward, (SIZE, SIZE), flags=cv2.INTER_LINEAR)
    mask = _around_the_face(moved, *band)
    assert mask.sum() > 200
    return float(np.abs(output - expected)[mask].mean())


def test_hair_beside_a_turning_head_moves_with_the_head():
    extent = LandmarkOptions().relative_head_extent
    # The mesh's rings alone move the band rigidly (up to resampling): the floor.
    floor = _turned_head_error(extent, body_motion=False)
    rigid, torn = _turned_head_error(extent), _turned_head_error(1.0)
    assert rigid - floor < 0.2 * (torn - floor)


def test_hair_further_out_follows_the_head_not_a_panning_scene():
    # Carphone frame 90 at an extent of 1.6: the driver's car slid past while his head turned,
    # and the outer part of the astronaut's hair went with the car, drawn out to a point.
    extent, far = LandmarkOptions().relative_head_extent, (1.3, 1.7)
    floor = _turned_head_error(extent, body_motion=False, band=far, pan_px=6)
    rigid = _turned_head_error(extent, band=far, pan_px=6)
    torn = _turned_head_error(1.0, band=far, pan_px=6)
    assert rigid - floor < 0.03 * (torn - floor)


def test_the_flow_is_blurred_less_in_absolute_mode(monkeypatch):
    import facemotion.motion.landmark_model as landmark_model

    blurs = []

    class Recording(landmark_model.DrivingFlow):
        def __init__(self, reference, side, smoothing, *rest):
            blurs.append(smoothing)
            super().__init__(reference, side, smoothing, *rest)

    monkeypatch.setattr(landmark_model, "DrivingFlow", Recording)
    marks = face_landmarks()
    options = LandmarkOptions(smoothing=False, settle_calls=0, scene="follow")
    for relative in (False, True):
        model, _ = _model([(marks, True)], marks, options)
        list(model.animate(textured_image(), [textured_image(seed=1)] * 2, relative=relative))
    assert blurs == [options.flow_smoothing, options.relative_flow_smoothing]
    assert options.flow_smoothing < options.relative_flow_smoothing


def test_the_trackers_blendshape_scores_reach_retargeting():
    from facemotion.landmarks.arkit import INDEX
    from facemotion.motion.retarget import RetargetOptions
    from tests.solver.synthetic_face import close_right_eye

    marks = face_landmarks()
    half = (marks + face_landmarks(face=close_right_eye())) / 2
    script = [(marks, True)] * 5 + [(half, True)]
    calm, blink = np.full(52, 0.05, np.float32), np.full(52, 0.05, np.float32)
    blink[INDEX["eyeBlinkRight"]] = 0.8
    # The eyes' openings painted white: how much white shows is how open each output eye is.
    source = with_white_eyes(textured_image() * 0.8, marks)
    frames = [np.zeros((SIZE, SIZE, 3), np.float32)] * len(script)

    def last(scores, weight=0.5):
        options = LandmarkOptions(
            smoothing=False,
            settle_calls=0,
            body_motion=False,
            retarget=RetargetOptions(blink_weight=weight),
        )
        model = LandmarkModel(
            options,
            tracker_factory=lambda: ScriptedTracker(script, scores),
            source_detector=lambda _: marks,
        )
        return list(model.animate(source, frames))[-1]

    scores = [calm] * 5 + [blink]
    bare, scored = last(None), last(scores)
    white = {
        name: [white_pixels(image, marks, loop) for loop in (RIGHT_EYE_LOOP, LEFT_EYE_LOOP)]
        for name, image in (("source", source), ("bare", bare), ("scored", scored))
    }
    # The rims alone half shut the right eye; the blink score shuts it further; the left eye,
    # whose score stayed calm, stays as open as the source's.
    assert white["bare"][0] < 0.8 * white["source"][0], white
    assert white["scored"][0] < 0.6 * white["bare"][0], white
    assert white["scored"][1] == white["bare"][1] > 0.9 * white["source"][1], white
    assert np.abs(last(scores, weight=0.0) - bare).max() < 1e-6
