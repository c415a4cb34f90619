"""`facemotion retarget`: a capture's JSON or CSV onto a character, from the command line."""

from __future__ import annotations

import hashlib
import shutil

import numpy as np

from facemotion.cli import main
from facemotion.export.json_export import build_json
from facemotion.export.livelink_csv import build_csv
from facemotion.io.gltf_file import parse_glb
from facemotion.landmarks.arkit import ARKIT_NAMES
from facemotion.solver.pose import euler_angles
from tests.conftest import DATA
from tests.export.character.motion import captured, read_animation


def write_capture(folder, suffix: str):
    motion = captured()
    count = len(motion.times_s)
    angles = euler_angles(motion.rotation)
    if suffix == ".csv":
        text = build_csv(motion.times_s, 25.0, motion.blendshapes, angles, np.zeros((count, 2, 3)))
    else:
        text = build_json(
            fps=25.0,
            times_s=motion.times_s,
            names=ARKIT_NAMES,
            blendshapes=motion.blendshapes,
            angles_deg=angles,
            rotation=motion.rotation,
            translation_cm=np.zeros((count, 3)),
            eye_rotation=np.zeros((count, 2, 3)),
            detected=np.ones(count, bool),
            interpolated=np.zeros(count, bool),
            frame_size=(480, 640),
        )
    path = folder / f"take{suffix}"
    path.write_text(text)
    return path


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_json_onto_a_vrm_writes_the_glb_and_the_vrma(tmp_path, capsys):
    character = tmp_path / "avatar.vrm"
    shutil.copy(DATA / "characters" / "vrm0_simple_morph.vrm", character)
    before = digest(character)
    capture = write_capture(tmp_path, ".json")
    assert main(["retarget", str(capture), str(character), "-o", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("20 frames onto avatar.vrm: 1 of the 52 ARKit shapes drive")
    glb, vrma = tmp_path / "out" / "take_avatar.glb", tmp_path / "out" / "take_avatar.vrma"
    assert out[1:] == [str(glb), str(vrma)]
    assert digest(character) == before
    assert "VRMC_vrm_animation" in parse_glb(vrma.read_bytes()).document["extensionsUsed"]
    _, channels = read_animation(glb.read_bytes())
    assert len(channels) == 3  # the morph weights, the neck and the head


def test_a_live_link_face_csv_onto_a_glb_path(tmp_path, capsys):
    capture = write_capture(tmp_path, ".csv")
    target = tmp_path / "hero_take.glb"
    character = DATA / "characters" / "rpm_preview_5_morphs.glb"
    # 20 frames inside one second: the timecodes cannot show the rate, --fps gives it.
    argv = ["retarget", str(capture), str(character), "-o", str(target), "--fps", "25"]
    assert main(argv) == 0
    assert capsys.readouterr().out.splitlines()[1:] == [str(target)]
    document, channels = read_animation(target.read_bytes())
    times = next(iter(channels.values()))[0]
    np.testing.assert_allclose(times, captured().times_s, atol=1e-5)
    assert document["animations"][-1]["name"] == "take"


def test_bad_inputs_are_one_line_and_nothing_is_written(tmp_path, capsys):
    capture = write_capture(tmp_path, ".json")
    character = DATA / "characters" / "vrm0_simple_morph.vrm"
    cases = [
        ([str(capture), str(capture)], "take.json: a character is a .glb, .gltf or .vrm file"),
        ([str(tmp_path / "nope.json"), str(character)], "nope.json does not exist"),
        ([str(character), str(character)], "give the .json or Live Link Face .csv"),
        ([str(capture), str(character), "--map", str(capture)], "is not an ARKit name"),
    ]
    for argv, message in cases:
        assert main(["retarget", *argv, "-o", str(tmp_path / "out")]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and message in err, err
    assert not (tmp_path / "out").exists()
    broken = tmp_path / "broken.glb"
    broken.write_bytes(b"glTF\x02\x00\x00\x00")
    assert main(["retarget", str(capture), str(broken), "-o", str(tmp_path)]) == 2
    assert "broken.glb is not a binary glTF file" in capsys.readouterr().err


def test_capture_onto_writes_the_character_beside_the_outputs(tmp_path, capsys):
    from tests.web.test_character_jobs import carphone_start

    clip = carphone_start(tmp_path / "talk.mp4")
    character = tmp_path / "avatar.vrm"
    shutil.copy(DATA / "characters" / "vrm0_simple_morph.vrm", character)
    before = digest(character)
    argv = ["capture", str(clip), "--onto", str(character), "-o", str(tmp_path / "out")]
    assert main([*argv, "--formats", "json", "--quiet"]) == 0
    out = capsys.readouterr().out.splitlines()
    names = sorted(path.name for path in (tmp_path / "out").iterdir())
    assert names == ["talk.json", "talk_avatar.glb", "talk_avatar.vrma"]
    assert out[1].startswith("avatar.vrm: 1 of the 52 ARKit shapes drive")
    assert digest(character) == before
    _, channels = read_animation((tmp_path / "out" / "talk_avatar.glb").read_bytes())
    times = next(iter(channels.values()))[0]
    assert len(times) == 10


def test_capture_onto_refuses_a_wrong_character_before_capturing(tmp_path, capsys):
    clip = tmp_path / "talk.mp4"
    clip.write_bytes(b"not read")
    cases = [
        (["--onto", str(tmp_path / "avatar.fbx")], "avatar.fbx is not a character"),
        (["--onto", str(tmp_path / "gone.vrm")], "gone.vrm does not exist"),
        (["--map", str(tmp_path / "names.json")], "give the character too; try --onto"),
    ]
    for flags, message in cases:
        assert main(["capture", str(clip), "-o", str(tmp_path / "out"), *flags]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and message in err, err
    assert not (tmp_path / "out").exists()
