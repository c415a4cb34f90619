"""The bundled Face Landmarker model: shipped, checked by sha256, refused when damaged."""

from __future__ import annotations

import shutil
import zipfile

import pytest

from facemotion.assets import MODEL_SHA256, model_path
from facemotion.errors import ModelError

NAME = "face_landmarker.task"


def test_the_bundled_model_is_there_with_its_notice():
    path = model_path(NAME)
    with zipfile.ZipFile(path) as bundle:
        members = set(bundle.namelist())
    assert {"face_detector.tflite", "face_landmarks_detector.tflite"} <= members
    assert "face_blendshapes.tflite" in members
    notice = (path.parent / "NOTICE").read_text()
    assert "Apache License, Version 2.0" in notice and MODEL_SHA256[NAME] in notice


def test_a_changed_model_file_is_refused_in_one_line(tmp_path):
    copy = tmp_path / NAME
    shutil.copyfile(model_path(NAME), copy)
    assert model_path(NAME, models_dir=tmp_path) == copy
    with open(copy, "r+b") as file:
        file.seek(1000)
        file.write(b"\x00\x01\x02\x03")
    with pytest.raises(ModelError) as caught:
        model_path(NAME, models_dir=tmp_path)
    message = str(caught.value)
    assert str(copy) in message and "sha256" in message and "\n" not in message


def test_a_missing_model_file_is_refused_in_one_line(tmp_path):
    with pytest.raises(ModelError, match="missing") as caught:
        model_path(NAME, models_dir=tmp_path)
    assert str(tmp_path / NAME) in str(caught.value)
