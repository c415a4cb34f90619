"""The frame-by-frame solver gives the offline `solve` values; lost faces hold, then ease."""

from __future__ import annotations

import numpy as np
import pytest

from facemotion.landmarks import FaceObservation
from facemotion.landmarks.arkit import INDEX
from facemotion.solver.clip import SolveOptions, solve
from facemotion.solver.streaming import StreamingSolver, StreamOptions
from tests.solver.synthetic_face import FRAME_SIZE, NEUTRAL_CM, open_jaw, to_image


def moving_clip(count: int = 40) -> tuple[np.ndarray, np.ndarray]:
    """(count, 478, 3) image-axis landmarks: the head turns and nods while the jaw opens;
    (count, 52) scores: jawOpen follows the jaw, browInnerUp rests at 0.3."""
    frames, scores = [], np.zeros((count, 52), np.float32)
    scores[:, INDEX["browInnerUp"]] = 0.3
    for t in range(count):
        phase = t / count * 2 * np.pi
        face = open_jaw(12.0 * max(0.0, np.sin(phase)))
        angles = (25.0 * np.sin(phase), 8.0 * np.cos(phase), 5.0 * np.sin(2 * phase))
        frames.append(to_image(face, angles, centre_px=(320 + 20 * np.sin(phase), 240.0)))
        scores[t, INDEX["jawOpen"]] = 0.8 * max(0.0, np.sin(phase))
    return np.stack(frames), scores


def seen(landmarks: np.ndarray, scores: np.ndarray | None = None) -> FaceObservation:
    """A FaceObservation of a face with these landmarks and scores (default all 0)."""
    scores = np.zeros(52, np.float32) if scores is None else scores
    return FaceObservation(landmarks.astype(np.float32), scores, np.eye(4, dtype=np.float32))


@pytest.mark.parametrize("smoothing", [(1.5, 1.0), None])
def test_stream_equals_offline_solve(smoothing):
    landmarks, scores = moving_clip()
    times = np.arange(len(landmarks)) / 30.0
    detected = np.ones(len(landmarks), bool)
    options = SolveOptions(neutral=0, smoothing=smoothing)
    offline = solve(landmarks, detected, times, FRAME_SIZE, options, scores=scores)
    solver = StreamingSolver(FRAME_SIZE, StreamOptions(neutral_frame=0, smoothing=smoothing))
    live = [
        solver.step(seen(points, frame_scores), float(t))
        for points, frame_scores, t in zip(landmarks, scores, times, strict=True)
    ]
    np.testing.assert_allclose([f.blendshapes for f in live], offline.blendshapes, atol=1e-5)
    np.testing.assert_allclose([f.angles_deg for f in live], offline.angles_deg, atol=1e-6)
    np.testing.assert_allclose([f.translation_cm for f in live], offline.translation_cm, atol=1e-6)
    np.testing.assert_allclose([f.eye_rotation for f in live], offline.eye_rotation, atol=1e-6)
    np.testing.assert_allclose([f.rotation for f in live], offline.rotation, atol=1e-6)
    assert live[10].blendshapes[INDEX["jawOpen"]] > 0.5
    # The neutral frame's resting score is calibrated out.
    assert np.abs(offline.blendshapes[:, INDEX["browInnerUp"]]).max() < 1e-6


def test_lost_face_holds_then_eases_to_neutral():
    jaw = INDEX["jawOpen"]
    open_scores = np.zeros(52, np.float32)
    open_scores[jaw] = 0.7
    open_face = seen(to_image(open_jaw(14.0), (20.0, 0.0, 0.0)), open_scores)
    solver = StreamingSolver(FRAME_SIZE, StreamOptions(smoothing=None, hold_s=0.5, ease_s=0.5))
    solver.step(seen(to_image(NEUTRAL_CM)), 0.0)
    last = solver.step(open_face, 0.1)
    missing = FaceObservation.missing()
    held = solver.step(missing, 0.5)
    halfway = solver.step(missing, 0.85)
    gone = solver.step(missing, 1.2)
    assert last.blendshapes[jaw] > 0.6 and held.held and not held.detected
    np.testing.assert_allclose(held.blendshapes, last.blendshapes)
    np.testing.assert_allclose(halfway.blendshapes[jaw], last.blendshapes[jaw] / 2, rtol=0.05)
    assert np.allclose(gone.blendshapes, 0.0) and np.allclose(gone.angles_deg, 0.0)
    np.testing.assert_allclose(gone.translation_cm, last.translation_cm)


def test_frames_before_any_face_are_neutral():
    solver = StreamingSolver(FRAME_SIZE)
    first = solver.step(FaceObservation.missing(), 0.0)
    assert not first.detected and np.allclose(first.blendshapes, 0.0)
    np.testing.assert_allclose(first.rotation, np.eye(3))


@pytest.mark.parametrize("smoothing", [(float("nan"), 1.0), (1.0, float("inf"))])
def test_stream_options_refuse_smoothing_that_is_not_finite(smoothing):
    """The live API (`run_live`, the web Live tab): NaN smoothing made every value NaN."""
    from facemotion.errors import InputError
    from facemotion.solver.streaming import StreamOptions

    with pytest.raises(InputError, match="finite"):
        StreamOptions(smoothing=smoothing)
