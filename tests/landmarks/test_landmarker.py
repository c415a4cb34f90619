"""The Face Landmarker's result read into FaceObservations: pixels, ARKit order, the matrix."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from facemotion.landmarks import LandmarkTracker
from facemotion.landmarks.arkit import ARKIT_NAMES, INDEX
from facemotion.landmarks.landmarker import FaceObservation, observations


def test_scores_are_read_by_name_into_arkit_order():
    point = SimpleNamespace(x=0.5, y=0.25, z=-0.1)
    categories = [SimpleNamespace(category_name="_neutral", score=0.9)] + [
        SimpleNamespace(category_name=name, score=(k + 1) / 100)
        for k, name in enumerate(reversed(ARKIT_NAMES[:-1]))  # MediaPipe's own order differs
    ]
    result = SimpleNamespace(
        face_landmarks=[[point] * 478],
        face_blendshapes=[categories],
        facial_transformation_matrixes=[np.eye(4)],
    )
    (face,) = observations(result, width=200, height=100)
    assert face.found and face.landmarks.shape == (478, 3) and face.landmarks.dtype == np.float32
    np.testing.assert_allclose(face.landmarks[0], [100.0, 25.0, -20.0])  # z scales with width
    assert face.blendshapes.shape == (52,) and face.blendshapes[INDEX["tongueOut"]] == 0
    by_name = {c.category_name: c.score for c in categories}
    for name in ARKIT_NAMES[:-1]:
        assert face.blendshapes[INDEX[name]] == np.float32(by_name[name])
    missing = FaceObservation.missing()
    assert not missing.found and not missing.blendshapes.any() and not missing.landmarks.any()


def test_a_tracked_face_has_scores_and_a_rigid_matrix(carphone_frames):
    with LandmarkTracker() as tracker:
        faces = [tracker.observe(frame, t / 30) for t, frame in enumerate(carphone_frames[:10])]
    assert all(face.found for face in faces)
    scores = np.stack([face.blendshapes for face in faces])
    assert scores.min() >= 0 and scores.max() <= 1 and (scores[:, INDEX["tongueOut"]] == 0).all()
    assert scores.max() > 0.2  # the model says something
    rotation = faces[0].matrix[:3, :3].astype(np.float64)
    np.testing.assert_allclose(rotation @ rotation.T, np.eye(3), atol=1e-3)
    assert faces[0].matrix[2, 3] < 0  # the face is in front of the camera (z toward the viewer)
