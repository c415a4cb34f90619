"""Characters built for the tests: small quads with named morph targets, a head chain with rest
rotations, a sparse morph target and a normalised-byte attribute; ARKit-named and VRM 1.0."""

from __future__ import annotations

import numpy as np
from scipy.spatial.transform import Rotation

from facemotion.io.gltf_file import GltfDocument
from facemotion.landmarks.arkit import ARKIT_NAMES

FLOAT, UNSIGNED_BYTE, UNSIGNED_SHORT = 5126, 5121, 5123
QUAD = np.array([[-0.1, 1.5, 0], [0.1, 1.5, 0], [0.1, 1.7, 0], [-0.1, 1.7, 0]], np.float32)

# A beard with 32 of the 52 shapes, in another order, spelled as other tools spell them.
BEARD_SHAPES = [name for name in ARKIT_NAMES if not name.startswith(("eye", "brow"))][::-1][:32]


def beard_name(name: str) -> str:
    """'mouthSmileLeft' -> 'blendShape2.MouthSmile_L'."""
    name = name[0].upper() + name[1:]
    for side, suffix in (("Left", "_L"), ("Right", "_R")):
        if name.endswith(side):
            name = name[: -len(side)] + suffix
    return "blendShape2." + name


def rest(*angles_deg: float) -> list[float]:
    """A rest rotation (x, y, z, w) from intrinsic XYZ angles in degrees."""
    return Rotation.from_euler("XYZ", angles_deg, degrees=True).as_quat().tolist()


class Builder:
    """A glTF document and its binary chunk, grown one accessor at a time."""

    def __init__(self) -> None:
        self.document: dict = {"asset": {"version": "2.0", "generator": "facemotion tests"}}
        self.binary = bytearray()

    def view(self, raw: bytes, target: int | None = None) -> int:
        self.binary += b"\0" * (-len(self.binary) % 4)
        view = {"buffer": 0, "byteOffset": len(self.binary), "byteLength": len(raw)}
        if target:
            view["target"] = target
        self.binary += raw
        views = self.document.setdefault("bufferViews", [])
        views.append(view)
        return len(views) - 1

    def accessor(self, accessor: dict) -> int:
        accessors = self.document.setdefault("accessors", [])
        accessors.append(accessor)
        return len(accessors) - 1

    def floats(self, array: np.ndarray, kind: str, bounds: bool = False) -> int:
        array = np.ascontiguousarray(array, np.float32)
        accessor = {
            "bufferView": self.view(array.tobytes(), 34962),
            "componentType": FLOAT,
            "count": len(array),
            "type": kind,
        }
        if bounds:
            accessor["min"] = array.min(axis=0).tolist()
            accessor["max"] = array.max(axis=0).tolist()
        return self.accessor(accessor)

    def sparse_target(self, vertex: int, offset: list[float]) -> int:
        """A morph target stored sparse: zeros but one vertex (no buffer view of its own)."""
        indices = np.array([vertex], np.uint16).tobytes()
        values = np.array([offset], np.float32)
        bounds = np.zeros((4, 3), np.float32)
        bounds[vertex] = offset
        return self.accessor(
            {
                "componentType": FLOAT,
                "count": 4,
                "type": "VEC3",
                "min": bounds.min(axis=0).tolist(),
                "max": bounds.max(axis=0).tolist(),
                "sparse": {
                    "count": 1,
                    "indices": {"bufferView": self.view(indices), "componentType": UNSIGNED_SHORT},
                    "values": {"bufferView": self.view(values.tobytes())},
                },
            }
        )

    def mesh(self, name: str, target_names: list[str], sparse_first: bool = False) -> int:
        """A quad with one morph target per name (target k lifts vertex k % 4), its names in
        mesh.extras, and a normalised unsigned-byte TEXCOORD_0 (quantised data)."""
        position = self.floats(QUAD, "VEC3", bounds=True)
        # Two bytes a vertex padded to four: vertex attributes must be 4-byte aligned.
        uv = np.array([[0, 0, 0, 0], [255, 0, 0, 0], [255, 255, 0, 0], [0, 255, 0, 0]], np.uint8)
        uv_view = self.view(uv.tobytes(), 34962)
        self.document["bufferViews"][uv_view]["byteStride"] = 4
        texcoord = self.accessor(
            {
                "bufferView": uv_view,
                "componentType": UNSIGNED_BYTE,
                "normalized": True,
                "count": 4,
                "type": "VEC2",
            }
        )
        indices = np.array([0, 1, 2, 0, 2, 3], np.uint16)
        index = self.accessor(
            {
                "bufferView": self.view(indices.tobytes(), 34963),
                "componentType": UNSIGNED_SHORT,
                "count": 6,
                "type": "SCALAR",
            }
        )
        targets = []
        for k in range(len(target_names)):
            offset = [0.0, 0.001 * (k + 1), 0.0]
            if k == 0 and sparse_first:
                targets.append({"POSITION": self.sparse_target(0, offset)})
                continue
            lift = np.zeros((4, 3), np.float32)
            lift[k % 4] = offset
            targets.append({"POSITION": self.floats(lift, "VEC3", bounds=True)})
        primitive = {
            "attributes": {"POSITION": position, "TEXCOORD_0": texcoord},
            "indices": index,
            "targets": targets,
        }
        meshes = self.document.setdefault("meshes", [])
        meshes.append(
            {"name": name, "primitives": [primitive], "extras": {"targetNames": target_names}}
        )
        return len(meshes) - 1

    def node(self, node: dict, parent: int | None = None) -> int:
        nodes = self.document.setdefault("nodes", [])
        nodes.append(node)
        if parent is not None:
            nodes[parent].setdefault("children", []).append(len(nodes) - 1)
        return len(nodes) - 1

    def done(self, roots: list[int]) -> GltfDocument:
        self.document["scenes"] = [{"nodes": roots}]
        self.document["scene"] = 0
        self.document["buffers"] = [{"byteLength": len(self.binary)}]
        return GltfDocument(self.document, self.binary)


def skeleton(builder: Builder) -> dict[str, int]:
    """Armature -> Hips -> Spine -> Neck -> Head, with rest rotations on each."""
    armature = builder.node({"name": "Armature", "rotation": rest(0, 15, 0)})
    hips = builder.node({"name": "Hips", "translation": [0, 1.0, 0]}, armature)
    spine = builder.node({"name": "Spine", "rotation": rest(8, 0, 3)}, hips)
    neck = builder.node({"name": "Neck", "rotation": rest(20, 0, 0)}, spine)
    head = builder.node({"name": "mixamorig:Head", "rotation": rest(-35, 10, 0)}, neck)
    builder.node({"name": "HeadTop_End"}, head)
    joints = {"armature": armature, "hips": hips, "spine": spine, "neck": neck, "head": head}
    # The limbs a VRM humanoid requires (three-vrm refuses a model without them).
    for side, sign in (("left", 1), ("right", -1)):
        parent = hips
        for bone, offset in (("UpperLeg", [0.1 * sign, -0.1, 0]), ("LowerLeg", [0, -0.4, 0]),
                             ("Foot", [0, -0.4, 0])):  # fmt: skip
            parent = joints[side + bone] = builder.node(
                {"name": side + bone, "translation": offset}, parent
            )
        parent = spine
        for bone, offset in (("UpperArm", [0.2 * sign, 0.3, 0]), ("LowerArm", [0.25 * sign, 0, 0]),
                             ("Hand", [0.25 * sign, 0, 0])):  # fmt: skip
            parent = joints[side + bone] = builder.node(
                {"name": side + bone, "translation": offset}, parent
            )
    return joints


def arkit_character() -> GltfDocument:
    """A face with the 52 ARKit names shown by two nodes, and a beard with 32 of them in another
    order and spelling, its first target sparse; a head chain with rest rotations."""
    builder = Builder()
    joints = skeleton(builder)
    face = builder.mesh("Face", list(ARKIT_NAMES))
    beard = builder.mesh("Beard", [beard_name(n) for n in BEARD_SHAPES], sparse_first=True)
    builder.node({"name": "Face", "mesh": face}, joints["armature"])
    builder.node({"name": "FaceLOD1", "mesh": face}, joints["armature"])
    builder.node({"name": "Beard", "mesh": beard}, joints["armature"])
    return builder.done([joints["armature"]])


PERFECT_SYNC = ("browInnerUp", "cheekPuff", "mouthSmileLeft", "tongueOut")


def vrm1_character() -> GltfDocument:
    """A VRM 1.0 avatar: presets aa, blink (two morphs at half weight) and happy, and Perfect
    Sync custom expressions named after ARKit shapes; its morphs are named Fcl_* (VRoid-like)
    so that only the expressions reach them."""
    builder = Builder()
    joints = skeleton(builder)
    names = ["Fcl_MTH_A", "Fcl_EYE_Close_L", "Fcl_EYE_Close_R", "Fcl_ALL_Joy"]
    names += [f"Fcl_PS_{shape}" for shape in PERFECT_SYNC]
    face = builder.mesh("Face", names)
    face_node = builder.node({"name": "Face", "mesh": face}, joints["armature"])

    def binds(*pairs: tuple[int, float]) -> dict:
        return {
            "morphTargetBinds": [
                {"node": face_node, "index": index, "weight": weight} for index, weight in pairs
            ]
        }

    preset = {"aa": binds((0, 1.0)), "blink": binds((1, 0.5), (2, 0.5)), "happy": binds((3, 1.0))}
    custom = {shape: binds((4 + i, 1.0)) for i, shape in enumerate(PERFECT_SYNC)}
    document = builder.document
    document["extensionsUsed"] = ["VRMC_vrm"]
    document["extensions"] = {
        "VRMC_vrm": {
            "specVersion": "1.0",
            "meta": {
                "name": "test",
                "authors": ["facemotion"],
                "licenseUrl": "https://vrm.dev/licenses/1.0/",
            },
            "humanoid": {
                "humanBones": {
                    bone: {"node": node} for bone, node in joints.items() if bone != "armature"
                }
            },
            "expressions": {"preset": preset, "custom": custom},
        }
    }
    return builder.done([joints["armature"]])


def as_gltf_files(character: GltfDocument, folder, stem: str = "hero"):
    """Write `character` as a .gltf with its buffer in a .bin file beside it; the .gltf path."""
    import json

    document = dict(character.document)
    document["buffers"] = [{"byteLength": len(character.binary), "uri": f"{stem}.bin"}]
    (folder / f"{stem}.bin").write_bytes(bytes(character.binary))
    path = folder / f"{stem}.gltf"
    path.write_text(json.dumps(document))
    return path


def with_image_file(character: GltfDocument, folder) -> GltfDocument:
    """`character` with a base-colour texture whose PNG is a file in `folder` (skin.png)."""
    from PIL import Image

    Image.new("RGB", (4, 4), (200, 120, 90)).save(folder / "skin.png")
    document = character.document
    document["images"] = [{"uri": "skin.png"}]
    document["textures"] = [{"source": 0}]
    document["materials"] = [{"pbrMetallicRoughness": {"baseColorTexture": {"index": 0}}}]
    for mesh in document["meshes"]:
        mesh["primitives"][0]["material"] = 0
    return character
