"""Video in and out with PyAV: frame-by-frame decoding, H.264 mp4 or PNG-sequence output with the
driving video's audio carried over. Frames are (H, W, 3) RGB, uint8 or float32 in [0, 1].

Nothing here holds more than one decoded frame: memory stays flat in the video's length.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from facemotion.errors import InputError, OutputError
from facemotion.io.atomic import atomic_output, check_writable_dir
from facemotion.io.images import as_uint8_image, save_image
from facemotion.io.orientation import Orientation

DEFAULT_FPS = Fraction(25)
MAX_PLAUSIBLE_FPS = 240
WRITTEN_SUFFIXES = (".mp4", ".mov", ".m4v")  # what open_video_writer writes as H.264
# Audio codecs the mp4 muxer takes as they are; anything else is re-encoded to AAC.
MP4_AUDIO_CODECS = {"aac", "mp3", "alac", "ac3", "eac3"}
PNG_FRAME = re.compile(r"^frame_\d{6}\.png$")
# The mp4 clock of written frames: 90 kHz (MPEG's) holds every common rate exactly (24, 25, 30,
# 30000/1001, 50, 60, 120, 240) and a variable rate's frame times to 11 microseconds.
TIME_BASE = Fraction(1, 90000)


def as_fraction(fps: float | Fraction) -> Fraction:
    """A frame rate as an exact fraction; 29.97002997 becomes 30000/1001."""
    if isinstance(fps, Fraction):
        return fps
    if fps <= 0:
        raise InputError(f"frame rate must be positive, got {fps}")
    return Fraction(fps).limit_denominator(1001)


def _open_container(path: Path) -> av.container.InputContainer:
    if not path.is_file():
        raise InputError(f"{path} does not exist or is not a file")
    try:
        return av.open(str(path), "r")
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise InputError(
            f"{path} is not a readable video ({_reason(exc)}); use an mp4, mov, webm or gif file"
        ) from exc


def _is_still_image(container: av.container.InputContainer) -> bool:
    """FFmpeg opens a PNG or JPEG as a one-frame 'video'; those are images, not videos."""
    names = container.format.name.split(",")
    return any(name == "image2" or name.endswith("_pipe") for name in names)


def _reason(exc: BaseException) -> str:
    return str(getattr(exc, "strerror", None) or exc).split("\n")[0][:120]


class VideoReader:
    """Decodes a video file one frame at a time as (H, W, 3) uint8 RGB.

    Attributes: fps (float), rate (exact Fraction), frame_count (None when the container does
    not say), width, height, has_audio, duration (seconds or None). Use as a context manager;
    iterate once. Raises InputError for missing, unreadable or damaged files and files with no
    video stream.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._container = _open_container(self.path)
        if not self._container.streams.video or _is_still_image(self._container):
            self._container.close()
            raise InputError(f"{self.path} has no video stream; give a video file")
        stream = self._container.streams.video[0]
        stream.thread_type = "AUTO"
        self._stream = stream
        self.rate = self._frame_rate(stream)
        self.fps = float(self.rate)
        self._stored_size = (int(stream.codec_context.width), int(stream.codec_context.height))
        self._decoded = self._decode()
        self._first: av.VideoFrame | None = None
        self._orientation: Orientation | None = None
        self.frame_count = int(stream.frames) if stream.frames else None
        self.has_audio = bool(self._container.streams.audio)
        if stream.duration is not None and stream.time_base is not None:
            self.duration: float | None = float(stream.duration * stream.time_base)
        elif self._container.duration is not None:
            self.duration = self._container.duration / av.time_base
        else:
            self.duration = None
        if self.frame_count is None and self.duration:
            self.frame_count = max(1, round(self.duration * self.fps))

    def _frame_rate(self, stream) -> Fraction:
        """The container's average rate; when it has none or an implausible one (browser webm
        recordings say 1000), the median interval between the frames' timestamps."""
        rate = stream.average_rate
        if rate and 0 < rate <= MAX_PLAUSIBLE_FPS:
            return Fraction(rate)
        intervals = np.diff(self.timestamps())
        intervals = intervals[intervals > 0]
        if intervals.size:
            return as_fraction(min(1.0 / float(np.median(intervals)), float(MAX_PLAUSIBLE_FPS)))
        guessed = stream.guessed_rate
        if guessed and 0 < guessed <= MAX_PLAUSIBLE_FPS:
            return Fraction(guessed)
        return DEFAULT_FPS

    def __enter__(self) -> VideoReader:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        self._container.close()

    @property
    def orientation(self) -> Orientation:
        """How the stored frames turn upright (a phone's display matrix); decodes the first
        frame to learn it, since the matrix reaches PyAV only on decoded frames."""
        if self._orientation is None:
            self._first = next(self._decoded, None)
            if self._first is None:
                raise InputError(f"{self.path} has no decodable video frames; it may be truncated")
            self._orientation = Orientation.of_frame(self._first, self._stream.metadata)
        return self._orientation

    @property
    def width(self) -> int:
        """Width of the upright frames, in pixels."""
        return self.orientation.upright_size(*self._stored_size)[0]

    @property
    def height(self) -> int:
        """Height of the upright frames, in pixels."""
        return self.orientation.upright_size(*self._stored_size)[1]

    def _decode(self) -> Iterator[av.VideoFrame]:
        decoded = 0
        try:
            for frame in self._container.decode(self._stream):
                decoded += 1
                yield frame
        except av.FFmpegError as exc:
            raise InputError(
                f"{self.path} is damaged after frame {decoded} ({_reason(exc)}); "
                "re-encode it (e.g. ffmpeg -i in.mp4 out.mp4) or trim it"
            ) from exc

    def timed_frames(self) -> Iterator[tuple[float, np.ndarray]]:
        """(seconds from the first frame, (H, W, 3) uint8 upright frame) in display order; the
        times are the frames' own (a variable frame rate keeps its timing)."""
        orientation = self.orientation  # decodes the first frame, kept in _first
        first, self._first = self._first, None
        frames = self._decoded if first is None else itertools.chain((first,), self._decoded)
        start = None
        for index, frame in enumerate(frames):
            time = frame.time
            if time is None:  # a raw stream without timestamps: the nominal rate
                time = index / self.fps
            start = time if start is None else start
            yield time - start, orientation.apply(frame.to_ndarray(format="rgb24"))

    def __iter__(self) -> Iterator[np.ndarray]:
        for _, frame in self.timed_frames():
            yield frame

    def timestamps(self) -> np.ndarray:
        """(T,) float64 presentation times in seconds from the first frame, in display order,
        read from the packets (no decoding). Variable frame rate videos keep their timing."""
        with av.open(str(self.path), "r") as container:
            stream = container.streams.video[0]
            base = stream.time_base
            times = [
                float(packet.pts * base)
                for packet in container.demux(stream)
                if packet.pts is not None and packet.size > 0
            ]
        times.sort()
        if not times:
            return np.zeros(0)
        return np.asarray(times, dtype=np.float64) - times[0]


def read_first_frame(path: str | Path) -> np.ndarray:
    """The first frame of a video as (H, W, 3) uint8 (thumbnails, previews)."""
    with VideoReader(path) as reader:
        for frame in reader:
            return frame
    raise InputError(f"{path} has no frames")


class Mp4Writer:
    """Writes frames to an H.264 (yuv420p) mp4 that browsers play; copies the audio of another
    file in when asked. Opened by `open_video_writer`; the container starts with the first
    frame, whose size fixes the video's size (odd sides are padded by one edge pixel, since
    4:2:0 chroma needs even sides).

    Each frame may carry its time (seconds from the first frame): a variable frame rate video
    keeps its timing, so the picture stays in step with the copied sound. Without times the
    frames are 1/fps apart.
    """

    def __init__(self, path: Path, fps: Fraction, audio_from: Path | None, crf: int):
        self.path, self.fps, self.audio_from, self.crf = path, fps, audio_from, crf
        self._container: av.container.OutputContainer | None = None
        self._stream = None
        self._audio: AudioCopy | None = None
        self.frames = 0
        self._last_pts: int | None = None
        self.replaced = False  # set when the output is in place: whether it replaced one
        self._intervals: tuple[int, int] | None = None  # shortest and longest, in TIME_BASE

    @property
    def variable_rate(self) -> bool:
        """Whether the frames written are unevenly spaced (a quarter of the shortest interval
        or more apart: a phone's light-dependent rate or dropped frames, not timestamp jitter)."""
        if self._intervals is None:
            return False
        shortest, longest = self._intervals
        return longest - shortest >= shortest / 4

    def write(self, frame: np.ndarray, time: float | None = None) -> None:
        """frame: (H, W, 3) uint8 or float in [0, 1]; time: seconds from the first frame."""
        image = as_uint8_image(frame)
        height, width = image.shape[:2]
        if height % 2 or width % 2:
            image = np.pad(image, ((0, height % 2), (0, width % 2), (0, 0)), mode="edge")
        if self._container is None:
            self._open(image.shape[1], image.shape[0])
        video_frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(image), format="rgb24")
        video_frame.pts = self._next_pts(time)
        video_frame.time_base = TIME_BASE
        self._container.mux(self._stream.encode(video_frame))
        self.frames += 1

    def _next_pts(self, time: float | None) -> int:
        if time is None:
            pts = round(self.frames / self.fps / TIME_BASE)
        else:
            pts = round(time / TIME_BASE)
        if self._last_pts is not None:
            pts = max(pts, self._last_pts + 1)  # the muxer refuses times that do not increase
            interval = pts - self._last_pts
            shortest, longest = self._intervals or (interval, interval)
            self._intervals = (min(shortest, interval), max(longest, interval))
        self._last_pts = pts
        return pts

    def _open(self, width: int, height: int) -> None:
        self._container = av.open(
            str(self.path), "w", format="mp4", options={"movflags": "+faststart"}
        )
        stream = self._container.add_stream("libx264", rate=self.fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.codec_context.time_base = TIME_BASE
        stream.time_base = TIME_BASE
        # veryfast: ~3.5x the frame rate of "medium" at 1080p for a similar file size at crf 18
        stream.options = {"crf": str(self.crf), "preset": "veryfast"}
        self._stream = stream
        # The mp4 header is written with the first packet, so the audio stream is added now.
        if self.audio_from is not None:
            self._audio = AudioCopy(self.audio_from, self._container)

    def finish(self) -> None:
        if self._container is None:
            return
        self._container.mux(self._stream.encode())
        if self._audio is not None:
            self._audio.copy()
        self._container.close()
        self._container = None

    def abort(self) -> None:
        if self._audio is not None:
            self._audio.close()
        if self._container is not None:
            with contextlib.suppress(Exception):
                self._container.close()
            self._container = None


class AudioCopy:
    """The first audio stream of `source`, added to `output` before its header is written and
    copied in by `copy()`: packets as they are when mp4 takes the codec, otherwise re-encoded
    to AAC."""

    def __init__(self, source: Path, output: av.container.OutputContainer):
        self._input = av.open(str(source), "r")
        self._output = output
        self._audio = self._input.streams.audio[0] if self._input.streams.audio else None
        self._remux = False
        self._stream = None
        if self._audio is None:
            return
        if self._audio.codec_context.name in MP4_AUDIO_CODECS:
            self._stream = output.add_stream_from_template(self._audio)
            self._remux = True
        else:
            rate = self._audio.codec_context.sample_rate or 44100
            self._stream = output.add_stream("aac", rate=rate)

    def copy(self) -> None:
        try:
            if self._audio is None:
                return
            if self._remux:
                for packet in self._input.demux(self._audio):
                    if packet.dts is None:
                        continue
                    packet.stream = self._stream
                    self._output.mux(packet)
                return
            resampler = av.AudioResampler(format="fltp", layout="stereo", rate=self._stream.rate)
            for frame in self._input.decode(self._audio):
                for converted in resampler.resample(frame):
                    self._output.mux(self._stream.encode(converted))
            self._output.mux(self._stream.encode())
        finally:
            self.close()

    def close(self) -> None:
        self._input.close()


class PngSequenceWriter:
    """Writes frames as frame_000000.png, frame_000001.png ... into a folder (lossless, for
    compositing)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.frames = 0
        self.replaced = False  # set when the output is in place: whether it replaced one

    @property
    def variable_rate(self) -> bool:
        return False  # a PNG sequence has no times

    def write(self, frame: np.ndarray, time: float | None = None) -> None:
        """frame: (H, W, 3) uint8 or float in [0, 1]; time: ignored (PNGs carry none)."""
        save_image(frame, self.folder / f"frame_{self.frames:06d}.png")
        self.frames += 1


def is_folder_output(path: str | Path) -> bool:
    """Whether `path` names a folder for a PNG sequence rather than a video file: an existing
    folder, a name without suffix, or a name given ending in a slash (`out/frames.v2/`; a
    Path drops that slash, so only a str keeps it)."""
    if isinstance(path, str) and path.endswith(("/", os.sep)):
        return True
    path = Path(path)
    return path.is_dir() or not path.suffix


def _check_folder_output(path: Path) -> None:
    if path.is_dir():
        foreign = [child.name for child in path.iterdir() if not PNG_FRAME.match(child.name)]
        if foreign:
            raise OutputError(
                f"output folder {path} holds other files ({foreign[0]}, ...); "
                "give an empty or new folder for the PNG sequence"
            )


@contextlib.contextmanager
def open_video_writer(
    path: str | Path,
    fps: float | Fraction,
    *,
    audio_from: str | Path | None = None,
    crf: int = 18,
) -> Iterator[Mp4Writer | PngSequenceWriter]:
    """A writer with `.write(frame)` for (H, W, 3) uint8 or float frames.

    `path` ending in .mp4/.mov/.m4v: H.264 yuv420p at `fps` with the audio of `audio_from`
    copied in. An existing folder, a path without suffix or a str ending in a slash: a PNG
    sequence (fps and audio do not apply). Everything is written under a temporary name and
    renamed when the block ends without error; on error or Ctrl-C nothing is left behind.
    After the block, the writer's `replaced` says whether an existing output was replaced
    (checked at the rename: another run may have written the name meanwhile).
    """
    target = Path(path)
    rate = as_fraction(fps)
    replaced: list[Path] = []
    if is_folder_output(path):
        _check_folder_output(target)
        check_writable_dir(target.parent if str(target.parent) else Path("."))
        with atomic_output(target, replaced) as temporary:
            temporary.mkdir()
            png_writer = PngSequenceWriter(temporary)
            yield png_writer
        png_writer.replaced = bool(replaced)
        return
    if target.suffix.lower() not in WRITTEN_SUFFIXES:
        raise OutputError(
            f"cannot write video {target}: use an .mp4 name, or a folder for a PNG sequence"
        )
    with atomic_output(target, replaced) as temporary:
        writer = Mp4Writer(temporary, rate, Path(audio_from) if audio_from else None, crf)
        try:
            yield writer
            writer.finish()
        except BaseException:
            writer.abort()
            raise
    writer.replaced = bool(replaced)


def count_frames(path: str | Path, stop_after: int | None = None) -> int:
    """Video frames in `path`, counted from its packets (nothing is decoded), never from the
    container's header, which a raw stream lacks and a crafted file can get wrong; counting
    stops once past `stop_after`."""
    container = _open_container(Path(path))
    try:
        if not container.streams.video:
            raise InputError(f"{path} has no video stream; give a video file")
        count = 0
        try:
            for packet in container.demux(container.streams.video[0]):
                if packet.size:  # the demuxer ends with an empty flush packet
                    count += 1
                if stop_after is not None and count > stop_after:
                    break
        except av.error.FFmpegError as exc:
            raise InputError(f"{path} cannot be read ({_reason(exc)}); give a video file") from exc
        return count
    finally:
        container.close()
