"""The `facemotion` command: one sub-command per job, each in `facemotion.commands`.

Any FacemotionError becomes one line on stderr and a non-zero exit code; `--debug` shows the
traceback instead.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from facemotion import __version__
from facemotion.errors import FacemotionError, FacemotionWarning, Interrupted
from facemotion.io import signals

# Each module has `register(subparsers)`, which adds its parser and sets `func` to its runner.
COMMAND_MODULES = (
    "facemotion.commands.animate",
    "facemotion.commands.capture",
    "facemotion.commands.demo",
    "facemotion.commands.download",
    "facemotion.commands.evaluate",
    "facemotion.commands.export_onnx",
    "facemotion.commands.live",
    "facemotion.commands.prepare",
    "facemotion.commands.retarget",
    "facemotion.commands.serve",
    "facemotion.commands.train",
)


class OneLineParser(argparse.ArgumentParser):
    """argparse, with a usage error said in one line (the usage itself is in --help), and
    negative numbers in a list ('--smooth -1,-1') taken as a value, not as an option."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # argparse takes '-1' and '-.5' as values but '-1,-1' as an unknown option, and says
        # "expected one argument"; a value the option's own check can refuse with its range
        # is clearer. (A private attribute: argparse has no public hook for this.)
        self._negative_number_matcher = re.compile(r"^-\d*\.?\d+(,-?\d*\.?\d+)*$")

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message}; see '{self.prog} --help'\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="facemotion",
        description="Markerless facial motion capture and image animation.",
        epilog="Run 'facemotion COMMAND --help' for the options and examples of each command.",
    )
    parser.add_argument("--version", action="version", version=f"facemotion {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show the full traceback when something fails"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    for command in subparsers.choices.values():
        # also after the sub-command; SUPPRESS keeps a --debug given before it
        command.add_argument(
            "--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
        )
        # the flags an error's hints may name (argparse lists a parser's options nowhere public)
        flags = frozenset(text for action in command._actions for text in action.option_strings)
        command.set_defaults(command_flags=flags)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        # argv None: this is the facemotion process itself, which ends when main returns
        with signals.installed(exiting=argv is None), _one_line_warnings(args.command):
            return int(args.func(args) or 0)
    except KeyboardInterrupt as exc:
        error: FacemotionError = Interrupted.by_signal(signals.signal_number(exc))
    except FacemotionError as exc:
        error = exc
    if args.debug:
        raise error
    from facemotion.commands.wording import error_text

    line = error_text(error, args.command_flags)
    print(f"facemotion {args.command}: error: {line}", file=sys.stderr)
    return error.exit_code


@contextmanager
def _one_line_warnings(command: str) -> Iterator[None]:
    """Our warnings as one line each, like our errors; other libraries' left as they are."""
    with warnings.catch_warnings():  # restores showwarning afterwards
        shown = warnings.showwarning

        def show(message, category, filename, lineno, file=None, line=None):
            if issubclass(category, FacemotionWarning):
                print(f"facemotion {command}: warning: {message}", file=file or sys.stderr)
            else:
                shown(message, category, filename, lineno, file, line)

        warnings.showwarning = show
        yield


if __name__ == "__main__":
    sys.exit(main())
