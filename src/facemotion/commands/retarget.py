"""`facemotion retarget`: a capture's JSON or Live Link Face CSV onto the user's character."""

from __future__ import annotations

import argparse
from pathlib import Path

EXAMPLES = """\
examples:
  facemotion retarget out/talk.json avatar.vrm -o out/
      out/talk_avatar.glb (morph weights, head and neck) and out/talk_avatar.vrma (VRM Animation)
  facemotion retarget take.csv hero.glb -o hero_take.glb
      an iPhone Live Link Face recording, or the CSV of capture or live --record
  facemotion retarget out/talk.json vroid.vrm -o out/ --map my_names.json
      shapes the character names its own way: {"Fcl_MTH_A": "jawOpen", ...}
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "retarget",
        help="put a capture's JSON or Live Link Face CSV onto your glTF or VRM character",
        description=(
            "Animate CHARACTER (.glb, .gltf, .vrm) with a capture, without tracking again: its "
            "morph targets by name (ARKit names, their common spellings, VRM presets, or "
            "--map), its VRM expressions, and its head and neck joints. Writes the character "
            "with one animation as .glb, and for a VRM a VRM Animation .vrma beside it. The "
            "character file is only read. Name table: docs/characters.md."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "capture", type=Path, help="the .json or .csv written by capture or live --record"
    )
    parser.add_argument("character", type=Path, help="your character: .glb, .gltf or .vrm")
    parser.add_argument(
        "-o",
        "--out",
        type=Path,
        default=Path("."),
        help="the .glb to write, or a folder for CAPTURE_CHARACTER.glb (default: here)",
    )
    parser.add_argument(
        "--map",
        type=Path,
        metavar="FILE",
        help='JSON of character shape or expression -> ARKit name, e.g. {"MTH_A": "jawOpen"}',
    )
    parser.add_argument(
        "--fps",
        type=float,
        help="frame rate of a CSV whose timecodes do not show it (default: from them)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from facemotion.errors import InputError
    from facemotion.io.atomic import check_writable_dir
    from facemotion.io.guard import refuse_overwriting_inputs, replaced_note
    from facemotion.pipeline.retarget import (
        character_output,
        check_character,
        output_paths,
        read_map,
        read_motion,
        retarget,
    )

    if args.fps is not None and not args.fps > 0:
        raise InputError(f"fps must be positive, got {args.fps}")
    character = check_character(args.character)
    if args.out.suffix.lower() == ".glb":
        target = args.out
    else:
        target = character_output(args.out, args.capture.stem, character)
    check_writable_dir(target.parent)
    paths = output_paths(character, target)
    inputs = [args.capture, character, *([args.map] if args.map else [])]
    refuse_overwriting_inputs(paths, inputs, parameter="out")
    replaced = replaced_note(path for path in paths if path.exists())
    motion = read_motion(args.capture, args.fps)
    result = retarget(
        motion, character, target, user_map=read_map(args.map), name=args.capture.stem
    )
    print(f"{len(motion.times_s)} frames onto {character.name}: {result.summary}{replaced}")
    for path in result.paths:
        print(path)
    return 0
