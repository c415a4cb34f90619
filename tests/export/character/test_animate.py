"""The capture on built and shipped characters: which targets move, how the head turns, and
that the character's own data comes out byte for byte."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from facemotion.errors import InputError
from facemotion.export.character import animate_character
from facemotion.export.character.drive import NECK_SHARE
from facemotion.export.character.names import read_user_map
from facemotion.io.gltf_file import parse_glb, read_gltf
from facemotion.landmarks.arkit import ARKIT_NAMES, INDEX
from tests.conftest import DATA
from tests.export.character.build import (
    BEARD_SHAPES,
    PERFECT_SYNC,
    Builder,
    arkit_character,
    as_gltf_files,
    beard_name,
    vrm1_character,
    with_image_file,
)
from tests.export.character.motion import FRAMES, captured, read_animation, scene_rotation

CHARACTERS = DATA / "characters"


def animate(character, **options):
    motion = captured()
    return animate_character(
        character, motion.times_s, motion.blendshapes, motion.rotation, **options
    )


def node_index(document: dict, name: str) -> int:
    return next(i for i, node in enumerate(document["nodes"]) if node.get("name") == name)


def kept_byte_for_byte(before, after_glb: bytes) -> None:
    """Every accessor and buffer view of `before` is in the output unchanged, with its bytes."""
    after = parse_glb(after_glb)
    old, new = before.document, after.document
    assert new["accessors"][: len(old["accessors"])] == old["accessors"]
    assert new["bufferViews"][: len(old["bufferViews"])] == old["bufferViews"]
    for view in old["bufferViews"]:
        start, end = view.get("byteOffset", 0), view.get("byteOffset", 0) + view["byteLength"]
        assert after.binary[start:end] == before.binary[start:end]
    for key in ("meshes", "materials", "skins", "extensions", "extensionsUsed", "images"):
        assert new.get(key) == old.get(key)


def test_every_node_of_a_morph_mesh_gets_its_own_names_weights():
    character = arkit_character()
    original = copy.deepcopy(character.document), bytes(character.binary)
    result = animate(character, name="take")
    assert (character.document, bytes(character.binary)) == original
    document, channels = read_animation(result.glb)
    motion = captured()
    face, lod, beard = (node_index(document, n) for n in ("Face", "FaceLOD1", "Beard"))
    for node in (face, lod):
        times, weights = channels[(node, "weights")]
        np.testing.assert_allclose(times, motion.times_s, atol=1e-6)
        np.testing.assert_allclose(weights.reshape(FRAMES, 52), motion.blendshapes, atol=1e-6)
    beard_weights = channels[(beard, "weights")][1].reshape(FRAMES, 32)
    order = [INDEX[name] for name in BEARD_SHAPES]
    np.testing.assert_allclose(beard_weights, motion.blendshapes[:, order], atol=1e-6)
    assert document["animations"][-1]["name"] == "take"
    assert result.used == frozenset(range(52)) and result.vrma is None
    assert result.summary.startswith("52 of the 52 ARKit shapes drive")


def test_the_head_and_neck_turn_on_top_of_their_rest_pose():
    character = arkit_character()
    document, channels = read_animation(animate(character).glb)
    neck, head = node_index(document, "Neck"), node_index(document, "mixamorig:Head")
    motion = captured()
    for frame in (0, 7, FRAMES - 1):
        posed = {node: channels[(node, "rotation")][1][frame] for node in (neck, head)}
        turn = Rotation.from_matrix(motion.rotation[frame])
        for node, share in ((head, 1.0), (neck, NECK_SHARE)):
            expected = Rotation.from_rotvec(share * turn.as_rotvec()) * scene_rotation(
                document, node, {}
            )
            moved = scene_rotation(document, node, posed)
            assert (moved * expected.inv()).magnitude() < 1e-5
    # At the last frame the head has turned 40 degrees of yaw (and more) away from its rest.
    last = {node: channels[(node, "rotation")][1][-1] for node in (neck, head)}
    change = scene_rotation(document, head, last) * scene_rotation(document, head, {}).inv()
    assert np.degrees(change.magnitude()) > 40


def test_accessors_buffer_views_and_extensions_stay_byte_for_byte():
    character = arkit_character()
    sparse = character.document["accessors"][
        character.document["meshes"][1]["primitives"][0]["targets"][0]["POSITION"]
    ]
    assert "sparse" in sparse and "bufferView" not in sparse
    kept_byte_for_byte(character, animate(character).glb)
    for name in ("rpm_preview_5_morphs.glb", "vrm0_skinned_shape_key.vrm"):
        shipped = read_gltf(CHARACTERS / name)
        kept_byte_for_byte(shipped, animate(shipped).glb)


def test_a_gltf_with_a_bin_file_becomes_one_glb_with_the_same_bytes(tmp_path):
    character = arkit_character()
    path = as_gltf_files(character, tmp_path)
    read = read_gltf(path)
    assert read.binary == character.binary and "uri" not in read.document["buffers"][0]
    after = parse_glb(animate(read).glb)
    for view in character.document["bufferViews"]:
        start, end = view["byteOffset"], view["byteOffset"] + view["byteLength"]
        assert after.binary[start:end] == character.binary[start:end]


def test_vrm1_expressions_drive_their_binds_and_the_vrma():
    character = vrm1_character()
    result = animate(character)
    document, channels = read_animation(result.glb)
    motion = captured()
    weights = channels[(node_index(document, "Face"), "weights")][1].reshape(FRAMES, 8)
    scores = motion.blendshapes
    np.testing.assert_allclose(weights[:, 0], scores[:, INDEX["jawOpen"]], atol=1e-6)
    blink = (scores[:, INDEX["eyeBlinkLeft"]] + scores[:, INDEX["eyeBlinkRight"]]) / 2
    np.testing.assert_allclose(weights[:, 1], 0.5 * blink, atol=1e-6)
    for i, shape in enumerate(PERFECT_SYNC):
        np.testing.assert_allclose(weights[:, 4 + i], scores[:, INDEX[shape]], atol=1e-6)
    vrma, tracks = read_animation(result.vrma)
    extension = vrma["extensions"]["VRMC_vrm_animation"]
    assert set(extension["expressions"]["preset"]) == {"aa", "blink", "happy"}
    assert set(extension["expressions"]["custom"]) == set(PERFECT_SYNC)
    node = extension["expressions"]["preset"]["aa"]["node"]
    np.testing.assert_allclose(
        tracks[(node, "translation")][1][:, 0], scores[:, INDEX["jawOpen"]], atol=1e-6
    )
    bones = extension["humanoid"]["humanBones"]
    assert set(bones) == {"hips", "neck", "head"}
    neck = tracks[(bones["neck"]["node"], "rotation")][1]
    head = tracks[(bones["head"]["node"], "rotation")][1]
    combined = Rotation.from_quat(neck) * Rotation.from_quat(head)
    expected = Rotation.from_matrix(motion.rotation)
    assert np.max((combined * expected.inv()).magnitude()) < 1e-5


@pytest.mark.parametrize("name", ["vrm0_simple_morph.vrm", "vrm0_skinned_shape_key.vrm"])
def test_vrm0_presets_drive_the_morph_and_the_head_turns_for_a_model_facing_minus_z(name):
    character = read_gltf(CHARACTERS / name)
    result = animate(character)
    document, channels = read_animation(result.glb)
    motion = captured()
    mesh_node = node_index(document, "Triangle")
    # The preset `a` binds target 0 at weight 100 (VRM 0.x's scale): it follows jawOpen.
    np.testing.assert_allclose(
        channels[(mesh_node, "weights")][1][:, 0],
        motion.blendshapes[:, INDEX["jawOpen"]],
        atol=1e-6,
    )
    head = node_index(document, "head")
    neck = node_index(document, "neck")
    posed = {node: channels[(node, "rotation")][1][-1] for node in (neck, head)}
    half = Rotation.from_euler("y", 180, degrees=True)
    turn = half * Rotation.from_matrix(motion.rotation[-1]) * half.inv()
    moved = scene_rotation(document, head, posed) * scene_rotation(document, head, {}).inv()
    assert (moved * turn.inv()).magnitude() < 1e-5
    vrma, _ = read_animation(result.vrma)
    presets = vrma["extensions"]["VRMC_vrm_animation"]["expressions"]["preset"]
    assert {"aa", "blink", "blinkLeft", "happy", "lookUp"} <= set(presets)
    assert "1 of the 52 ARKit shapes drive 1 of its shapes or expressions (aa)" in result.summary


def test_five_morph_avatar_follows_the_combined_shapes():
    result = animate(read_gltf(CHARACTERS / "rpm_preview_5_morphs.glb"))
    document, channels = read_animation(result.glb)
    motion = captured()
    head_mesh = node_index(document, "Wolf3D_Head")
    weights = channels[(head_mesh, "weights")][1].reshape(FRAMES, 5)
    np.testing.assert_allclose(weights[:, 0], motion.blendshapes[:, INDEX["jawOpen"]], atol=1e-6)
    assert len(result.used) == 9
    assert "the head turns ('Neck' and 'Head')" in result.summary


def test_a_users_map_reaches_names_nothing_else_knows():
    builder = Builder()
    mesh = builder.mesh("Face", ["MTH_Open", "EYE_Shut"])
    character = builder.done([builder.node({"name": "Face", "mesh": mesh})])
    with pytest.raises(InputError) as caught:
        animate(character, character_name="doll.glb")
    assert "doll.glb has no head joint" in str(caught.value) and "MTH_Open" in str(caught.value)
    assert caught.value.remedies[0].parameter == "map"
    mapped = animate(character, user_map=read_user_map(json.dumps({"MTH_Open": "jawOpen"})))
    _, channels = read_animation(mapped.glb)
    weights = channels[(0, "weights")][1].reshape(FRAMES, 2)
    np.testing.assert_allclose(
        weights[:, 0], captured().blendshapes[:, INDEX["jawOpen"]], atol=1e-6
    )
    assert np.all(weights[:, 1] == 0) and mapped.used == {INDEX["jawOpen"]}


def test_a_character_with_nothing_to_drive_is_one_clear_error():
    builder = Builder()
    character = builder.done([builder.node({"name": "Empty"})])
    with pytest.raises(InputError, match="no morph target .* and no head joint"):
        animate(character)


def test_beard_names_are_other_spellings():
    assert beard_name("mouthSmileLeft") == "blendShape2.MouthSmile_L"
    assert len(BEARD_SHAPES) == 32 and len(set(BEARD_SHAPES)) == 32
    assert BEARD_SHAPES != sorted(BEARD_SHAPES, key=ARKIT_NAMES.index)


def test_binds_and_default_weights_that_point_nowhere_are_ignored():
    character = vrm1_character()
    document = character.document
    face = node_index(document, "Face")
    preset = document["extensions"]["VRMC_vrm"]["expressions"]["preset"]
    preset["ou"] = {"morphTargetBinds": [{"node": face, "index": 99, "weight": 1.0}]}
    document["meshes"][0]["weights"] = [0.5]  # one default for eight targets
    result = animate(character)
    _, channels = read_animation(result.glb)
    weights = channels[(face, "weights")][1].reshape(FRAMES, 8)
    tongue = captured().blendshapes[:, INDEX["tongueOut"]]
    np.testing.assert_allclose(weights[:, 7], tongue, atol=1e-6)
    assert INDEX["mouthPucker"] not in result.used


def test_a_gltf_image_file_moves_into_the_glb(tmp_path):
    character = with_image_file(arkit_character(), tmp_path)
    read = read_gltf(as_gltf_files(character, tmp_path))
    image = read.document["images"][0]
    assert "uri" not in image and image["mimeType"] == "image/png"
    view = read.document["bufferViews"][image["bufferView"]]
    start, end = view["byteOffset"], view["byteOffset"] + view["byteLength"]
    assert bytes(read.binary[start:end]) == (tmp_path / "skin.png").read_bytes()
    after = parse_glb(animate(read).glb)
    assert after.document["images"] == read.document["images"]
