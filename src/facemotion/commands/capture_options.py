"""The options `facemotion capture` and `facemotion live` share: which face, smoothing, the
neutral face, and the camera assumptions behind the head translation."""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import TYPE_CHECKING

from facemotion.errors import InputError

if TYPE_CHECKING:
    from facemotion.pipeline.options import CaptureOptions


def smoothing_pair(text: str) -> tuple[float, float]:
    """'MIN_CUTOFF,BETA' -> (min_cutoff, beta) for the One-Euro filter."""
    try:
        min_cutoff, beta = (float(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            "give two numbers: MIN_CUTOFF,BETA (e.g. 1.5,1.0)"
        ) from None
    # not (x > 0): NaN compares false with everything, so it must fail the test, not pass it
    if not (math.isfinite(min_cutoff) and min_cutoff > 0 and math.isfinite(beta) and beta >= 0):
        raise argparse.ArgumentTypeError(
            f"got {text}: MIN_CUTOFF must be a number above 0 (Hz) and BETA a number 0 or "
            "above, both finite (e.g. 1.5,1.0)"
        )
    return min_cutoff, beta


def add_capture_options(
    parser: argparse.ArgumentParser, *, neutral_frame_default: int | None, neutral_frame_help: str
) -> None:
    """--face, --smooth/--no-smooth, --neutral-frame/--neutral-image, --ipd, --fov."""
    parser.add_argument(
        "--face",
        type=int,
        default=None,
        metavar="N",
        help="which face when there are several: 0, 1, ... counted left to right in the "
        "frame (default: the largest)",
    )
    smoothing = parser.add_mutually_exclusive_group()
    smoothing.add_argument(
        "--smooth",
        type=smoothing_pair,
        default=(1.5, 1.0),
        metavar="MIN_CUTOFF,BETA",
        help="One-Euro filter: cutoff in Hz when still, and how fast it opens with speed "
        "(default 1.5,1.0)",
    )
    smoothing.add_argument("--no-smooth", action="store_true", help="raw per-frame values")
    neutral = parser.add_mutually_exclusive_group()
    neutral.add_argument(
        "--neutral-frame",
        type=int,
        default=neutral_frame_default,
        metavar="N",
        help=neutral_frame_help,
    )
    neutral.add_argument("--neutral-image", type=Path, help="an image of the neutral face")
    parser.add_argument(
        "--ipd", type=float, default=6.3, metavar="CM", help="interpupillary distance (default 6.3)"
    )
    parser.add_argument(
        "--fov",
        type=float,
        default=60.0,
        metavar="DEG",
        help="horizontal field of view of the camera (default 60)",
    )


def capture_options(args: argparse.Namespace) -> CaptureOptions:
    """The capture's options from the flags `capture` and `live` share (checked once, by the
    options type); `capture`'s outputs are its own."""
    from facemotion.pipeline.options import CaptureOptions

    if args.neutral_image is not None and not args.neutral_image.is_file():
        raise InputError(f"neutral image {args.neutral_image} does not exist")
    return CaptureOptions(
        face=args.face,
        smooth=not args.no_smooth,
        smoothing=args.smooth,
        neutral=args.neutral_image if args.neutral_image is not None else args.neutral_frame,
        ipd_cm=args.ipd,
        fov_deg=args.fov,
    )
