"""'Convert to 1920x1080': the animation scaled with Lanczos and centred on a black canvas."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

from facemotion.io.images import as_uint8_image

FULL_HD = (1920, 1080)  # width, height

FrameCallback = Callable[[int, int | None], None]


def fit_on_canvas(frame: np.ndarray, width: int, height: int) -> np.ndarray:
    """(height, width, 3) uint8: `frame` (H, W, 3) scaled with Lanczos to the largest size that
    fits (a square becomes height x height) and centred on black."""
    frame = as_uint8_image(frame)
    scale = min(width / frame.shape[1], height / frame.shape[0])
    new_width = max(1, min(width, round(frame.shape[1] * scale)))
    new_height = max(1, min(height, round(frame.shape[0] * scale)))
    if (new_width, new_height) != (frame.shape[1], frame.shape[0]):
        frame = np.asarray(
            Image.fromarray(frame).resize((new_width, new_height), Image.Resampling.LANCZOS)
        )
    canvas = np.zeros((height, width, 3), np.uint8)
    top, left = (height - new_height) // 2, (width - new_width) // 2
    canvas[top : top + new_height, left : left + new_width] = frame
    return canvas


def convert_to_full_hd(
    video: str | Path, output: str | Path, *, on_frame: FrameCallback | None = None
) -> Path:
    """Write `output` (mp4): `video` at 1920x1080 with the same frames, frame times and audio.

    on_frame(done, total) is called after each frame (total may be None); it may raise to stop,
    in which case nothing is left at `output`.
    """
    from facemotion.io.video import VideoReader, open_video_writer

    width, height = FULL_HD
    with VideoReader(video) as reader:
        audio = video if reader.has_audio else None
        total = reader.frame_count
        with open_video_writer(output, reader.rate, audio_from=audio) as writer:
            for done, (time, frame) in enumerate(reader.timed_frames(), start=1):
                writer.write(fit_on_canvas(frame, width, height), time)
                if on_frame is not None:
                    on_frame(done, total)
    return Path(output)
