"""`facemotion live`: real-time capture from a camera, streamed to Live Link and VMC apps."""

from __future__ import annotations

import argparse
from pathlib import Path

from facemotion.commands.capture_options import add_capture_options, capture_options
from facemotion.errors import FacemotionError, InputError

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
    add_capture_options(
        parser,
        neutral_frame_default=0,
        neutral_frame_help="the N-th frame with a face is the neutral face (default 0: the "
        "first; look neutral when starting)",
    )
    parser.add_argument(
        "--every-frame",
        action="store_true",
        help="a video file: process every frame as fast as possible instead of in real time "
        "(nothing dropped; reproducible runs)",
    )
    parser.add_argument(
        "--max-frames", type=int, default=None, metavar="N", help="stop after N processed frames"
    )
    parser.add_argument(
        "--duration", type=float, default=None, metavar="SECONDS", help="stop after SECONDS"
    )
    parser.add_argument("--quiet", action="store_true", help="no status line")
    parser.set_defaults(func=run)


def _check(args: argparse.Namespace) -> tuple[str, ...]:
    """Refuse bad options before opening the camera; the recording formats."""
    from facemotion.io.atomic import check_writable_dir
    from facemotion.live.record import check_record_formats

    capture_options(args)
    if args.animate is not None and not args.animate.is_file():
        raise InputError(f"portrait {args.animate} does not exist")
    if args.virtual_camera and args.animate is None:
        raise InputError("--virtual-camera shows the animated portrait: add --animate SOURCE")
    if args.virtual_camera:
        from facemotion.live.portrait import import_pyvirtualcam

        import_pyvirtualcam()
    if args.max_frames is not None and args.max_frames < 1:
        raise InputError("--max-frames must be 1 or more")
    if args.duration is not None and args.duration <= 0:
        raise InputError("--duration must be more than 0 seconds")
    formats = check_record_formats(part.strip() for part in args.formats.split(",") if part)
    if args.record is not None:
        check_writable_dir(args.record)
    return formats


def _portrait_hook(args: argparse.Namespace, fps: float, closers: list, warn):
    """The frame hook that animates the portrait and shows it; None without --animate."""
    from facemotion.io.images import load_image
    from facemotion.live.portrait import LivePortrait, Preview, VirtualCamera, has_display
    from facemotion.pipeline.load import load_model

    portrait = LivePortrait(load_model("landmarks"), load_image(args.animate))
    closers.append(portrait)
    shown = []
    if not args.no_preview and has_display():
        shown.append(Preview(f"facemotion live: {args.animate.name}", warn))
    if args.virtual_camera:
        shown.append(VirtualCamera(portrait.size, portrait.size, fps))
    if not shown and not args.no_preview:
        warn("warning: no display: the animated portrait is not shown; add --virtual-camera")
    closers.extend(shown)

    def hook(frame, observation, solution) -> None:
        image = portrait(frame.image, observation)
        for output in shown:
            output.show(image)

    return hook


def run(args: argparse.Namespace) -> int:
    from facemotion.live.session import LiveOptions, run_live, warn_stderr
    from facemotion.live.source import open_source
    from facemotion.live.targets import parse_target
    from facemotion.solver.streaming import StreamOptions

    formats = _check(args)
    neutral = None
    if args.neutral_image is not None:
        from facemotion.io.images import load_image
        from facemotion.landmarks import detect_image_face

        neutral = detect_image_face(
            load_image(args.neutral_image), name=str(args.neutral_image), face=args.face
        )
    source = open_source(args.camera, realtime=not args.every_frame)
    closers: list = []
    try:
        hook = None
        if args.animate is not None:
            hook = _portrait_hook(args, source.fps, closers, warn_stderr)
        options = LiveOptions(
            targets=tuple(parse_target(text) for text in args.send),
            subject=args.subject,
            record=args.record,
            formats=formats,
            record_stem=Path(args.camera).stem if not args.camera.isdigit() else "live",
            face=args.face,
            stream=StreamOptions(
                neutral_frame=args.neutral_frame,
                neutral_landmarks=None if neutral is None else neutral.landmarks,
                neutral_blendshapes=None if neutral is None else neutral.blendshapes,
                ipd_cm=args.ipd,
                fov_deg=args.fov,
                smoothing=None if args.no_smooth else args.smooth,
            ),
            max_frames=args.max_frames,
            duration_s=args.duration,
        )
        report = run_live(source, options, hook=hook, progress=not args.quiet)
    finally:
        source.close()
        for closer in reversed(closers):
            closer.close()
    print(report.summary)
    for path in report.written:
        print(path)
    error = report.source_error
    if error is not None and args.record is not None:
        kept = (
            f"the {report.frames} frames before it are recorded in {args.record}"
            if report.written
            else "nothing was recorded (no face before it)"
        )
        # The camera's own error and exit code, with what was kept (docs/live.md).
        stopped = FacemotionError(f"{error.message}; {kept}", *error.remedies)
        stopped.exit_code = error.exit_code
        raise stopped from error
    if error is not None:
        raise error
    return 0
