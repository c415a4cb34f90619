"""The capture's JSON and Live Link Face CSV read back (what `facemotion retarget` takes)."""

from __future__ import annotations

import numpy as np
import pytest

from facemotion.errors import InputError
from facemotion.export.json_export import build_json, parse_json
from facemotion.export.livelink_csv import build_csv, parse_csv
from facemotion.landmarks.arkit import ARKIT_ENUM_NAMES, ARKIT_NAMES, INDEX, csv_name
from tests.export.capture_clip import FPS, solved_clip


@pytest.fixture(scope="module")
def clip():
    return solved_clip()


def test_json_reads_back_scores_rotation_and_times(clip):
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
    )
    motion = parse_json(text)
    np.testing.assert_allclose(motion.blendshapes, solution.blendshapes, atol=1e-5)
    np.testing.assert_allclose(motion.rotation, solution.rotation, atol=1e-6)
    np.testing.assert_allclose(motion.times_s, times, atol=1e-6)
    assert motion.fps == pytest.approx(FPS)
    with pytest.raises(InputError, match="not a facemotion capture JSON"):
        parse_json('{"frames": []}', "x.json")


def test_csv_reads_back_at_29_97_fps(clip):
    solution, times = clip
    text = build_csv(times, FPS, solution.blendshapes, solution.angles_deg, solution.eye_rotation)
    motion = parse_csv(text)
    np.testing.assert_allclose(motion.blendshapes, solution.blendshapes, atol=1e-6)
    np.testing.assert_allclose(motion.rotation, solution.rotation, atol=1e-5)
    # 29.97 fps written as non-drop-frame timecode at 30: read back at the nominal 30.
    np.testing.assert_allclose(motion.times_s, np.arange(len(times)) / 30.0, atol=1e-6)


def test_an_iphone_csv_in_enum_order_with_timecodes_of_the_day():
    """The app writes ARKit's enum order (jawLeft before jawRight), 60 fps time of day."""
    header = ["Timecode", "BlendShapeCount", *(csv_name(n) for n in ARKIT_ENUM_NAMES)]
    header += ["HeadYaw", "HeadPitch", "HeadRoll"] + [f"E{i}" for i in range(6)]
    rows = [",".join(header)]
    for frame in range(70):
        second, number = divmod(58 + frame, 60)
        values = [0.0] * 52
        values[ARKIT_ENUM_NAMES.index("jawLeft")] = frame / 100
        pose = [0.1, 0.0, 0.0] + [0.0] * 6
        code = f"17:36:{44 + second:02d}:{number:02d}.250"
        rows.append(",".join([code, "61", *map(str, values + pose)]))
    motion = parse_csv("\n".join(rows) + "\n", fps=None)
    assert motion.fps == 60
    np.testing.assert_allclose(motion.times_s, np.arange(70) / 60, atol=1e-9)
    np.testing.assert_allclose(motion.blendshapes[:, INDEX["jawLeft"]], np.arange(70) / 100)
    assert np.all(motion.blendshapes[:, INDEX["jawRight"]] == 0)
    with pytest.raises(InputError, match="no column EyeLookDownLeft"):
        parse_csv("Timecode,EyeBlinkLeft\n00:00:00:00.000,0\n", "short.csv")
