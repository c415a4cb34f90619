"""The live loop: newest frame -> landmarks -> pose and blendshapes -> senders, recorder."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
from tqdm import tqdm

from facemotion.errors import FacemotionError, NoFaceError
from facemotion.landmarks.landmarker import FaceObservation, FaceObserver
from facemotion.live.record import RECORD_FORMATS, Recorder
from facemotion.live.source import Frame, ThreadedSource
from facemotion.live.targets import DatagramSender, Target
from facemotion.solver.streaming import FrameSolution, StreamingSolver, StreamOptions


class Output(Protocol):
    """Something that receives every solved frame (a Live Link or VMC sender); `sender`: the
    datagram sender it sends through (its target and packet count go into the report)."""

    sender: DatagramSender

    def send(self, frame: FrameSolution) -> None: ...

    def close(self) -> None: ...


# Called after the frame is sent: the frame, the face observed in it (landmarks, learned
# blendshape scores) and the solution.
FrameHook = Callable[[Frame, FaceObservation, FrameSolution], None]


@dataclass(frozen=True)
class LiveOptions:
    """A live session. targets: where to send each frame. record: a folder to write the
    recording into on stop (formats: as `facemotion capture`). face: which face (None = the
    largest). max_frames / duration_s: stop after this many processed frames / seconds."""

    targets: tuple[Target, ...] = ()
    subject: str = "facemotion"
    record: Path | None = None
    formats: tuple[str, ...] = RECORD_FORMATS
    record_stem: str = "live"
    face: int | None = None
    stream: StreamOptions = StreamOptions()
    max_frames: int | None = None
    duration_s: float | None = None


@dataclass
class LiveReport:
    """What a session did. latency_ms: per processed frame, from frame read to values sent;
    hook_latency_ms: to the end of the frame hook (the preview frame ready). source_error: the
    camera failed (unplugged, taken by another app, a file that cannot be read on), which ended
    the session; what came before was recorded all the same. ended_early: the video file ended
    before the length its header gives (a cut or truncated file)."""

    frames: int = 0
    dropped: int = 0
    seconds: float = 0.0
    faces: int = 0
    interrupted: bool = False
    latency_ms: list[float] = field(default_factory=list)
    hook_latency_ms: list[float] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    sent: dict[str, int] = field(default_factory=dict)
    source_error: FacemotionError | None = None
    ended_early: str | None = None

    @property
    def fps(self) -> float:
        return self.frames / self.seconds if self.seconds > 0 else 0.0

    @property
    def summary(self) -> str:
        stop = "stopped (Ctrl-C)" if self.interrupted else "done"
        if self.source_error is not None:
            stop = "camera stopped"
        elif self.ended_early is not None:
            stop = f"done ({self.ended_early})"
        text = (
            f"{stop}: {self.frames} frames in {self.seconds:.1f} s ({self.fps:.1f} fps), "
            f"face in {self.faces}, {self.dropped} dropped"
        )
        if self.latency_ms:
            text += f", latency median {np.median(self.latency_ms):.0f} ms"
            text += f" p95 {np.percentile(self.latency_ms, 95):.0f} ms"
        for name, count in self.sent.items():
            text += f"; {count}/{self.frames} packets sent to {name}"
        if self.written:
            text += f"; recording in {self.written[0].parent}"
        return text


def warn_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def open_outputs(
    targets: Sequence[Target], subject: str, fps: float, warn: Callable[[str], None]
) -> list[Output]:
    from facemotion.live.livelink import LiveLinkSender
    from facemotion.live.vmc import VmcSender

    outputs: list[Output] = []
    for target in targets:
        if target.protocol == "livelink":
            outputs.append(LiveLinkSender(target, subject=subject, fps=fps, warn=warn))
        else:
            outputs.append(VmcSender(target, warn=warn))
    return outputs


def _frames(source: ThreadedSource, report: LiveReport):
    """The source's frames; a failing source (its error, one of ours) ends them and is kept in
    `report.source_error`, so that what was recorded before is still written."""
    try:
        yield from source.start()
    except FacemotionError as exc:
        report.source_error = exc
    report.ended_early = source.ended_early


def _target_name(output: Output) -> str:
    target = output.sender.target
    return f"{target.protocol}://{target.host}:{target.port}"


def run_live(
    source: ThreadedSource,
    options: LiveOptions = LiveOptions(),
    *,
    hook: FrameHook | None = None,
    outputs: Sequence[Output] | None = None,
    tracker: FaceObserver | None = None,
    warn: Callable[[str], None] = warn_stderr,
    progress: bool = False,
) -> LiveReport:
    """Run a session until the source ends or fails, a limit is reached or Ctrl-C; never
    raises KeyboardInterrupt nor the source's error (`report.source_error`): the recording is
    written (each file under a temporary name, renamed when complete), the sockets and the
    source closed.

    outputs: senders to use instead of those of `options.targets`. tracker: what observes each
    frame, `tracker.observe(image, time_s)` -> FaceObservation; default a tracking
    `LandmarkTracker`.
    """
    from facemotion.io.atomic import check_writable_dir

    if options.record is not None:
        check_writable_dir(options.record)
    if tracker is None:
        from facemotion.landmarks import LandmarkTracker

        tracker = LandmarkTracker(static=False, face=options.face)
        # MediaPipe builds its graphs on the first call (~1 s): do it before the camera runs, so
        # the first frames are not dropped while it loads. A blank frame has no face to track.
        tracker.observe(np.zeros((*source.frame_size, 3), np.uint8))
    if outputs is None:
        outputs = open_outputs(options.targets, options.subject, source.fps, warn)
    solver = StreamingSolver(source.frame_size, options.stream)
    recorder = Recorder(source.frame_size, options.stream.ipd_cm) if options.record else None
    report = LiveReport()
    if progress:
        width, height = source.frame_size[1], source.frame_size[0]
        print(
            f"live: {width}x{height} at {source.fps:.2f} fps; press Ctrl-C to stop",
            file=sys.stderr,
            flush=True,
        )
    bar = tqdm(total=options.max_frames, desc="live", unit="frame") if progress else None
    started = time.perf_counter()
    try:
        for frame in _frames(source, report):
            observation = tracker.observe(frame.image, frame.time_s)
            solution = solver.step(observation, frame.time_s)
            for output in outputs:
                output.send(solution)
            report.latency_ms.append((time.perf_counter() - frame.read_at) * 1000.0)
            if recorder is not None:
                recorder.add(solution)
            report.frames += 1
            report.faces += int(solution.detected)
            if hook is not None:
                hook(frame, observation, solution)
                report.hook_latency_ms.append((time.perf_counter() - frame.read_at) * 1000.0)
            if bar is not None:
                bar.update(1)
                bar.set_postfix(dropped=source.dropped, refresh=False)
            if options.max_frames is not None and report.frames >= options.max_frames:
                break
            if (
                options.duration_s is not None
                and time.perf_counter() - started >= options.duration_s
            ):
                break
    except KeyboardInterrupt:
        report.interrupted = True
    finally:
        report.seconds = time.perf_counter() - started
        if bar is not None:
            bar.close()
        source.close()
        report.dropped = source.dropped
        for output in outputs:
            report.sent[_target_name(output)] = output.sender.sent
            output.close()
        tracker.close()
    if recorder is not None and len(recorder):
        try:
            report.written = recorder.save(
                options.record,
                options.formats,
                neutral_cm=solver.reference,
                stem=options.record_stem,
            )
        except NoFaceError:
            if report.source_error is None:
                raise  # a failed camera is the news; that it saw no face before, not
    return report
