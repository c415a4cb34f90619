"""`facemotion prepare`: videos -> the FOMM training layout (train/, test/)."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from facemotion.commands.batch_options import (
    MANY_INPUTS_HELP,
    add_batch_options,
    batch_settings,
    failure_text,
)
from facemotion.errors import InputError

EXAMPLES = """\
examples:
  facemotion prepare raw_videos/ data/
      face crops at 256x256, about 10% of the videos in data/test (fixed by their names)
  facemotion prepare raw_videos/ data64/ --size 64 --crop center --test-fraction 0.2
  facemotion prepare vox_a/ vox_b/ @extra.txt data/ --ray auto
      two folders and a list of paths, as Ray tasks on a cluster (docs/batch.md)
  facemotion train --config vox-256 --data data/ --out runs/vox
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "prepare",
        help="turn a folder of videos into the FOMM training layout",
        description=(
            "Crop (around the face, or the centred square), resize and write every video of "
            "SOURCE as a folder of PNG frames in OUT/train or OUT/test. A video's split depends "
            "only on its name, so adding videos later does not move the others; a video "
            "already in OUT is skipped, so an interrupted run resumes where it stopped."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "source",
        nargs="+",
        help=f"folder of videos (mp4, gif, frame folders); {MANY_INPUTS_HELP}",
    )
    parser.add_argument("out", type=Path, help="output folder (train/ and test/ are made)")
    parser.add_argument("--size", type=int, default=256, help="frame side in pixels (256)")
    parser.add_argument(
        "--crop",
        choices=("face", "center"),
        default="face",
        help="face: one square per clip around every frame's face (default); center",
    )
    parser.add_argument(
        "--test-fraction", type=float, default=0.1, help="share of videos for test/ (0.1)"
    )
    parser.add_argument(
        "--quiet", action="store_true", help="no progress bar (there is none off a terminal)"
    )
    add_batch_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from facemotion.batch import prepare_batch
    from facemotion.batch.report import DONE, FAILED, FileResult
    from facemotion.io.atomic import output_dir
    from facemotion.pipeline.options import PrepareOptions

    options = PrepareOptions(size=args.size, test_fraction=args.test_fraction, crop_mode=args.crop)

    def show(result: FileResult) -> None:
        if result.status == DONE:
            folder = Path(result.outputs[0])
            tqdm.write(f"{folder.parent.name}/{folder.name}: {result.frames} frames")

    # A training set usually holds some clips that cannot be used (too short, no face): they
    # are said at the end and in the report, and the command fails only when none could be.
    with output_dir(args.out):  # removed again when no video could be prepared
        # prepare printed no bar before it took many inputs: a log keeps its lines alone
        settings = replace(
            batch_settings(args), progress=not args.quiet and sys.stderr.isatty(), on_result=show
        )
        report = prepare_batch(args.source, args.out, options, settings=settings)
        skipped = [f"{Path(r.file).name}: {failure_text(r)}" for r in report.failed]
        written = [Path(r.outputs[0]).parent.name for r in report.results if r.status != FAILED]
        if not written:
            for path in report.reports:  # nothing prepared, so nothing is left behind
                path.unlink(missing_ok=True)
            more = f" and {len(skipped) - 1} more" if len(skipped) > 1 else ""
            sources = " ".join(args.source)
            raise InputError(f"no video of {sources} could be prepared ({skipped[0]}{more})")
    for note in skipped:
        print(f"skipped {note}", file=sys.stderr)
    print(
        f"{len(written)} videos into {args.out} "
        f"({written.count('train')} train, {written.count('test')} test)"
    )
    print(report.summary)
    return 0
