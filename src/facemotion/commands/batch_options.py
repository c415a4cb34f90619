"""What `capture`, `prepare` and `animate` share for many inputs: --workers, --ray, --report,
when a command is a batch, and how a batch's files and summary are printed."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from facemotion.batch.inputs import is_many
from facemotion.batch.report import FAILED, BatchReport, FileResult
from facemotion.batch.run import BatchSettings
from facemotion.commands.wording import error_text
from facemotion.errors import FacemotionError

MANY_INPUTS_HELP = (
    "or many: several files, folders, quoted glob patterns ('clips/*.mp4') or @FILE for the "
    "paths FILE lists, one a line"
)


def add_batch_options(parser: argparse.ArgumentParser) -> None:
    """--workers, --ray and --report, in a group of their own."""
    group = parser.add_argument_group("many inputs (docs/batch.md)")
    group.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="worker processes on this machine (default: one a core; 1: all in this process)",
    )
    group.add_argument(
        "--ray",
        default=None,
        metavar="ADDRESS",
        help="run the files as Ray tasks: 'local' (a Ray instance for this run alone), 'auto' "
        "(the cluster this machine joined with 'ray start') or the head's HOST:PORT; outputs "
        "must be on a path every node sees; needs pip install 'facemotion[ray]'",
    )
    group.add_argument(
        "--report",
        type=Path,
        default=None,
        metavar="PATH",
        help="the report's path without suffix (default: OUTDIR/COMMAND-report): "
        ".csv and .json, one row a file (file, status, frames, seconds, error)",
    )


def is_batch(args: argparse.Namespace, *inputs: Sequence[str | Path]) -> bool:
    """A batch when an input (the videos; animate's sources, its driving videos) has several
    words or a word that stands for several (a folder, a pattern, a list), or --workers,
    --ray or --report is given."""
    asked = args.workers is not None or args.ray is not None or args.report is not None
    many = any(len(words) > 1 or any(is_many(word) for word in words) for words in inputs)
    return asked or many


def batch_settings(args: argparse.Namespace) -> BatchSettings:
    """--workers, --ray, --report and --quiet as the batch's settings; failures printed."""
    return BatchSettings(
        workers=args.workers,
        ray=args.ray,
        progress=not args.quiet,
        report=args.report,
        on_result=print_failure,
    )


def print_failure(result: FileResult) -> None:
    """A failed file's line on stderr, above the progress bar."""
    from tqdm import tqdm

    if result.status == FAILED:
        tqdm.write(f"failed {result.file}: {failure_text(result)}", file=sys.stderr)


def failure_text(result: FileResult) -> str:
    """A failed file's error with its remedies as flags."""
    return error_text(FacemotionError(result.error, *result.remedies))


def finish(report: BatchReport) -> int:
    """Print the summary line; exit 0, or raise FilesFailed (one line, exit 1)."""
    print(report.summary)
    report.check()
    return 0
