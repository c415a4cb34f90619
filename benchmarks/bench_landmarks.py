"""Landmark extraction against raw MediaPipe on the same decoded frames.

Figures:
- landmarks_raw_facelandmarker_fps: the bare Face Landmarker (bundled model, VIDEO mode, one face)
  alone on the carphone sample's frames, decoded once beforehand; the landmark list is read
  into an array the plain way (a Python loop over the points), as a caller of MediaPipe would.
- landmarks_fps: `facemotion.landmarks.detect_landmarks` on the same frames (tracking, largest
  face), graph set-up included on both sides.
- landmarks_vs_raw_facelandmarker: their ratio (target >= 0.95; above 1 means the wrapper's reading
  of the landmarks gains back more than its own work costs).
- raw_facelandmarker_process_only_fps: MediaPipe's `process` alone, the landmarks left unread: the
  ceiling for any wrapper of the Python solution API.
Both sides run interleaved, best of REPEATS, so they see the same machine load.
"""

from __future__ import annotations

import time

import numpy as np

from benchmarks.baselines import raw_landmarker_seconds
from facemotion.landmarks import detect_landmarks

REPEATS = 7


def _sample_frames() -> list[np.ndarray]:
    import av

    from facemotion.assets import sample_path

    with av.open(str(sample_path("carphone.mp4"))) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def _landmarks_seconds(frames: list[np.ndarray]) -> float:
    started = time.perf_counter()
    for _ in detect_landmarks(frames):
        pass
    return time.perf_counter() - started


def run() -> dict[str, float]:
    frames = _sample_frames()
    raw_landmarker_seconds(frames[:5])  # load the models once before timing either side
    raw, ours, process_only = [], [], []
    for _ in range(REPEATS):  # interleaved, so all sides see the same machine load
        raw.append(raw_landmarker_seconds(frames))
        ours.append(_landmarks_seconds(frames))
        process_only.append(raw_landmarker_seconds(frames, read=False))
    raw_fps = len(frames) / min(raw)
    landmarks_fps = len(frames) / min(ours)
    figures = {
        "landmarks_fps": landmarks_fps,
        "landmarks_raw_facelandmarker_fps": raw_fps,
        "landmarks_vs_raw_facelandmarker": landmarks_fps / raw_fps,
        "raw_facelandmarker_process_only_fps": len(frames) / min(process_only),
    }
    print(f"{'figure':32s} {'value':>10s}")
    for key, value in figures.items():
        print(f"{key:32s} {value:10.3f}")
    print(f"({len(frames)} frames of {frames[0].shape[1]}x{frames[0].shape[0]}, best of {REPEATS})")
    return figures


if __name__ == "__main__":
    run()
