"""`facemotion serve`: the local web app (animate, capture, live) in the browser."""

from __future__ import annotations

import argparse
import ipaddress
import os
import shutil
import sys
import tempfile
from pathlib import Path

from facemotion.errors import InputError, Interrupted
from facemotion.io import signals
from facemotion.io.signals import signal_number

EXAMPLES = """\
examples:
  facemotion serve
      open http://127.0.0.1:7860 in a browser
  facemotion serve --gallery ~/portraits
      adds one gallery tab per sub-folder of ~/portraits (Peoples, Cartoons, Statues, ...)
  facemotion serve --host 0.0.0.0 --port 8080 --concurrency 2
      reachable from other machines on the network, two jobs at a time

Nothing is fetched from the internet while the app runs; released FOMM models are downloaded
only when you press their download button (or beforehand with 'facemotion download').
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="start the local web app: animate a portrait, capture a face, live preview",
        description=(
            "Start a Gradio web app on this machine: pick or upload a portrait and a driving "
            "video, choose a model and the options, generate, convert to 1920x1080 and compare; "
            "run a face capture with a 3D preview. Temporary files of each browser session are "
            "deleted when it closes."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this machine only; 0.0.0.0 for all)",
    )
    parser.add_argument("--port", type=int, default=7860, help="port (default: 7860)")
    parser.add_argument(
        "--share",
        action="store_true",
        help="also open a public gradio.live link (needs the internet; off by default)",
    )
    parser.add_argument(
        "--gallery",
        type=Path,
        metavar="DIR",
        help="folder of your own portraits; each sub-folder becomes a gallery tab",
    )
    parser.add_argument(
        "--max-upload-mb",
        type=float,
        default=200.0,
        help="largest accepted upload in megabytes (default: 200)",
    )
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=120.0,
        help="longest accepted driving or capture video in seconds (default: 120)",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=None,
        help="jobs run at the same time; others wait in a queue (default: 1 per 4 CPU cores, "
        "at least 1)",
    )
    parser.add_argument(
        "--max-queue",
        type=int,
        default=16,
        metavar="N",
        help="jobs that may wait in the queue; beyond that a new job is refused with 'queue is "
        "full' (default: 16)",
    )
    parser.add_argument("--device", default="cpu", help="cpu (default) or cuda")
    parser.set_defaults(func=run)


def default_concurrency() -> int:
    """One job per 4 CPU cores, at least one: a job uses several cores by itself."""
    return max(1, (os.cpu_count() or 1) // 4)


def run(args: argparse.Namespace) -> int:
    if not 1 <= args.port <= 65535:
        raise InputError("--port must be between 1 and 65535")
    if args.max_upload_mb <= 0 or args.max_seconds <= 0:
        raise InputError("--max-upload-mb and --max-seconds must be positive")
    concurrency = default_concurrency() if args.concurrency is None else args.concurrency
    if concurrency < 1:
        raise InputError("--concurrency must be at least 1")
    if args.max_queue < 1:
        raise InputError("--max-queue must be at least 1")
    if args.gallery is not None and not args.gallery.is_dir():
        raise InputError(f"--gallery {args.gallery}: not a folder; give a folder of images")
    from facemotion.web.address import check_address

    check_address(args.host, args.port)  # before Gradio starts, so the error is one line
    # Gradio keeps uploads (and the session folders are put inside them, web/app.py) in its
    # temporary folder: make it a folder of this run, removed when the server stops. A
    # GRADIO_TEMP_DIR the user set says on which disk: the run's folder goes inside it. Set
    # before Gradio is imported, which reads it then; put back when the server stops (a second
    # server in this process would otherwise nest its folder in this removed one).
    parent = os.environ.get("GRADIO_TEMP_DIR") or None
    if parent is not None:
        Path(parent).mkdir(parents=True, exist_ok=True)
    run_folder = Path(tempfile.mkdtemp(prefix="facemotion-serve-", dir=parent))
    os.environ["GRADIO_TEMP_DIR"] = str(run_folder / "gradio")
    from facemotion.web.app import ServeOptions, serve

    options = ServeOptions(
        host=args.host,
        port=args.port,
        share=args.share,
        gallery=args.gallery,
        max_upload_mb=args.max_upload_mb,
        max_seconds=args.max_seconds,
        concurrency=concurrency,
        max_queue=args.max_queue,
        device=args.device,
    )
    if not is_loopback(args.host):
        print(network_warning(args.host, args.port), file=sys.stderr)
    try:
        serve(options, ready=lambda app: print(banner(app.blocks.local_url, app.blocks.share_url)))
    except KeyboardInterrupt as exc:
        stopped = Interrupted("web app stopped; its session files were removed")
        stopped.exit_code = 128 + signal_number(exc)
        raise stopped from exc
    finally:
        with signals.shielded():  # a second Ctrl-C cannot leave half of it behind
            shutil.rmtree(run_folder, ignore_errors=True)
            if parent is None:
                os.environ.pop("GRADIO_TEMP_DIR", None)
            else:
                os.environ["GRADIO_TEMP_DIR"] = parent
    return 0


def is_loopback(host: str) -> bool:
    """Whether `host` is reachable from this machine only (localhost, 127.x, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: it resolves to some interface, maybe a public one
        return False


def network_warning(host: str, port: int) -> str:
    return (
        f"facemotion serve: warning: --host {host} makes the app reachable from other machines "
        f"on the network: anyone who can reach port {port} can use it (no password); "
        "--host 127.0.0.1 keeps it to this machine"
    )


def banner(local_url: str, share_url: str | None) -> str:
    """What `serve` prints once it listens (instead of Gradio's banner, whose hints name
    launch() arguments rather than facemotion's flags)."""
    lines = [f"facemotion web app running at {local_url} (Ctrl-C stops it)"]
    if share_url:
        lines.append(f"public link (--share): {share_url}")
    else:
        lines.append("for a temporary public link (through gradio.live), restart with --share")
    return "\n".join(lines)
