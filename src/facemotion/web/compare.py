"""The side-by-side comparison: source still | driving video | result, as one video.

One composed video always plays in sync, which three players in a page cannot promise.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from facemotion.web.convert import fit_on_canvas

FrameCallback = Callable[[int, int | None], None]


def panel_side(result_side: int) -> int:
    """Side of each square panel: the result's own, kept between 256 and 512, even (yuv420p)."""
    return min(512, max(256, result_side)) // 2 * 2


def compose(panels: list[np.ndarray], side: int) -> np.ndarray:
    """(side, side * n, 3) uint8: each (H, W, 3) panel fitted into a black side x side square."""
    return np.concatenate([fit_on_canvas(panel, side, side) for panel in panels], axis=1)


def side_by_side(
    source: np.ndarray,
    driving: str | Path,
    result: str | Path,
    output: str | Path,
    *,
    on_frame: FrameCallback | None = None,
) -> Path:
    """Write `output` (mp4): `source` (H, W, 3) uint8, then the driving and result videos frame
    by frame, with the result's frame rate and audio. Stops at the shorter video."""
    from facemotion.io.video import VideoReader, open_video_writer

    with VideoReader(result) as result_reader, VideoReader(driving) as driving_reader:
        side = panel_side(max(result_reader.width, result_reader.height))
        still = fit_on_canvas(source, side, side)
        audio = result if result_reader.has_audio else None
        total = result_reader.frame_count
        with open_video_writer(output, result_reader.rate, audio_from=audio) as writer:
            # the result's frame times: a variable frame rate stays in step with the sound
            pairs = zip(driving_reader, result_reader.timed_frames(), strict=False)
            for done, (driving_frame, (time, result_frame)) in enumerate(pairs, start=1):
                writer.write(
                    np.concatenate([still, compose([driving_frame, result_frame], side)], 1), time
                )
                if on_frame is not None:
                    on_frame(done, total)
    return Path(output)
