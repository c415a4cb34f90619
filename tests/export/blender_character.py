"""Runs inside Blender: import an animated character .glb and write what moves as JSON.

blender -b --factory-startup --python blender_character.py -- FILE.glb REPORT.json HEAD
Reports each mesh's shape keys that carry animation (their value range over the action) and
the HEAD bone's (or object's) world rotation at the first and last keyed frames.
"""

import json
import sys

import numpy

# Debian's Blender 3.4 runs under Python 3.11 with a NumPy that dropped `numpy.bool`, which its
# glTF importer still uses.
if not hasattr(numpy, "bool"):
    numpy.bool = bool

import bpy

path, report_path, head = sys.argv[sys.argv.index("--") + 1 :][:3]
for obj in list(bpy.data.objects):
    bpy.data.objects.remove(obj)
bpy.ops.import_scene.gltf(filepath=path)
scene = bpy.context.scene
actions = [action for action in bpy.data.actions]
start = min(action.frame_range[0] for action in actions) if actions else 1.0
end = max(action.frame_range[1] for action in actions) if actions else 1.0
frames = [start, end]
shape_keys = {}
for obj in bpy.data.objects:
    keys = obj.data.shape_keys if obj.type == "MESH" else None
    if not keys or not keys.animation_data or not keys.animation_data.action:
        continue
    values = {}
    for frame in range(int(start), int(end) + 1):
        scene.frame_set(frame)
        for block in keys.key_blocks[1:]:
            low, high = values.get(block.name, (1.0, 0.0))
            values[block.name] = (min(low, block.value), max(high, block.value))
    shape_keys[obj.name] = values


def head_rotation():
    for obj in bpy.data.objects:
        if obj.type == "ARMATURE" and head in obj.pose.bones:
            bone = obj.pose.bones[head]
            return [list(row) for row in (obj.matrix_world @ bone.matrix).to_3x3()]
    obj = bpy.data.objects.get(head)
    return [list(row) for row in obj.matrix_world.to_3x3()] if obj else None


rotations = []
for frame in frames:
    scene.frame_set(int(frame), subframe=frame - int(frame))
    rotations.append(head_rotation())
with open(report_path, "w") as handle:
    json.dump(
        {
            "shape_keys": shape_keys,
            "head_rotations": rotations,
            "frames": frames,
            "end": end,
            "scene_fps": scene.render.fps,
        },
        handle,
    )
