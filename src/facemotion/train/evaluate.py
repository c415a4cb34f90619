"""The paper's reconstruction protocol: each test video is reconstructed from its first frame.

For every test video, source = frame 0 and driving = every frame in turn, with the driving
keypoints as they are (absolute, `relative=False`). L1 is the mean absolute pixel difference in
[0, 1]; AKD the mean distance in pixels between face landmarks detected (facemotion.landmarks,
each frame on its own) on the real and the reconstructed frame, over frames where both have a
face. Works for any AnimationModel, so FOMM checkpoints and the landmark model compare alike.
"""

from __future__ import annotations

import collections
import csv
import json
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from facemotion.io.atomic import atomic_output
from facemotion.io.images import as_uint8_image
from facemotion.models.base import AnimationModel
from facemotion.train.data import VideoEntry, iter_frames, to_float_frames

# frames (T of (H, W, 3) uint8) -> per frame (points (N, 2+) in pixels, detected)
LandmarkFn = Callable[[list[np.ndarray]], Iterable[tuple[np.ndarray, bool]]]


@dataclass
class VideoScore:
    video: str
    frames: int
    l1: float
    akd: float  # NaN when no frame pair had a face in both
    akd_frames: int


def default_landmarks() -> LandmarkFn:
    """facemotion.landmarks.detect_landmarks, each frame detected on its own."""
    from facemotion.landmarks import detect_landmarks

    return lambda frames: detect_landmarks(frames, static=True)


def reconstruct(
    model: AnimationModel, frames: Iterable[np.ndarray]
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(real, reconstructed) pairs, (H, W, 3) float32 in [0, 1], source = the first frame."""
    frames = iter(frames)
    first = next(frames, None)
    if first is None:
        return
    pending: collections.deque[np.ndarray] = collections.deque()

    def driving() -> Iterator[np.ndarray]:
        # The model may read ahead (batches); real frames wait here for their prediction.
        for frame in _chain(first, frames):
            pending.append(frame)
            yield frame

    for generated in model.animate(first, driving(), relative=False, adapt_scale=False):
        yield pending.popleft(), np.asarray(generated, np.float32)


def _chain(first: np.ndarray, rest: Iterator[np.ndarray]) -> Iterator[np.ndarray]:
    yield first
    yield from rest


def score_video(
    model: AnimationModel,
    entry: VideoEntry,
    frame_shape: tuple[int, int],
    landmarks: LandmarkFn | None,
    max_frames: int | None = None,
) -> VideoScore:
    """L1 and AKD of one video. Holds the clip's uint8 frames (real and reconstructed) for the
    landmark pass; L1 is accumulated as frames stream."""

    def frames() -> Iterator[np.ndarray]:
        for i, frame in enumerate(iter_frames(entry)):
            if max_frames is not None and i >= max_frames:
                return
            yield to_float_frames([frame], frame_shape)[0]

    total, count, real_frames, fake_frames = 0.0, 0, [], []
    for real, fake in reconstruct(model, frames()):
        if fake.shape != real.shape:
            fake = to_float_frames([as_uint8_image(fake)], real.shape[:2])[0]
        total += float(np.abs(real - fake).mean())
        count += 1
        if landmarks is not None:
            real_frames.append(as_uint8_image(real))
            fake_frames.append(as_uint8_image(fake))
    distances = []
    if landmarks is not None and real_frames:
        for (p, ok_p), (q, ok_q) in zip(
            landmarks(real_frames), landmarks(fake_frames), strict=False
        ):
            if ok_p and ok_q:
                distances.append(float(np.linalg.norm(p[:, :2] - q[:, :2], axis=-1).mean()))
    akd = float(np.mean(distances)) if distances else math.nan
    return VideoScore(entry.path.name, count, total / max(count, 1), akd, len(distances))


def overall(scores: list[VideoScore]) -> dict[str, float]:
    """Frame-weighted means over videos (AKD over the frames that had faces)."""
    frames = sum(s.frames for s in scores)
    akd_frames = sum(s.akd_frames for s in scores)
    return {
        "videos": len(scores),
        "frames": frames,
        "l1": sum(s.l1 * s.frames for s in scores) / max(frames, 1),
        "akd": (
            sum(s.akd * s.akd_frames for s in scores if s.akd_frames) / akd_frames
            if akd_frames
            else math.nan
        ),
        "akd_frames": akd_frames,
    }


def evaluate(
    model: AnimationModel,
    entries: list[VideoEntry],
    frame_shape: tuple[int, int],
    *,
    landmarks: LandmarkFn | None = None,
    max_frames: int | None = None,
    progress: bool = True,
) -> tuple[list[VideoScore], dict[str, float]]:
    """Scores per video and overall for `entries` (scan_videos of DIR/test)."""
    scores = [
        score_video(model, entry, frame_shape, landmarks, max_frames)
        for entry in tqdm(entries, desc="evaluate", unit="video", disable=not progress)
    ]
    return scores, overall(scores)


def format_table(scores: list[VideoScore], summary: dict[str, float], label: str) -> str:
    """A plain-text table: one row per video and an 'overall' row; L1 and AKD columns."""
    width = max([len("overall"), *(len(s.video) for s in scores)])
    lines = [f"{label}", f"{'video':<{width}}  {'frames':>6}  {'L1':>8}  {'AKD':>8}"]
    rows = [(s.video, s.frames, s.l1, s.akd) for s in scores]
    rows.append(("overall", summary["frames"], summary["l1"], summary["akd"]))
    for name, frames, l1, akd in rows:
        lines.append(f"{name:<{width}}  {frames:>6}  {l1:>8.4f}  {akd:>8.3f}")
    return "\n".join(lines)


def write_reports(
    scores: list[VideoScore], summary: dict[str, float], json_path: Path, meta: dict
) -> Path:
    """JSON (meta, overall, videos) at json_path and a CSV beside it; both atomic."""
    payload = {**meta, "overall": summary, "videos": [asdict(s) for s in scores]}
    text = json.dumps(payload, indent=2, allow_nan=True).replace("NaN", "null")
    with atomic_output(json_path) as tmp:
        tmp.write_text(text + "\n")
    csv_path = json_path.with_suffix(".csv")
    with atomic_output(csv_path) as tmp, open(tmp, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["video", "frames", "l1", "akd", "akd_frames"])
        for s in scores:
            writer.writerow([s.video, s.frames, f"{s.l1:.6f}", f"{s.akd:.4f}", s.akd_frames])
        writer.writerow(
            [
                "overall",
                summary["frames"],
                f"{summary['l1']:.6f}",
                f"{summary['akd']:.4f}",
                summary["akd_frames"],
            ]
        )
    return csv_path
