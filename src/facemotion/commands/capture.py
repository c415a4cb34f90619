"""`facemotion capture`: head pose and ARKit blendshapes from a video, written as files."""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from facemotion.commands.batch_options import (
    MANY_INPUTS_HELP,
    add_batch_options,
    batch_settings,
    finish,
    is_batch,
)
from facemotion.commands.capture_options import add_capture_options, capture_options
from facemotion.errors import InputError
from facemotion.export.registry import FORMATS

if TYPE_CHECKING:
    from facemotion.pipeline.options import CaptureOptions


EXAMPLES = """\
examples:
  facemotion capture talk.mp4 -o out/
      all six outputs: out/talk.csv (Live Link Face), .json, .bvh, .glb, _overlay.mp4, _plots.png
  facemotion capture talk.mp4 -o out/ --formats csv,glb --neutral-frame 12
  facemotion capture group.mp4 -o out/ --face 1 --smooth 1.0,0.5
  facemotion capture talk.mp4 --onto avatar.vrm -o out/
      also out/talk_avatar.glb (your character animated) and out/talk_avatar.vrma (a VRM's)
  facemotion capture portrait.jpg -o out/
      a still image is a one-frame capture
  facemotion capture clips/ -o out/ --formats csv,json --workers 2
      every video of clips/, two at a time; a rerun skips those already done
  facemotion capture 'takes/**/*.mov' -o /shared/out/ --ray auto
      as Ray tasks on the cluster this machine joined (docs/batch.md)
"""


def _formats(text: str) -> tuple[str, ...]:
    chosen = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [name for name in chosen if name not in FORMATS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"choose among {','.join(FORMATS)}")
    return chosen


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "capture",
        help="capture head pose and 52 ARKit blendshapes from a video",
        description=(
            "Track the face in VIDEO (or a still image) and write its head pose and ARKit "
            "blendshapes: Live Link Face CSV, JSON, BVH, animated glTF (.glb), an overlay video "
            "and plots, each named after the video."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "video", nargs="+", help=f"the video (or image) with a face; {MANY_INPUTS_HELP}"
    )
    parser.add_argument(
        "-o",
        "--outdir",
        type=Path,
        default=Path("."),
        help="folder for the outputs, created when missing (default: here)",
    )
    parser.add_argument(
        "--formats",
        type=_formats,
        default=tuple(FORMATS),
        help=f"comma-separated outputs to write (default all: {','.join(FORMATS)})",
    )
    add_capture_options(
        parser,
        neutral_frame_default=None,
        neutral_frame_help="frame N is the neutral face (default: the most neutral frames of "
        "the clip)",
    )
    parser.add_argument(
        "--landmarks", action="store_true", help="include the 478 landmarks per frame in the JSON"
    )
    parser.add_argument(
        "--onto",
        type=Path,
        metavar="CHARACTER",
        help="your character (.glb, .gltf, .vrm): also write it animated with the capture as "
        "VIDEO_CHARACTER.glb (and .vrma for a VRM); see docs/characters.md",
    )
    parser.add_argument(
        "--map",
        type=Path,
        dest="character_map",
        metavar="FILE",
        help="with --onto: JSON of the character's shape names -> ARKit names, e.g. "
        '{"MTH_A": "jawOpen"}',
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    add_batch_options(parser)
    parser.set_defaults(func=run)


def options_from(args: argparse.Namespace) -> CaptureOptions:
    """The job's options from the parsed flags (one place for every flag's meaning)."""
    # Absolute: a batch's workers may run in another folder.
    onto = args.onto.absolute() if args.onto is not None else None
    character_map = args.character_map.absolute() if args.character_map is not None else None
    return replace(
        capture_options(args),
        formats=args.formats,
        include_landmarks=args.landmarks,
        onto=onto,
        character_map=character_map,
    )


def run(args: argparse.Namespace) -> int:
    options = options_from(args)
    if is_batch(args, args.video):
        from facemotion.batch import capture_batch

        return finish(
            capture_batch(args.video, args.outdir, options, settings=batch_settings(args))
        )
    return run_one(args, options, Path(args.video[0]))


def run_one(args: argparse.Namespace, options: CaptureOptions, video: Path) -> int:
    from facemotion.batch.capture_job import output_paths
    from facemotion.io.atomic import check_name_length, check_writable_dir
    from facemotion.io.guard import refuse_overwriting_inputs, replaced_note
    from facemotion.pipeline.capture import capture

    if not video.is_file():
        raise InputError(f"{video} does not exist or is not a file")
    # before any look at the outputs: the OS refuses to even stat a name that long
    check_name_length(args.outdir / "x", "give a shorter --outdir")
    # Checked before the slow part, so a wrong -o fails in a second, not after the capture.
    check_writable_dir(args.outdir)
    # names cut to fit when too long, as `Capture.save` cuts them
    outputs = output_paths(video, args.outdir, options.formats, options.onto)
    inputs = [video, *([args.neutral_image] if args.neutral_image else [])]
    if options.onto is not None:
        from facemotion.pipeline.retarget import check_character, read_map

        check_character(options.onto)  # before the slow part too
        read_map(options.character_map)
        inputs += [options.onto, *([options.character_map] if options.character_map else [])]
    refuse_overwriting_inputs(outputs, inputs, parameter="outdir")
    replaced = replaced_note(path for path in outputs if path.exists())
    result = capture(video, options, progress=not args.quiet)
    written = result.save(
        args.outdir, options.formats, include_landmarks=options.include_landmarks,
        progress=not args.quiet, onto=options.onto, character_map=options.character_map,
    )  # fmt: skip
    print(result.summary + replaced)
    if options.onto is not None:
        print(f"{options.onto.name}: {result.character_summary}")
    for path in written:
        print(path)
    return 0
