"""The bundled person segmenter: a person in the portraits, none in a plain texture."""

from __future__ import annotations

import numpy as np

from facemotion.assets import MODEL_SHA256, model_path
from facemotion.landmarks.segmentation import MODEL, segment_person
from facemotion.landmarks.topology import CHIN, FOREHEAD_TOP, NOSE_TIP


def _curtain(size: int = 256) -> np.ndarray:
    """(size, size, 3) uint8: stripes hanging in folds, no person."""
    y, x = np.mgrid[0:size, 0:size].astype(np.float32) / size
    fold = np.sin(2 * np.pi * 4 * x + 0.6 * np.sin(2 * np.pi * 1.5 * y))
    stripes = 0.5 + 0.5 * np.sin(2 * np.pi * 18 * (x + 0.012 * fold))
    image = np.stack([0.45 + 0.4 * stripes, 0.2 + 0.1 * stripes, 0.25 * np.ones_like(x)], 2)
    return np.round(255 * image * (0.75 + 0.25 * fold[..., None])).astype(np.uint8)


def test_the_model_ships_with_its_notice():
    path = model_path(MODEL)
    notice = (path.parent / "NOTICE").read_text()
    assert MODEL in notice and MODEL_SHA256[MODEL] in notice


def test_finds_the_astronaut_head_hair_and_shoulders(astronaut):
    from facemotion.landmarks import detect_image_landmarks

    confidence = segment_person(astronaut)
    assert confidence.shape == astronaut.shape[:2] and confidence.dtype == np.float32
    points = detect_image_landmarks(astronaut)
    for index in (NOSE_TIP, FOREHEAD_TOP, CHIN):
        x, y = np.round(points[index, :2]).astype(int)
        assert confidence[y, x] > 0.9
    # the hair above the forehead, and the sky-dark wall far to the top right: not a person
    x, y = np.round(points[FOREHEAD_TOP, :2]).astype(int)
    height = int(np.hypot(*(points[CHIN, :2] - points[FOREHEAD_TOP, :2])))
    assert confidence[y - height // 6, x] > 0.9
    assert confidence[20:80, 430:500].max() < 0.1
    assert 0.3 < (confidence > 0.5).mean() < 0.8


def test_finds_no_person_in_a_plain_texture():
    assert segment_person(_curtain()).max() < 0.1


def test_takes_float_images_and_grey():
    texture = _curtain()
    as_float = segment_person(texture.astype(np.float32) / 255.0)
    assert np.abs(as_float - segment_person(texture)).max() < 1e-3
    assert segment_person(texture[..., 0]).shape == texture.shape[:2]
