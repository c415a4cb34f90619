"""The live portrait drives a model's `animate` generator one newest frame at a time."""

from __future__ import annotations

import numpy as np
import pytest

from facemotion.live.portrait import LivePortrait, Preview
from tests.fakes import FaceFreeModel


class EchoModel(FaceFreeModel):
    """Yields, per driving frame, the source brightened by the driving frame's mean."""

    name = "echo"
    frame_size = None

    def __init__(self) -> None:
        self.reference = None

    def animate(self, source, driving, *, relative=True, adapt_scale=True):
        for frame in driving:
            if self.reference is None:
                self.reference = float(frame.mean())
            yield np.clip(source * 0 + frame.mean(), 0, 1)


def test_each_call_animates_the_frame_it_was_given():
    model = EchoModel()
    portrait = LivePortrait(model, np.zeros((60, 80, 3), np.uint8), size=32)
    outputs = [portrait(np.full((48, 64, 3), value, np.uint8)) for value in (10, 200, 90)]
    portrait.close()
    assert [out.shape for out in outputs] == [(32, 32, 3)] * 3
    assert [int(out[0, 0, 0]) for out in outputs] == [10, 200, 90]
    assert abs(model.reference - 10 / 255) < 1e-6


def test_preview_without_gui_warns_once():
    warnings: list[str] = []
    preview = Preview("test", warnings.append)
    for _ in range(3):
        preview.show(np.zeros((8, 8, 3), np.uint8))
    preview.close()
    # opencv-python-headless (the dependency) has no windows.
    assert len(warnings) == 1 and "no preview window" in warnings[0]


def test_the_live_loops_observation_reaches_the_landmark_model_with_its_scores():
    from facemotion.landmarks.landmarker import FaceObservation
    from facemotion.live.portrait import _reusing_landmarks
    from facemotion.motion.landmark_model import LandmarkModel

    given: list[FaceObservation] = []
    model = _reusing_landmarks(LandmarkModel(), lambda: given[-1])
    tracker = model._tracker()
    seen = FaceObservation(
        np.full((478, 3), 5.0, np.float32),
        np.linspace(0.0, 1.0, 52, dtype=np.float32),
        np.eye(4, dtype=np.float32),
    )
    given.append(seen)
    points, found = tracker(np.zeros((8, 8, 3), np.uint8))
    assert found and np.array_equal(points, seen.landmarks)
    assert np.array_equal(tracker.blendshapes(), seen.blendshapes)
    given.append(FaceObservation.missing())
    points, found = tracker(np.zeros((8, 8, 3), np.uint8))
    assert not found and tracker.blendshapes() is None
    tracker.close()
    assert not model.options.overlap  # one camera frame at a time


def _live_scene_change(scene: str) -> float:
    """The largest mean change (grey levels) of the live portrait's scene around the
    astronaut, frame to source, over carphone's first frames as the camera."""
    import cv2

    from facemotion.assets import sample_path
    from facemotion.io.video import VideoReader
    from facemotion.motion.landmark_model import LandmarkModel, LandmarkOptions
    from tests.media import person_in_stripes

    photo, near = person_in_stripes(width=384)
    with VideoReader(sample_path("carphone.mp4")) as reader:
        camera = [frame for _, frame in zip(range(30), reader, strict=False)][::3]
    portrait = LivePortrait(LandmarkModel(LandmarkOptions(scene=scene)), photo)
    try:
        outputs = [portrait(frame).astype(np.float32) for frame in camera]
    finally:
        portrait.close()
    size = portrait.size
    scene_mask = cv2.resize((~near).astype(np.uint8), (size, size)) > 0
    source = np.round(portrait.source * 255.0)
    if scene_mask.mean() < 0.2:
        pytest.fail("too little scene left to measure")
    return max(float(np.abs(output - source)[scene_mask].mean()) for output in outputs)


@pytest.mark.slow
def test_the_live_portraits_scene_stays_still():
    assert _live_scene_change("still") < 0.5


@pytest.mark.slow
def test_the_live_portraits_scene_follows_the_camera_with_follow():
    assert _live_scene_change("follow") > 0.5


def test_what_the_source_gives_is_found_before_the_first_camera_frame():
    """Landmarks, person layers and the rest are found when the portrait is made, by the
    model's own segmenter: found on the first frame they took 0.35-0.65 s, ten to twenty
    camera frames dropped."""
    from facemotion.assets import sample_path
    from facemotion.io.images import load_image
    from facemotion.io.video import VideoReader
    from facemotion.landmarks.segmentation import segment_person
    from facemotion.motion.landmark_model import LandmarkModel

    segmented: list[tuple[int, ...]] = []

    def segmenter(image: np.ndarray) -> np.ndarray:
        segmented.append(image.shape)
        return segment_person(image)

    model = LandmarkModel(source_segmenter=segmenter)
    portrait = LivePortrait(model, load_image(sample_path("astronaut.png")))
    try:
        assert segmented == [(256, 256, 3)]
        with VideoReader(sample_path("carphone.mp4")) as reader:
            for _, frame in zip(range(3), reader, strict=False):
                portrait(frame)
        assert segmented == [(256, 256, 3)]
    finally:
        portrait.close()
