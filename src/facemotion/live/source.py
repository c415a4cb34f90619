"""Live frame sources that always hand over the newest frame: a camera, or a video file played
at its own frame rate. A reader thread keeps one frame; a newer one replaces it (a drop)."""

from __future__ import annotations

import glob
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from facemotion.errors import InputError, Remedy


@dataclass(frozen=True)
class Frame:
    """One captured frame. image: (H, W, 3) uint8 RGB. index: its number in the source (gaps
    are drops). time_s: its time in the source (video timestamp, or seconds since the camera
    started). read_at: `time.perf_counter()` when the reader got it."""

    image: np.ndarray
    index: int
    time_s: float
    read_at: float


class NewestFrameSlot:
    """One frame handed from a producer thread to a consumer; a newer frame replaces an unread
    one (counted in `dropped`). With `wait_for_consumer`, the producer waits instead (no drops:
    every frame is processed, for reproducible runs)."""

    def __init__(self, wait_for_consumer: bool = False) -> None:
        self.wait_for_consumer = wait_for_consumer
        self.dropped = 0
        self._frame: Frame | None = None
        self._ended = False
        self._error: BaseException | None = None
        self._condition = threading.Condition()

    def put(self, frame: Frame) -> bool:
        """Offer a frame; False when the consumer has gone (stop producing)."""
        with self._condition:
            if self.wait_for_consumer:
                self._condition.wait_for(lambda: self._frame is None or self._ended)
            if self._ended:
                return False
            if self._frame is not None:
                self.dropped += 1
            self._frame = frame
            self._condition.notify_all()
            return True

    def end(self, error: BaseException | None = None) -> None:
        """No more frames (the source ended, failed with `error`, or the consumer stopped)."""
        with self._condition:
            self._ended = True
            self._error = self._error or error
            self._condition.notify_all()

    def take(self, timeout_s: float | None = None) -> Frame | None:
        """The newest unread frame, waiting for one; None once the source has ended."""
        with self._condition:
            self._condition.wait_for(lambda: self._frame is not None or self._ended, timeout_s)
            frame, self._frame = self._frame, None
            self._condition.notify_all()
            if frame is None and self._error is not None:
                raise self._error
            return frame


class ThreadedSource:
    """Runs `_produce()` (frames with their source times) on a reader thread into a slot.

    Iterate to get the newest frames; `dropped` counts the ones that were never handed over.
    Use as a context manager (or call `close()`): the reader stops and the device is released.
    """

    fps: float = 30.0
    frame_size: tuple[int, int] = (0, 0)  # (height, width)
    # Set once the source has ended: why it ended sooner than it said it would (a cut file).
    ended_early: str | None = None

    def __init__(self, wait_for_consumer: bool = False) -> None:
        self.slot = NewestFrameSlot(wait_for_consumer)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def dropped(self) -> int:
        return self.slot.dropped

    def _produce(self) -> Iterator[tuple[np.ndarray, float]]:
        raise NotImplementedError

    def _run(self) -> None:
        try:
            for index, (image, time_s) in enumerate(self._produce()):
                frame = Frame(image, index, time_s, time.perf_counter())
                if self._stop.is_set() or not self.slot.put(frame):
                    break
        except BaseException as exc:  # handed to the consumer, which raises it
            self.slot.end(exc)
        finally:
            self.slot.end()
            self._release()

    def start(self) -> ThreadedSource:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="frame-reader", daemon=True)
            self._thread.start()
        return self

    def __iter__(self) -> Iterator[Frame]:
        self.start()
        while (frame := self.slot.take()) is not None:
            yield frame

    def _release(self) -> None:
        """Free the device or file (on the reader thread)."""

    def close(self) -> None:
        self._stop.set()
        self.slot.end()
        if self._thread is not None:
            self._thread.join(timeout=5.0)
        else:
            self._release()

    def __enter__(self) -> ThreadedSource:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.close()


class VideoFileSource(ThreadedSource):
    """A video file played in real time at its own timestamps, as a camera would deliver it.
    realtime=False hands over every frame as fast as the consumer takes them (no drops)."""

    def __init__(self, path: str | Path, realtime: bool = True) -> None:
        from facemotion.io.video import VideoReader

        super().__init__(wait_for_consumer=not realtime)
        self.path = Path(path)
        self.realtime = realtime
        self._reader = VideoReader(self.path)
        self.fps = self._reader.fps
        self.frame_size = (self._reader.height, self._reader.width)
        self._times = self._reader.timestamps()

    def _produce(self) -> Iterator[tuple[np.ndarray, float]]:
        started = time.perf_counter()
        time_s = -1.0 / self.fps
        for index, image in enumerate(self._reader):
            time_s = float(self._times[index]) if index < len(self._times) else index / self.fps
            if self.realtime:
                delay = started + time_s - time.perf_counter()
                if delay > 0 and self._stop.wait(delay):
                    return
            yield image, time_s
        # A cut or truncated file decodes to its last whole frame and stops there: say so.
        duration = self._reader.duration
        if duration and time_s + 2.0 / self.fps < duration:
            self.ended_early = (
                f"{self.path.name} ended at {time_s + 1 / self.fps:.1f} s of "
                f"the {duration:.1f} s its header gives"
            )

    def _release(self) -> None:
        self._reader.close()


def list_cameras() -> list[str]:
    """The video capture devices this machine shows (/dev/video* on Linux)."""
    return sorted(glob.glob("/dev/video*"), key=lambda p: (len(p), p))


def _camera_error(index: int, reason: str) -> InputError:
    found = list_cameras()
    listed = ", ".join(found) if found else "none found"
    return InputError(
        f"camera {index} {reason}; cameras: {listed}; give another camera index or a video file",
        Remedy("camera"),
    )


class CameraSource(ThreadedSource):
    """An OpenCV camera (`cv2.VideoCapture(index)`); times are seconds since it started."""

    def __init__(self, index: int, size: tuple[int, int] | None = None) -> None:
        import cv2

        super().__init__()
        from facemotion.landmarks.quiet import native_stderr_silenced

        # OpenCV logs a failed open on stderr itself; the one-line error below says it better.
        with native_stderr_silenced():
            self._capture = cv2.VideoCapture(index)
        if not self._capture.isOpened():
            self._capture.release()
            raise _camera_error(index, "cannot be opened (missing, or busy in another app)")
        if size is not None:
            self._capture.set(cv2.CAP_PROP_FRAME_WIDTH, size[1])
            self._capture.set(cv2.CAP_PROP_FRAME_HEIGHT, size[0])
        ok, first = self._capture.read()
        if not ok or first is None:
            self._capture.release()
            raise _camera_error(index, "gives no frames (busy in another app?)")
        self._first = first
        self.fps = float(self._capture.get(cv2.CAP_PROP_FPS) or 30.0)
        self.frame_size = tuple(first.shape[:2])

    def _produce(self) -> Iterator[tuple[np.ndarray, float]]:
        import cv2

        started = time.perf_counter()
        image = self._first
        while not self._stop.is_set():
            yield cv2.cvtColor(image, cv2.COLOR_BGR2RGB), time.perf_counter() - started
            ok, image = self._capture.read()
            if not ok:
                raise InputError("the camera stopped giving frames (unplugged or taken by an app)")

    def _release(self) -> None:
        self._capture.release()


def open_source(camera: str, *, realtime: bool = True) -> ThreadedSource:
    """A camera index ("0") or a video file path -> a started-on-iteration source."""
    text = str(camera).strip()
    if text.isdigit():
        return CameraSource(int(text))
    path = Path(text)
    if not path.is_file():
        found = list_cameras()
        listed = ", ".join(found) if found else "none found"
        raise InputError(
            f"camera {text!r} is neither a camera index nor a video file; cameras: {listed}",
            Remedy("camera"),
        )
    return VideoFileSource(path, realtime=realtime)
