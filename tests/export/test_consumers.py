"""Real consumers: the Khronos glTF validator, and Blender importing the .glb and the .bvh.

Marked `blender` / `node`; they skip locally when the tool is missing and fail under CI=true
(`.ci/run` installs Debian's blender and nodejs, and gltf-validator into tests/export/node).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from facemotion.export.bvh import build_bvh
from facemotion.export.gltf import build_glb
from facemotion.landmarks.arkit import ARKIT_NAMES
from tests.export.capture_clip import FPS, FRAMES, solved_clip

HERE = Path(__file__).resolve().parent
NODE_DIR = HERE / "node"
BLENDER_SCRIPT = HERE / "blender_import.py"


def require(available: bool, what: str) -> None:
    if available:
        return
    message = f"{what} is missing; .ci/run installs it"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    solution, times = solved_clip()
    folder = tmp_path_factory.mktemp("consumers")
    glb = folder / "clip.glb"
    glb.write_bytes(
        build_glb(
            solution.neutral_cm,
            solution.head_landmarks,
            solution.blendshapes,
            ARKIT_NAMES,
            solution.rotation,
            solution.translation_cm,
            times,
        )
    )
    motion = folder / "clip.bvh"
    motion.write_text(
        build_bvh(
            FPS,
            solution.rotation,
            solution.translation_cm,
            solution.blendshapes,
            solution.eye_rotation,
        )
    )
    return {"glb": glb, "bvh": motion, "duration_s": float(times[-1])}


def validate_glb(path: Path) -> dict:
    """The Khronos validator's report of a .glb file."""
    node = shutil.which("node")
    require(
        node is not None and (NODE_DIR / "node_modules" / "gltf-validator").is_dir(),
        "node with gltf-validator",
    )
    result = subprocess.run(
        [node, str(NODE_DIR / "validate.js"), str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def blender_import(path: Path, tmp_path: Path) -> dict:
    """What Blender 3.4 (headless) imported from a .glb or .bvh file."""
    blender = shutil.which("blender")
    require(blender is not None, "blender")
    report = tmp_path / f"{path.suffix[1:]}-report.json"
    result = subprocess.run(
        [
            blender,
            "-b",
            "--factory-startup",
            "--python-exit-code",
            "1",
            "--python",
            str(BLENDER_SCRIPT),
            "--",
            str(path),
            str(report),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0 and report.is_file(), (
        result.stdout[-2000:] + result.stderr[-2000:]
    )
    return json.loads(report.read_text())


@pytest.mark.node
def test_glb_passes_the_khronos_validator(files):
    report = validate_glb(files["glb"])
    issues = report["issues"]
    assert issues["numErrors"] == 0, issues["messages"]
    assert issues["numWarnings"] == 0, issues["messages"]
    info = report["info"]
    assert info["animationCount"] == 1 and info["hasMorphTargets"]
    assert info["totalVertexCount"] == 478


@pytest.mark.blender
def test_blender_imports_the_glb_with_52_shape_keys(files, tmp_path):
    report = blender_import(files["glb"], tmp_path)
    assert report["meshes"] == 1 and report["vertices"] == 478
    assert report["shape_keys"] == list(ARKIT_NAMES)
    # Blender keys glTF animation at its scene rate (24 fps by default).
    start, end = report["shape_key_frame_range"]
    assert start == pytest.approx(0, abs=0.01)
    assert end == pytest.approx(files["duration_s"] * report["scene_fps"], abs=0.05)
    assert report["object_actions"]["Head"][1] == pytest.approx(end, abs=0.05)


@pytest.mark.blender
def test_blender_imports_the_bvh_with_every_frame(files, tmp_path):
    report = blender_import(files["bvh"], tmp_path)
    assert report["bones"] == ["Head", "Jaw", "LeftEye", "Neck", "RightEye"]
    assert report["frame_range"] == [1.0, float(FRAMES)]
    assert report["scene_fps"] == pytest.approx(FPS, abs=0.01)
