"""Capture outputs by name: suffix, what it is and how it is built (one entry per format).

`Capture.save` (pipeline), live recording and the CLI's `--formats` read this table; a new
format is one entry here. Builders read the capture's tracks (`CaptureTracks`) and return the
file's bytes; a format with no builder (the overlay) is drawn on the video's own frames.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from facemotion.export.tracks import CaptureTracks

Builder = Callable[[CaptureTracks, bool], bytes]  # (tracks, include_landmarks) -> file bytes


@dataclass(frozen=True)
class ExportFormat:
    """name: as `--formats` spells it; suffix: appended to the output stem."""

    name: str
    suffix: str
    description: str
    build: Builder | None = None

    @property
    def needs_frames(self) -> bool:
        """Drawn on the video's frames, so only a capture that has them can write it."""
        return self.build is None


def _csv(tracks: CaptureTracks, include_landmarks: bool) -> bytes:
    from facemotion.export import livelink_csv

    return livelink_csv.build_csv(
        tracks.times_s, tracks.fps, tracks.blendshapes, tracks.angles_deg, tracks.eye_rotation
    ).encode("utf-8")


def _json(tracks: CaptureTracks, include_landmarks: bool) -> bytes:
    from facemotion.export import json_export

    return json_export.build_json(
        fps=tracks.fps,
        times_s=tracks.times_s,
        names=tracks.names,
        blendshapes=tracks.blendshapes,
        angles_deg=tracks.angles_deg,
        rotation=tracks.rotation,
        translation_cm=tracks.translation,
        eye_rotation=tracks.eye_rotation,
        detected=tracks.detected,
        interpolated=tracks.interpolated,
        held=tracks.held,
        frame_size=tracks.frame_size,
        landmarks=tracks.landmarks if include_landmarks else None,
        source=tracks.source.name if tracks.source else "",
    ).encode("utf-8")


def _bvh(tracks: CaptureTracks, include_landmarks: bool) -> bytes:
    from facemotion.export import bvh

    return bvh.build_bvh(
        tracks.fps, tracks.rotation, tracks.translation, tracks.blendshapes, tracks.eye_rotation
    ).encode("utf-8")


def _glb(tracks: CaptureTracks, include_landmarks: bool) -> bytes:
    from facemotion.export import gltf

    return gltf.build_glb(
        tracks.neutral_cm,
        tracks.head_landmarks,
        tracks.blendshapes,
        tracks.names,
        tracks.rotation,
        tracks.translation,
        tracks.times_s,
        name=tracks.source.stem if tracks.source else "face",
    )


def _plots(tracks: CaptureTracks, include_landmarks: bool) -> bytes:
    from facemotion.export import plots

    return plots.build_plots(
        tracks.times_s,
        tracks.angles_deg,
        tracks.blendshapes,
        tracks.detected,
        title=tracks.source.name if tracks.source else "",
    )


FORMATS: dict[str, ExportFormat] = {
    entry.name: entry
    for entry in (
        ExportFormat("csv", ".csv", "Live Link Face CSV (Unreal, MetaHuman)", _csv),
        ExportFormat("json", ".json", "every channel with flags, optional landmarks", _json),
        ExportFormat("bvh", ".bvh", "head and eye joints (Blender, MotionBuilder)", _bvh),
        ExportFormat("glb", ".glb", "animated glTF 2.0 face mesh with 52 morph targets", _glb),
        ExportFormat("overlay", "_overlay.mp4", "the video with landmarks, axes and bars"),
        ExportFormat("plots", "_plots.png", "head angles and blendshape curves", _plots),
    )
}
