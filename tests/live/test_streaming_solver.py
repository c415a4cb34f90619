"""The frame-by-frame solver gives the offline `solve` values; lost faces hold, then ease."""

from __future__ import annotations

import numpy as np
import pytest

from facemotion.landmarks.arkit import INDEX
from facemotion.solver.clip import CaptureOptions, solve
from facemotion.solver.streaming import StreamingSolver, StreamOptions
from tests.solver.synthetic_face import FRAME_SIZE, NEUTRAL_CM, open_jaw, to_image


def moving_clip(count: int = 40) -> np.ndarray:
    """(count, 478, 3) image-axis landmarks: the head turns and nods while the jaw opens."""
    frames = []
    for t in range(count):
        phase = t / count * 2 * np.pi
        face = open_jaw(12.0 * max(0.0, np.sin(phase)))
        angles = (25.0 * np.sin(phase), 8.0 * np.cos(phase), 5.0 * np.sin(2 * phase))
        frames.append(to_image(face, angles, centre_px=(320 + 20 * np.sin(phase), 240.0)))
    return np.stack(frames)


@pytest.mark.parametrize("smoothing", [(1.5, 1.0), None])
def test_stream_equals_offline_solve(smoothing):
    landmarks = moving_clip()
    times = np.arange(len(landmarks)) / 30.0
    detected = np.ones(len(landmarks), bool)
    offline = solve(
        landmarks, detected, times, FRAME_SIZE, CaptureOptions(neutral=0, smoothing=smoothing)
    )
    solver = StreamingSolver(FRAME_SIZE, StreamOptions(neutral_frame=0, smoothing=smoothing))
    live = [solver.step(points, True, float(t)) for points, t in zip(landmarks, times, strict=True)]
    np.testing.assert_allclose([f.blendshapes for f in live], offline.blendshapes, atol=1e-5)
    np.testing.assert_allclose([f.angles_deg for f in live], offline.angles_deg, atol=1e-6)
    np.testing.assert_allclose([f.translation_cm for f in live], offline.translation_cm, atol=1e-6)
    np.testing.assert_allclose([f.eye_rotation for f in live], offline.eye_rotation, atol=1e-6)
    np.testing.assert_allclose([f.rotation for f in live], offline.rotation, atol=1e-6)
    assert live[10].blendshapes[INDEX["jawOpen"]] > 0.2


def test_lost_face_holds_then_eases_to_neutral():
    open_face = to_image(open_jaw(14.0), (20.0, 0.0, 0.0))
    solver = StreamingSolver(FRAME_SIZE, StreamOptions(smoothing=None, hold_s=0.5, ease_s=0.5))
    solver.step(to_image(NEUTRAL_CM), True, 0.0)
    seen = solver.step(open_face, True, 0.1)
    missing = np.full((478, 3), np.nan, np.float32)
    held = solver.step(missing, False, 0.5)
    halfway = solver.step(missing, False, 0.85)
    gone = solver.step(missing, False, 1.2)
    jaw = INDEX["jawOpen"]
    assert seen.blendshapes[jaw] > 0.3 and held.held and not held.detected
    np.testing.assert_allclose(held.blendshapes, seen.blendshapes)
    np.testing.assert_allclose(halfway.blendshapes[jaw], seen.blendshapes[jaw] / 2, rtol=0.05)
    assert np.allclose(gone.blendshapes, 0.0) and np.allclose(gone.angles_deg, 0.0)
    np.testing.assert_allclose(gone.translation_cm, seen.translation_cm)


def test_frames_before_any_face_are_neutral():
    solver = StreamingSolver(FRAME_SIZE)
    first = solver.step(np.zeros((478, 3), np.float32), False, 0.0)
    assert not first.detected and np.allclose(first.blendshapes, 0.0)
    np.testing.assert_allclose(first.rotation, np.eye(3))
