"""The public API names resolve lazily and `facemotion.capture(...)` runs the capture job."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

import facemotion
import facemotion.landmarks  # noqa: F401  (patched below)


def test_capture_is_callable_after_its_submodules_load(monkeypatch):
    import facemotion.pipeline.capture  # noqa: F401
    import facemotion.solver.clip  # noqa: F401  (no submodule shadows the API name)

    def no_face(frames, **options):
        for _ in frames:
            yield np.zeros((478, 3), np.float32), False

    monkeypatch.setattr(facemotion.landmarks, "detect_landmarks", no_face)
    try:
        facemotion.capture(np.zeros((32, 32, 3), np.uint8))
    except facemotion.errors.NoFaceError as exc:
        assert "face" in str(exc)
    else:
        raise AssertionError("a blank image must raise NoFaceError")


def test_lazy_exports_in_a_fresh_interpreter():
    code = (
        "import sys, facemotion; assert 'torch' not in sys.modules; "
        "print(callable(facemotion.capture), callable(facemotion.load_model), "
        "callable(facemotion.animate))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "True", "True"]
