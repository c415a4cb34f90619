from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from facemotion.landmarks import LandmarkTracker, detect_landmarks
from facemotion.landmarks.topology import LEFT_EYE, LIPS_OUTER, NOSE_TIP, RIGHT_EYE


def _threads() -> int:
    return len(os.listdir("/proc/self/task"))


def test_portrait_points_lie_on_the_face(grace):
    with LandmarkTracker(static=True) as tracker:
        points, found = tracker(grace)
    assert found and points.shape == (478, 3) and points.dtype == np.float32
    height, width = grace.shape[:2]
    assert (points[:, 0] > 0).all() and (points[:, 0] < width).all()
    assert (points[:, 1] > 0).all() and (points[:, 1] < height).all()
    left_eye, right_eye = points[LEFT_EYE].mean(axis=0), points[RIGHT_EYE].mean(axis=0)
    nose, mouth = points[NOSE_TIP], points[LIPS_OUTER].mean(axis=0)
    # The subject's left eye is on the image's right; eyes above the nose above the mouth.
    assert left_eye[0] - right_eye[0] > 40
    assert max(left_eye[1], right_eye[1]) < nose[1] < mouth[1]
    assert right_eye[0] < nose[0] < left_eye[0] and right_eye[0] < mouth[0] < left_eye[0]
    # Irises inside their eyes; the nose tip nearest the camera (z, in px, negative is nearer).
    for centre, eye in ((473, LEFT_EYE), (468, RIGHT_EYE)):
        low, high = points[eye, :2].min(axis=0), points[eye, :2].max(axis=0)
        assert (low < points[centre, :2]).all() and (points[centre, :2] < high).all()
    assert points[NOSE_TIP, 2] == points[:, 2].min() or points[NOSE_TIP, 2] < -20
    assert np.abs(points[:, 2]).max() < width / 2


def test_blendshapes_are_those_of_the_frame_last_tracked(grace):
    with LandmarkTracker(static=True) as tracker:
        assert tracker.blendshapes() is None
        points, found = tracker(grace)
        scores = tracker.blendshapes()
        expected = tracker.observe(grace).blendshapes
        assert found and scores is not None and scores.shape == (52,)
        np.testing.assert_allclose(scores, expected, atol=1e-6)
        tracker(np.zeros_like(grace))
        assert tracker.blendshapes() is None  # no face: no scores


def test_tracking_finds_the_face_on_every_carphone_frame(carphone_frames):
    results = list(detect_landmarks(carphone_frames))
    assert len(results) == len(carphone_frames) and all(found for _, found in results)
    points = np.stack([p for p, _ in results])
    height, width = carphone_frames[0].shape[:2]
    assert (points[..., 0] > 0).all() and (points[..., 0] < width).all()
    assert (points[..., 1] > 0).all() and (points[..., 1] < height).all()
    # Tracking is steady: points move by about a pixel from one frame to the next.
    assert np.median(np.linalg.norm(np.diff(points[..., :2], axis=0), axis=-1)) < 2.0


def test_detect_landmarks_is_the_tracker_frame_by_frame(carphone_frames):
    frames = carphone_frames[:8]
    with LandmarkTracker() as tracker:
        by_hand = [tracker(frame) for frame in frames]
    for (points, found), (expected, expected_found) in zip(
        detect_landmarks(frames), by_hand, strict=True
    ):
        assert found == expected_found
        np.testing.assert_allclose(points, expected, atol=1e-3)


@pytest.mark.parametrize("static", [False, True])
def test_a_frame_without_a_face_is_reported_not_filled(carphone_frames, static):
    blank = np.full_like(carphone_frames[0], 127)
    frames = [carphone_frames[0], carphone_frames[1], blank, carphone_frames[3]]
    results = list(detect_landmarks(frames, static=static))
    assert [found for _, found in results] == [True, True, False, True]
    assert results[2][0].shape == (478, 3) and not results[2][0].any()
    # The returned arrays are the caller's: changing one changes no other.
    results[0][0][:] = 0
    assert results[1][0].any()


def test_a_face_index_not_on_the_frame_is_not_found(carphone_frames):
    frames = carphone_frames[:3]
    assert all(found for _, found in detect_landmarks(frames, face=0))
    missing = list(detect_landmarks(frames, face=1))
    assert not any(found for _, found in missing)
    assert not any(points.any() for points, _ in missing)


def test_other_image_types_are_converted(grace, grace_points):
    grey = grace.mean(axis=2).astype(np.uint8)
    as_float = grace.astype(np.float32) / 255.0
    with LandmarkTracker(static=True) as tracker:
        for image in (grey, as_float, grace[:, :, [0, 1, 2, 0]]):
            points, found = tracker(image)
            assert found
            assert np.median(np.abs(points[:, :2] - grace_points[:, :2])) < 3.0


def test_mediapipe_is_released_on_close(carphone_frames):
    frames = carphone_frames[:2]
    list(detect_landmarks(frames))  # threads that live for the whole process start here
    before = _threads()
    for _ in range(10):
        with LandmarkTracker() as tracker:
            tracker(frames[0])
        stream = detect_landmarks(frames)
        next(stream)
        stream.close()  # left early: the generator still closes its tracker
    # One worker thread of MediaPipe's comes and goes on its own; a leak would add ten or more.
    assert _threads() <= before + 1
    tracker.close()  # closing twice is harmless, and a closed tracker starts afresh
    assert tracker(frames[0])[1]
    tracker.close()


def test_negative_face_index_is_refused():
    with pytest.raises(ValueError, match="face"):
        LandmarkTracker(face=-1)


def test_nothing_reaches_stderr_at_exit(tmp_path):
    """MediaPipe's set-up and teardown logs are silenced, and every landmarker is closed (one
    left to the garbage collector prints a TypeError from its __del__ at exit)."""
    script = (
        "from facemotion.assets import sample_path\n"
        "from facemotion.io.images import load_image\n"
        "from facemotion.io.video import VideoReader\n"
        "from facemotion.landmarks import LandmarkTracker, detect_image_face, observe_faces\n"
        "frames = list(VideoReader(sample_path('carphone.mp4')))[:3]\n"
        "with LandmarkTracker() as tracker:\n"
        "    assert tracker.observe(frames[0]).found\n"
        "assert detect_image_face(load_image(sample_path('astronaut.png'))).found\n"
        "stream = observe_faces(frames)\n"
        "assert next(stream).found  # left open: the generator's own cleanup closes it\n"
        "print('ok')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, timeout=120
    )
    assert done.returncode == 0 and done.stdout == "ok\n"
    assert done.stderr == ""
