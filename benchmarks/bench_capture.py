"""Capture throughput against raw MediaPipe on the same decoded frames, export time, memory.

Figures:
- capture_fps: frames per second of `facemotion.capture` (landmarks, pose, blendshapes,
  smoothing) on the carphone sample's frames, decoded beforehand.
- capture_raw_facelandmarker_fps: the bare Face Landmarker (bundled model, VIDEO mode) alone
  on the same frames, in the same run; capture_vs_raw_facelandmarker is their ratio (target >= 0.9).
- capture_learned_agreement_r: mean Pearson r of the capture's blendshape curves (calibrated,
  smoothed) against the bare Face Landmarker's scores on the same frames, over the shapes that
  move (raw score std > 0.02), averaged over the clips of `agreement_clips` (carphone, and
  versions of it made here: mirrored, upscaled 2x, slowed to half speed); target >= 0.95.
  capture_learned_agreement_r_min is the worst clip's.
- export_s_per_1000_frames: CSV, JSON, BVH, glTF and plots of a 1000-frame capture.
- capture_peak_mb_short / _long, capture_memory_long_vs_short: peak traced memory of capturing
  a streamed clip of 120 and 480 frames (frames are generated, never held); landmarks go to
  disk as they come (io/spill.py), the curves the exports need grow by ~1 kB a frame.
"""

from __future__ import annotations

import gc
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from benchmarks.baselines import raw_landmarker_scores, raw_landmarker_seconds
from facemotion.pipeline.capture import Capture, capture

REPEATS = 3


def _sample_frames() -> list[np.ndarray]:
    from facemotion.assets import sample_path
    from facemotion.io.video import VideoReader

    with VideoReader(sample_path("carphone.mp4")) as reader:
        return [np.asarray(frame) for frame in reader]


def _capture_seconds(frames: list[np.ndarray], fps: float) -> float:
    started = time.perf_counter()
    capture(frames, fps=fps)
    return time.perf_counter() - started


MOVING_STD = 0.02  # a shape "moves" in a clip when its raw score's std is above this


def agreement_clips(frames: list[np.ndarray]) -> dict[str, list[np.ndarray]]:
    """Carphone and clips made from it: mirrored, upscaled 2x, half speed (each frame twice)."""
    import cv2

    return {
        "carphone": frames,
        "mirrored": [np.ascontiguousarray(frame[:, ::-1]) for frame in frames],
        "upscaled": [
            cv2.resize(frame, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC) for frame in frames
        ],
        "half_speed": [frame for frame in frames for _ in range(2)],
    }


def agreement(frames: list[np.ndarray], fps: float) -> tuple[float, dict[str, float]]:
    """Mean r over the moving shapes of capture vs bare Face Landmarker, and r per shape."""
    from facemotion.landmarks.arkit import ARKIT_NAMES

    raw = raw_landmarker_scores(frames, fps)
    ours = capture(frames, fps=fps).blendshapes
    seen = np.isfinite(raw).all(axis=1)
    per_shape = {}
    for k, name in enumerate(ARKIT_NAMES):
        if raw[seen, k].std() > MOVING_STD:
            per_shape[name] = float(np.corrcoef(raw[seen, k], ours[seen, k])[0, 1])
    return float(np.mean(list(per_shape.values()))), per_shape


def _tiled(result: Capture, count: int) -> Capture:
    """A `count`-frame capture made by repeating `result` (for export timing)."""
    picks = np.arange(count) % len(result)
    return Capture(
        fps=result.fps,
        times_s=np.arange(count) / result.fps,
        landmarks=result.landmarks[picks],
        rotation=result.rotation[picks],
        angles_deg=result.angles_deg[picks],
        translation=result.translation[picks],
        blendshapes=result.blendshapes[picks],
        detected=result.detected[picks],
        interpolated=result.interpolated[picks],
        held=result.held[picks],
        eye_rotation=result.eye_rotation[picks],
        head_landmarks=result.head_landmarks[picks],
        neutral_cm=result.neutral_cm,
        frame_size=result.frame_size,
    )


def _peak_mb(frames: list[np.ndarray], count: int, fps: float) -> float:
    def stream() -> Iterator[np.ndarray]:
        for index in range(count):
            yield frames[index % len(frames)].copy()

    gc.collect()
    tracemalloc.start()
    capture(stream(), fps=fps)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def run() -> dict[str, float]:
    frames = _sample_frames()
    fps = 30000 / 1001
    raw_landmarker_seconds(frames[:5])  # load the models once before timing either side
    raw, ours = [], []
    for _ in range(REPEATS):  # interleaved, so both sides see the same machine load
        raw.append(raw_landmarker_seconds(frames))
        ours.append(_capture_seconds(frames, fps))
    raw_fps = len(frames) / min(raw)
    capture_fps = len(frames) / min(ours)

    clip_r = {name: agreement(clip, fps)[0] for name, clip in agreement_clips(frames).items()}

    result = capture(frames, fps=fps)
    long = _tiled(result, 1000)
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        long.save(Path(folder), ("csv", "json", "bvh", "glb", "plots"), stem="bench")
        export_s = time.perf_counter() - started

    _peak_mb(frames, 30, fps)  # one-off allocations (model loading) out of the short run's peak
    short_mb = _peak_mb(frames, 120, fps)
    long_mb = _peak_mb(frames, 480, fps)

    figures = {
        "capture_fps": capture_fps,
        "capture_raw_facelandmarker_fps": raw_fps,
        "capture_vs_raw_facelandmarker": capture_fps / raw_fps,
        "capture_learned_agreement_r": float(np.mean(list(clip_r.values()))),
        "capture_learned_agreement_r_min": min(clip_r.values()),
        "export_s_per_1000_frames": export_s,
        "capture_peak_mb_short": short_mb,
        "capture_peak_mb_long": long_mb,
        "capture_memory_long_vs_short": long_mb / short_mb,
    }
    print(f"{'figure':32s} {'value':>10s}")
    for key, value in figures.items():
        print(f"{key:32s} {value:10.3f}")
    print("agreement r per clip: " + ", ".join(f"{k} {v:.3f}" for k, v in clip_r.items()))
    print(f"({len(frames)} frames of {frames[0].shape[1]}x{frames[0].shape[0]}, best of {REPEATS})")
    return figures
