"""`facemotion demo`: animate the shipped portraits with the shipped talking-head clip."""

from __future__ import annotations

import argparse
from pathlib import Path

from facemotion.errors import InputError

EXAMPLES = """\
examples:
  facemotion demo
      writes facemotion-demo/astronaut.mp4, grace_hopper.mp4, comparison.mp4 and frames.png
  facemotion demo -o elsewhere/ --size 384
  facemotion demo --model vox
      the same with a released FOMM model (downloaded once into $FACEMOTION_HOME)
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="animate the shipped sample portraits with the shipped sample video (no network)",
        description=(
            "Animate the two shipped portraits (astronaut, Grace Hopper) with the shipped "
            "carphone talking-head clip and write one video each, a side-by-side comparison "
            "video with the driving clip, and a PNG grid of a few frames."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "-o",
        "--outdir",
        type=Path,
        default=Path("facemotion-demo"),
        help="folder for the outputs, created if missing (default: ./facemotion-demo)",
    )
    parser.add_argument(
        "--model",
        default="landmarks",
        help="landmarks (default, embedded), a released FOMM model name, or a checkpoint path",
    )
    parser.add_argument(
        "--config", help="the checkpoint's configuration when --model is a checkpoint file"
    )
    parser.add_argument("--device", default="cpu", help="cpu (default) or cuda")
    parser.add_argument(
        "--size",
        type=int,
        help="side of each animated portrait in pixels (default: 256 for FOMM models, the "
        "face crop's own resolution for the landmark model)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from facemotion.pipeline.demo import prepare_folder, run_demo
    from facemotion.pipeline.load import load_model

    if args.size is not None and not 16 <= args.size <= 4096:
        raise InputError("--size must be between 16 and 4096 pixels")
    prepare_folder(args.outdir)  # before the model loads, so a bad -o fails at once
    model = load_model(args.model, args.config, args.device)
    result = run_demo(model, args.outdir, size=args.size, progress=not args.quiet)
    print(f"demo written to {result.outdir}/ in {result.seconds:.1f} s:")
    for path in result.paths:
        print(f"  {path}")
    return 0
