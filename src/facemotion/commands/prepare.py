"""`facemotion prepare`: a folder of videos -> the FOMM training layout (train/, test/)."""

from __future__ import annotations

import argparse
from pathlib import Path

EXAMPLES = """\
examples:
  facemotion prepare raw_videos/ data/
      face crops at 256x256, about 10% of the videos in data/test (fixed by their names)
  facemotion prepare raw_videos/ data64/ --size 64 --crop center --test-fraction 0.2
  facemotion train --config vox-256 --data data/ --out runs/vox
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "prepare",
        help="turn a folder of videos into the FOMM training layout",
        description=(
            "Crop (around the face, or the centred square), resize and write every video of "
            "SOURCE as a folder of PNG frames in OUT/train or OUT/test. A video's split depends "
            "only on its name, so adding videos later does not move the others."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("source", type=Path, help="folder of videos (mp4, gif, frame folders)")
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
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import sys

    from facemotion.errors import InputError
    from facemotion.io.atomic import output_dir
    from facemotion.train.prepare import prepare

    if not 0 <= args.test_fraction <= 1:
        raise InputError("--test-fraction must be between 0 and 1")
    if args.size < 8:
        raise InputError("--size must be at least 8 pixels")

    skipped: list[str] = []

    def report(result) -> None:
        if result.skipped:  # said at the end: as notes, or as the error when nothing was done
            skipped.append(f"{result.name}: {result.skipped}")
        else:
            print(f"{result.split}/{Path(result.name).stem}: {result.frames} frames")

    with output_dir(args.out):  # removed again when no video could be prepared
        results = prepare(
            args.source,
            args.out,
            size=args.size,
            test_fraction=args.test_fraction,
            crop_mode=args.crop,
            on_video=report,
        )
        written = [r for r in results if not r.skipped]
        if not written:
            more = f" and {len(skipped) - 1} more" if len(skipped) > 1 else ""
            raise InputError(f"no video of {args.source} could be prepared ({skipped[0]}{more})")
    for note in skipped:
        print(f"skipped {note}", file=sys.stderr)
    print(
        f"{len(written)} videos into {args.out} "
        f"({sum(r.split == 'train' for r in written)} train, "
        f"{sum(r.split == 'test' for r in written)} test)"
    )
    return 0
