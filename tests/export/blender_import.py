"""Runs inside Blender: import a .glb or .bvh and write what came in as JSON.

blender -b --factory-startup --python blender_import.py -- FILE REPORT.json
"""

import json
import sys

import numpy

# Debian's Blender 3.4 runs under Python 3.11 with a NumPy that dropped `numpy.bool`, which its
# glTF importer still uses.
if not hasattr(numpy, "bool"):
    numpy.bool = bool

import builtins

import bpy

_open = builtins.open


def _open_without_u(file, mode="r", *args, **kwargs):
    # Its BVH importer opens files with mode "rU", which Python 3.11 rejects.
    if isinstance(mode, str) and "U" in mode:
        mode = mode.replace("U", "") or "r"
    return _open(file, mode, *args, **kwargs)


builtins.open = _open_without_u

path, report_path = sys.argv[sys.argv.index("--") + 1 :][:2]
for obj in list(bpy.data.objects):
    bpy.data.objects.remove(obj)
report = {}
if path.endswith(".glb"):
    bpy.ops.import_scene.gltf(filepath=path)
    meshes = [obj for obj in bpy.data.objects if obj.type == "MESH"]
    mesh = meshes[0]
    keys = mesh.data.shape_keys
    blocks = [block.name for block in keys.key_blocks] if keys else []
    action = keys.animation_data.action if keys and keys.animation_data else None
    report.update(
        meshes=len(meshes),
        vertices=len(mesh.data.vertices),
        polygons=len(mesh.data.polygons),
        shape_keys=[name for name in blocks if name != "Basis"],
        shape_key_frame_range=list(action.frame_range) if action else None,
        object_actions={
            obj.name: list(obj.animation_data.action.frame_range)
            for obj in bpy.data.objects
            if obj.animation_data and obj.animation_data.action
        },
        scene_fps=bpy.context.scene.render.fps,
    )
else:
    bpy.ops.import_anim.bvh(filepath=path, update_scene_fps=True, update_scene_duration=True)
    armatures = [obj for obj in bpy.data.objects if obj.type == "ARMATURE"]
    armature = armatures[0]
    action = armature.animation_data.action
    report.update(
        bones=sorted(bone.name for bone in armature.data.bones),
        frame_range=list(action.frame_range),
        scene_frames=[bpy.context.scene.frame_start, bpy.context.scene.frame_end],
        scene_fps=bpy.context.scene.render.fps / bpy.context.scene.render.fps_base,
    )
builtins.open = _open
with open(report_path, "w") as handle:
    json.dump(report, handle)
