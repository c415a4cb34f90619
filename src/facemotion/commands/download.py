"""`facemotion download`: fetch released FOMM checkpoints into the cache directory."""

from __future__ import annotations

import argparse
from pathlib import Path

from facemotion.models.registry import RELEASED_MODELS

EXAMPLES = """\
examples:
  facemotion download vox
      the face model, into $FACEMOTION_HOME (default ~/.cache/facemotion)
  facemotion download vox taichi --home /data/models
  facemotion download --all
  facemotion download --list
      each model, what it animates, and whether it is already cached
  facemotion download vox --force
      fetch again even when the cached file is there

An interrupted download (Ctrl-C, lost network) keeps its .part file; running the same
command again resumes it. Without network, copy NAME-cpk.pth.tar into the cache directory.
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "download",
        help="fetch released FOMM checkpoints (vox, taichi, ...) into the cache",
        description=(
            "Download released First Order Motion Model checkpoints into the cache directory "
            "($FACEMOTION_HOME, default ~/.cache/facemotion), check that each loads for its "
            "configuration, and print where it is. Known models: "
            + ", ".join(RELEASED_MODELS)
            + "."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help="released model names: " + ", ".join(RELEASED_MODELS),
    )
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--all", action="store_true", help="download every released model")
    which.add_argument(
        "--list", action="store_true", help="list the models, cached or not, and exit"
    )
    parser.add_argument(
        "--home",
        type=Path,
        default=None,
        help="cache directory (default: $FACEMOTION_HOME or ~/.cache/facemotion)",
    )
    parser.add_argument(
        "--force", action="store_true", help="download again even when the file is cached"
    )
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    parser.set_defaults(func=run, download_parser=parser)


def run(args: argparse.Namespace) -> int:
    from facemotion.models import download

    if args.list:
        if args.names:
            args.download_parser.error("--list takes no model names")
        print(download.format_model_list(download.model_list(args.home)))
        return 0
    if args.all:
        if args.names:
            args.download_parser.error("give model names or --all, not both")
        names = list(RELEASED_MODELS)
    else:
        names = list(dict.fromkeys(args.names))
    if not names:
        args.download_parser.error("name at least one model, or use --all or --list")
    for name in names:
        download.released_model(name)
    for name in names:
        path = download.ensure_checkpoint(
            name, home=args.home, force=args.force, progress=not args.no_progress
        )
        print(f"{name}: {path}")
    return 0
