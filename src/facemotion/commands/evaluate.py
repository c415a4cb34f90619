"""`facemotion evaluate`: the FOMM paper's reconstruction protocol (L1, AKD) on DATA/test."""

from __future__ import annotations

import argparse
from pathlib import Path

EXAMPLES = """\
examples:
  facemotion evaluate --checkpoint runs/vox/last.pth.tar --config vox-256 --data videos/
      L1 and AKD per test video and overall; writes evaluation-last.json and .csv here
  facemotion evaluate --model landmarks --data videos/ --size 256
      the embedded landmark model on the same protocol, to compare with a checkpoint
  facemotion evaluate --model vox --data videos/ -o vox.json --max-frames 100
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "evaluate",
        help="reconstruction L1 and AKD of a model on test videos",
        description=(
            "Reconstruct every video in DATA/test from its first frame (the driving keypoints "
            "taken as they are) and report L1 (mean absolute pixel error in [0, 1]) and AKD "
            "(mean distance in pixels between face landmarks of real and reconstructed "
            "frames) per video and overall, as a table, a JSON file and a CSV file."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    model = parser.add_mutually_exclusive_group(required=True)
    model.add_argument("--checkpoint", type=Path, help="a FOMM checkpoint (*.pth.tar)")
    model.add_argument("--model", help="landmarks (embedded) or a released name (vox, ...)")
    parser.add_argument(
        "--config", help="the checkpoint's config: a shipped name or a yaml (default: by shapes)"
    )
    parser.add_argument("--data", required=True, type=Path, help="folder with test/ videos")
    parser.add_argument("--split", default="test", help="sub-folder to evaluate (default test)")
    parser.add_argument(
        "--size", type=int, help="frame side for models without one (default: config or 256)"
    )
    parser.add_argument("--max-frames", type=int, metavar="N", help="first N frames of a video")
    parser.add_argument(
        "--no-akd", action="store_true", help="skip the landmark pass (L1 only, faster)"
    )
    parser.add_argument("-o", "--output", type=Path, help="JSON path (CSV beside it)")
    parser.add_argument("--device", default="cpu", help="cpu (default) or cuda")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import sys

    from facemotion.errors import InputError, ModelError, Remedy
    from facemotion.io.atomic import check_writable_dir
    from facemotion.pipeline.load import load_model, resolve_config
    from facemotion.train.data import scan_videos, split_folder
    from facemotion.train.evaluate import default_landmarks, evaluate, format_table, write_reports

    if args.max_frames is not None and args.max_frames < 1:
        raise InputError(f"--max-frames must be at least 1, got {args.max_frames}")
    if args.size is not None and args.size < 1:
        raise InputError(f"--size must be at least 1, got {args.size}")
    # before the evaluation runs, which takes minutes: the outputs must be writable names
    if args.output is not None:
        if args.output.is_dir():
            raise InputError(
                f"-o {args.output} is a folder; give the JSON file to write (its CSV goes beside "
                "it)",
                Remedy("output", args.output / "evaluation.json"),
            )
        check_writable_dir(args.output.parent)
    name = str(args.checkpoint) if args.checkpoint is not None else args.model
    try:
        model = load_model(name, config=args.config, device=args.device)
    except ImportError as exc:  # the landmark model's module is optional in a build
        raise ModelError(f"model {name} is not available in this installation ({exc})") from exc
    size = args.size or model.frame_size
    if size is None:
        size = resolve_config(args.config).frame_size if args.config else 256
    if model.frame_size is not None and size != model.frame_size:
        raise ModelError(f"{name} works at {model.frame_size}x{model.frame_size}; drop --size")
    entries, notes = scan_videos(split_folder(args.data, args.split), (size, size, 3))
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    landmarks = None if args.no_akd else default_landmarks()
    scores, summary = evaluate(
        model,
        entries,
        (size, size),
        landmarks=landmarks,
        max_frames=args.max_frames,
        progress=not args.quiet,
    )
    label = Path(name).name.split(".")[0] if args.checkpoint is not None else name
    output = args.output or Path(f"evaluation-{label}.json")
    meta = {"model": name, "config": args.config, "data": str(args.data), "size": size}
    csv_path = write_reports(scores, summary, output, meta)
    print(format_table(scores, summary, f"{name} on {args.data}/{args.split} ({size}x{size})"))
    print(f"wrote {output} and {csv_path}")
    return 0
