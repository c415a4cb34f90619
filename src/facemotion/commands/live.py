"""`facemotion live`: real-time capture from a camera, streamed to Live Link and VMC apps."""

from __future__ import annotations

import argparse
from pathlib import Path

EXAMPLES = """\
examples:
  facemotion live --camera 0 --send livelink://192.168.1.20
      the webcam drives a MetaHuman in Unreal (Live Link Face source, port 11111)
  facemotion live --camera 0 --send vmc://127.0.0.1:39539
      blendshapes and head pose to a VTuber app that reads the VMC protocol
  facemotion live --camera talk.mp4 --send livelink://127.0.0.1 --record out/
      a video file stands in for the camera, played at its own frame rate;
      on stop, out/ gets the same files as 'facemotion capture'
  facemotion live --camera 0 --animate portrait.jpg --virtual-camera
      the portrait follows your face in a preview window and a virtual camera

The newest camera frame is always the one processed; older ones are dropped, never queued.
Ctrl-C stops: recordings are written, sockets closed.
"""


def _smoothing(text: str) -> tuple[float, float]:
    try:
        min_cutoff, beta = (float(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            "give two numbers: MIN_CUTOFF,BETA (e.g. 1.5,1.0)"
        ) from None
    if min_cutoff <= 0 or beta < 0:
        raise argparse.ArgumentTypeError("min_cutoff must be > 0 and beta >= 0")
    return min_cutoff, beta


def _target(text: str) -> str:
    from facemotion.live.targets import parse_target

    try:
        parse_target(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "live",
        help="real-time capture from a camera to Unreal Live Link, VMC apps or a portrait",
        description=(
            "Track the face from a camera (or a video file played in real time) and, frame by "
            "frame, send head pose and 52 ARKit blendshapes to Unreal's Live Link Face source "
            "and VMC (VTuber) apps, record them, or animate a portrait live."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--camera",
        default="0",
        metavar="INDEX|VIDEO",
        help="camera index (default 0) or a video file played at its own frame rate",
    )
    parser.add_argument(
        "--send",
        type=_target,
        action="append",
        default=[],
        metavar="URL",
        help="livelink://HOST[:PORT] (default port 11111) or vmc://HOST[:PORT] (default 39539); "
        "repeat for several",
    )
    parser.add_argument(
        "--subject", default="facemotion", help="Live Link subject name (default facemotion)"
    )
    parser.add_argument(
        "--record",
        type=Path,
        default=None,
        metavar="DIR",
        help="on stop, write the same files as 'facemotion capture' into DIR",
    )
    parser.add_argument(
        "--formats",
        default="csv,json,bvh,glb,plots",
        help="outputs for --record (default csv,json,bvh,glb,plots)",
    )
    parser.add_argument(
        "--animate",
        type=Path,
        default=None,
        metavar="SOURCE",
        help="a portrait image animated live by the default landmark model",
    )
    parser.add_argument(
        "--no-preview", action="store_true", help="no preview window even when a display exists"
    )
    parser.add_argument(
        "--virtual-camera",
        action="store_true",
        help="send the animated portrait to a virtual camera (needs facemotion[virtualcam])",
    )
    parser.add_argument(
        "--face",
        type=int,
        default=None,
        metavar="N",
        help="which face when there are several (0 = the largest, the default)",
    )
    smoothing = parser.add_mutually_exclusive_group()
    smoothing.add_argument(
        "--smooth",
        type=_smoothing,
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
        default=0,
        metavar="N",
        help="the N-th frame with a face is the neutral face (default 0: the first; "
        "look neutral when starting)",
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
    parser.add_argument(
        "--max-frames", type=int, default=None, metavar="N", help="stop after N processed frames"
    )
    parser.add_argument(
        "--duration", type=float, default=None, metavar="SECONDS", help="stop after SECONDS"
    )
    parser.add_argument("--quiet", action="store_true", help="no status line")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from facemotion.live.session import run_live_command

    return run_live_command(args)
