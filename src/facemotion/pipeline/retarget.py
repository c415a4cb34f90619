"""The captured face on the user's character: a capture (or its JSON / Live Link Face CSV) and
a .glb / .gltf / .vrm in; the animated character (.glb, and .vrma for a VRM) out."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from facemotion.errors import InputError, Remedy
from facemotion.export.character import animate_character
from facemotion.export.character.names import Drive, read_user_map
from facemotion.export.tracks import FaceMotion
from facemotion.pipeline.options import CHARACTER_SUFFIXES

CAPTURE_SUFFIXES = (".json", ".csv")


@dataclass(frozen=True)
class Retargeted:
    """paths: the files written (the .glb first, then the .vrma of a VRM); summary: one line."""

    paths: tuple[Path, ...]
    summary: str


def check_character(path: Path) -> Path:
    """`path` when it is an existing .glb, .gltf or .vrm file; InputError otherwise."""
    path = Path(path)
    if path.suffix.lower() not in CHARACTER_SUFFIXES:
        raise InputError(f"{path.name}: a character is a .glb, .gltf or .vrm file")
    if not path.is_file():
        raise InputError(f"{path} does not exist or is not a file")
    return path


def read_map(path: Path | None) -> dict[str, Drive] | None:
    """The user's map of character names to ARKit names (JSON), or None."""
    if path is None:
        return None
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path} does not exist or is not a file", Remedy("map", "FILE.json"))
    return read_user_map(path.read_text(encoding="utf-8"), path.name)


def read_motion(path: Path, fps: float | None = None) -> FaceMotion:
    """The motion of a capture's JSON or a Live Link Face CSV (ours or the iPhone app's)."""
    from facemotion.export.json_export import parse_json
    from facemotion.export.livelink_csv import parse_csv

    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path} does not exist or is not a file")
    if path.suffix.lower() not in CAPTURE_SUFFIXES:
        raise InputError(
            f"{path.name}: give the .json or Live Link Face .csv that capture or live --record "
            "wrote"
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path.name} is not a text file") from None
    if path.suffix.lower() == ".json":
        return parse_json(text, path.name)
    return parse_csv(text, path.name, fps)


def output_paths(character: Path, target: Path) -> tuple[Path, ...]:
    """The .glb at `target`, and beside it the .vrma when the character is a VRM."""
    if character.suffix.lower() == ".vrm":
        return target, target.with_suffix(".vrma")
    return (target,)


def character_output(outdir: Path, stem: str, character: Path) -> Path:
    """DIR/<stem>_<character>.glb: the animated character's file name."""
    return Path(outdir) / f"{stem}_{Path(character).stem}.glb"


def character_files(
    motion: FaceMotion,
    character: Path,
    target: Path,
    *,
    user_map: dict[str, Drive] | None = None,
    name: str = "capture",
) -> tuple[list[tuple[Path, bytes]], str]:
    """The animated character's files, (path, content) for `target` (.glb) and for a VRM the
    .vrma beside it, with the summary line; nothing is written."""
    from facemotion.io.gltf_file import read_gltf

    character = check_character(character)
    animated = animate_character(
        read_gltf(character),
        motion.times_s,
        motion.blendshapes,
        motion.rotation,
        name=name,
        user_map=user_map,
        character_name=character.name,
    )
    paths = output_paths(character, Path(target))
    contents = (animated.glb, animated.vrma)
    return list(zip(paths, contents, strict=False)), animated.summary


def retarget(
    motion: FaceMotion,
    character: Path,
    target: Path,
    *,
    user_map: dict[str, Drive] | None = None,
    name: str = "capture",
) -> Retargeted:
    """Write the character animated by `motion` to `target` (.glb) and, for a VRM, the .vrma
    beside it; all or nothing. The character file is only read."""
    from facemotion.io.atomic import atomic_outputs

    files, summary = character_files(motion, character, target, user_map=user_map, name=name)
    with atomic_outputs([path for path, _ in files]) as temporaries:
        for tmp, (_, content) in zip(temporaries, files, strict=True):
            tmp.write_bytes(content)
    return Retargeted(tuple(path for path, _ in files), summary)
