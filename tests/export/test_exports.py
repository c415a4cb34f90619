"""CSV, JSON, BVH, glTF and plots from a synthetic capture, read back by independent readers."""

from __future__ import annotations

import csv
import io
import json

import bvh
import numpy as np
import pygltflib
import pytest

from facemotion.errors import OutputError
from facemotion.export.bvh import build_bvh
from facemotion.export.gltf import build_glb, face_triangles, fit_morph_targets
from facemotion.export.json_export import build_json
from facemotion.export.livelink_csv import build_csv, timecode
from facemotion.export.overlay import draw_overlay
from facemotion.export.plots import build_plots
from facemotion.landmarks.arkit import ARKIT_NAMES, INDEX, LIVE_LINK_COLUMNS
from tests.export.capture_clip import FPS, FRAMES, solved_clip


@pytest.fixture(scope="module")
def clip():
    return solved_clip()


def test_timecode_at_the_frame_rate():
    assert timecode(0.0, 30.0) == "00:00:00:00.000"
    assert timecode(29 / 30, 30.0) == "00:00:00:29.000"
    assert timecode(1.0, 30.0) == "00:00:01:00.000"
    assert timecode(3723 + 5 / 25, 25.0) == "01:02:03:05.000"
    # 29.97 fps: non-drop-frame labels, frame n of the clip is frame n of the timecode.
    assert timecode(30 * 1001 / 30000, 30000 / 1001) == "00:00:01:00.000"
    # A VFR frame between two grid positions keeps the fraction as a subframe.
    assert timecode(0.05, 30.0) == "00:00:00:01.500"


def test_csv_has_the_live_link_face_layout(clip):
    solution, times = clip
    text = build_csv(times, FPS, solution.blendshapes, solution.angles_deg, solution.eye_rotation)
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == LIVE_LINK_COLUMNS and len(rows[0]) == 63
    assert len(rows) == FRAMES + 1
    assert all(len(row) == 63 and row[1] == "61" for row in rows[1:])
    assert rows[1][0] == "00:00:00:00.000" and rows[-1][0] == f"00:00:00:{FRAMES - 1:02d}.000"
    values = np.array([[float(v) for v in row[2:]] for row in rows[1:]])
    np.testing.assert_allclose(values[:, :52], solution.blendshapes, atol=1e-6)
    np.testing.assert_allclose(values[:, 52], np.deg2rad(solution.angles_deg[:, 0]), atol=1e-6)
    assert values[-1, INDEX["jawOpen"]] > 0.5


def test_json_round_trips(clip):
    solution, times = clip
    text = build_json(
        fps=FPS,
        times_s=times,
        names=ARKIT_NAMES,
        blendshapes=solution.blendshapes,
        angles_deg=solution.angles_deg,
        rotation=solution.rotation,
        translation_cm=solution.translation_cm,
        eye_rotation=solution.eye_rotation,
        detected=solution.detected,
        interpolated=solution.interpolated,
        frame_size=(480, 640),
        landmarks=solution.landmarks,
    )
    document = json.loads(text)
    assert document["fps"] == pytest.approx(FPS) and document["names"] == list(ARKIT_NAMES)
    assert len(document["frames"]) == FRAMES
    last = document["frames"][-1]
    assert last["head"]["yaw_deg"] == pytest.approx(solution.angles_deg[-1, 0], abs=1e-3)
    assert len(last["blendshapes"]) == 52 and np.array(last["landmarks"]).shape == (478, 3)
    assert last["detected"] is True


def test_json_is_never_written_with_bare_nan(clip):
    """json.dumps writes NaN as a bare token, which is not JSON: refused instead."""
    solution, times = clip
    blendshapes = solution.blendshapes.copy()
    blendshapes[3, 7] = np.nan
    with pytest.raises(OutputError, match="not finite"):
        build_json(
            fps=FPS,
            times_s=times,
            names=ARKIT_NAMES,
            blendshapes=blendshapes,
            angles_deg=solution.angles_deg,
            rotation=solution.rotation,
            translation_cm=solution.translation_cm,
            eye_rotation=solution.eye_rotation,
            detected=solution.detected,
            interpolated=solution.interpolated,
            frame_size=(480, 640),
        )


def test_bvh_reads_back_with_the_right_frames(clip):
    solution, _ = clip
    text = build_bvh(
        FPS, solution.rotation, solution.translation_cm, solution.blendshapes, solution.eye_rotation
    )
    motion = bvh.Bvh(text)
    assert motion.get_joints_names() == ["Head", "Neck", "Jaw", "LeftEye", "RightEye"]
    assert motion.nframes == FRAMES
    assert motion.frame_time == pytest.approx(1 / FPS, abs=1e-7)
    # The root's Z, X, Y rotation channels rebuild the head rotation.
    from scipy.spatial.transform import Rotation

    zxy = np.array(
        motion.frames_joint_channels("Head", ["Zrotation", "Xrotation", "Yrotation"]), float
    )
    rebuilt = Rotation.from_euler("ZXY", zxy, degrees=True).as_matrix()
    np.testing.assert_allclose(rebuilt, solution.rotation, atol=1e-3)
    jaw = np.array(motion.frames_joint_channels("Jaw", ["Xrotation"]), float)[:, 0]
    assert jaw[-1] > 10 and jaw[0] == pytest.approx(0.0, abs=1e-3)


def test_face_triangles_form_an_oriented_mesh():
    triangles = face_triangles()
    assert triangles.shape[1] == 3 and len(triangles) > 850
    assert set(np.unique(triangles)) == set(range(478))


def test_morph_targets_reproduce_the_landmarks(clip):
    solution, _ = clip
    targets = fit_morph_targets(solution.head_landmarks, solution.neutral_cm, solution.blendshapes)
    assert targets.shape == (52, 478, 3)
    rebuilt = solution.neutral_cm + np.einsum("tk,knc->tnc", solution.blendshapes, targets)
    error = np.abs(rebuilt - solution.head_landmarks)
    motion = np.abs(solution.head_landmarks - solution.neutral_cm)
    assert error.mean() < 0.2 * motion.mean()
    assert np.abs(targets[INDEX["tongueOut"]]).max() == 0


def test_glb_structure(clip):
    solution, times = clip
    data = build_glb(
        solution.neutral_cm,
        solution.head_landmarks,
        solution.blendshapes,
        ARKIT_NAMES,
        solution.rotation,
        solution.translation_cm,
        times,
    )
    gltf = pygltflib.GLTF2.load_from_bytes(data)
    mesh = gltf.meshes[0]
    assert mesh.extras["targetNames"] == list(ARKIT_NAMES)
    assert len(mesh.primitives[0].targets) == 52 and len(mesh.weights) == 52
    assert gltf.accessors[mesh.primitives[0].attributes.POSITION].count == 478
    animation = gltf.animations[0]
    assert sorted(c.target.path for c in animation.channels) == [
        "rotation",
        "translation",
        "weights",
    ]
    times_accessor = gltf.accessors[animation.samplers[0].input]
    assert times_accessor.count == FRAMES
    assert times_accessor.max[0] == pytest.approx(times[-1], abs=1e-5)
    weights_accessor = gltf.accessors[animation.samplers[0].output]
    assert weights_accessor.count == FRAMES * 52


def test_plots_png(clip):
    solution, times = clip
    png = build_plots(
        times, solution.angles_deg, solution.blendshapes, solution.detected, title="clip"
    )
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000


def test_overlay_draws_on_a_copy(clip):
    solution, _ = clip
    frame = np.zeros((480, 640, 3), np.uint8)
    out = draw_overlay(
        frame, solution.landmarks[0], solution.rotation[0], solution.blendshapes[0], ARKIT_NAMES
    )
    assert out.shape == frame.shape and out.dtype == np.uint8
    assert frame.max() == 0 and (out > 0).any(axis=2).mean() > 0.01
