"""Training data in the FOMM layout: DIR/train and DIR/test, one video per entry.

A video is a folder of frames (png/jpg, sorted by name), a video file (mp4, mov, avi, mkv,
webm) or a gif. Frames are decoded lazily, two per sample. Folders and gifs are read by index;
a video file is decoded sequentially up to the later of the two frames and only those two are
kept (FOMM clips are short; this keeps memory flat and needs no per-worker cache, at the cost
of decoding on average 2/3 of a clip per sample; `facemotion prepare` writes PNG folders,
which avoid it).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageSequence, UnidentifiedImageError

from facemotion.config import DatasetConfig
from facemotion.errors import InputError
from facemotion.io.images import load_image
from facemotion.io.video import VideoReader
from facemotion.train.augment import augment

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".webp"})
VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".avi", ".mkv", ".webm", ".m4v"})


@dataclass(frozen=True)
class VideoEntry:
    """One training video: where, what kind ('frames', 'gif', 'video'), frames, (H, W)."""

    path: Path
    kind: str
    frame_count: int
    size: tuple[int, int]

    @property
    def identity(self) -> str:
        """VoxCeleb names clips `id#clip`; id sampling draws an identity, then one of its clips."""
        return self.path.stem.split("#")[0]


def _frame_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)


def _probe_video(path: Path) -> tuple[int, tuple[int, int]]:
    """Frame count and upright (height, width): a phone video's display matrix turns it."""
    import av

    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            count = stream.frames
            if count <= 0:  # some containers do not store it; packets are cheap to count
                count = sum(1 for p in container.demux(stream) if p.size)
    except av.error.FFmpegError as exc:
        # FFmpeg's words without PyAV's "[Errno 1094995529] ...: 'path'" around them
        reason = str(exc.strerror or exc).split("\n")[0]
        raise InputError(
            f"{path} is not a readable video ({reason}); remove or re-encode it"
        ) from exc
    except IndexError as exc:
        raise InputError(f"{path} holds no video stream; remove it from the folder") from exc
    with VideoReader(path) as reader:
        return int(count), (reader.height, reader.width)


def probe(path: Path) -> VideoEntry | None:
    """A VideoEntry for `path`, or None when it is no kind of video (a stray file)."""
    try:
        if path.is_dir():
            files = _frame_files(path)
            if not files:
                return VideoEntry(path, "frames", 0, (0, 0))
            with Image.open(files[0]) as image:
                return VideoEntry(path, "frames", len(files), (image.height, image.width))
        suffix = path.suffix.lower()
        if suffix == ".gif":
            with Image.open(path) as image:
                return VideoEntry(path, "gif", image.n_frames, (image.height, image.width))
        if suffix in VIDEO_SUFFIXES:
            count, size = _probe_video(path)
            return VideoEntry(path, "video", count, size)
    except (OSError, UnidentifiedImageError) as exc:
        raise InputError(f"cannot read {path} ({exc}); remove or re-encode it") from exc
    return None


def scan_videos(
    folder: str | Path, frame_shape: Sequence[int]
) -> tuple[list[VideoEntry], list[str]]:
    """The usable videos in `folder` (sorted by name) and one-line notes on what was skipped or
    will be resized. Raises InputError when the folder is missing or holds no usable video."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(
            f"data folder {folder} does not exist; expected DIR/train and DIR/test with one "
            "video (mp4, gif or folder of frames) each; 'facemotion prepare' makes them"
        )
    entries, short, notes = [], [], []
    for path in sorted(folder.iterdir()):
        entry = probe(path)
        if entry is None:
            continue
        (entries if entry.frame_count >= 2 else short).append(entry)
    if short:
        names = ", ".join(e.path.name for e in short[:3]) + (" ..." if len(short) > 3 else "")
        notes.append(f"skipped {len(short)} video(s) in {folder} with fewer than 2 frames: {names}")
    if not entries:
        raise InputError(
            f"no usable video in {folder} (need mp4/gif files or folders of frames with at "
            "least 2 frames each); 'facemotion prepare' makes them from any videos"
        )
    target = tuple(frame_shape[:2])
    other = [e for e in entries if e.size != target]
    if other:
        notes.append(
            f"{len(other)} of {len(entries)} video(s) in {folder} are not {target[0]}x{target[1]} "
            f"(e.g. {other[0].path.name}: {other[0].size[0]}x{other[0].size[1]}); their frames "
            "are resized on the fly ('facemotion prepare' does it once)"
        )
    return entries, notes


def _decode_video(path: Path) -> Iterator[np.ndarray]:
    with VideoReader(path) as reader:
        yield from reader


def iter_frames(entry: VideoEntry) -> Iterator[np.ndarray]:
    """Every frame of a video in order: (H, W, 3) uint8 RGB."""
    if entry.kind == "frames":
        for file in _frame_files(entry.path):
            yield load_image(file)
    elif entry.kind == "gif":
        with Image.open(entry.path) as image:
            for frame in ImageSequence.Iterator(image):
                yield np.asarray(frame.convert("RGB"))
    else:
        yield from _decode_video(entry.path)


def read_frames(entry: VideoEntry, indices: Sequence[int]) -> list[np.ndarray]:
    """The frames at `indices` (any order): (H, W, 3) uint8 RGB each."""
    if entry.kind == "frames":
        files = _frame_files(entry.path)
        return [load_image(files[index]) for index in indices]
    if entry.kind == "gif":
        out = []
        with Image.open(entry.path) as image:
            for index in indices:
                image.seek(index)
                out.append(np.asarray(image.convert("RGB")))
        return out
    wanted, found, last = set(indices), {}, None
    for position, frame in enumerate(_decode_video(entry.path)):
        last = frame
        if position in wanted:
            found[position] = frame
        if position >= max(indices):
            break
    if last is None:
        raise InputError(f"{entry.path} has no decodable frame; remove or re-encode it")
    # A container may announce more frames than it decodes; the last frame stands in.
    return [found.get(index, last) for index in indices]


def to_float_frames(frames: Sequence[np.ndarray], frame_shape: Sequence[int]) -> np.ndarray:
    """uint8 frames of any size -> (T, H, W, 3) float32 in [0, 1] at frame_shape (H, W),
    centre-cropped to its aspect ratio first so that nothing is stretched."""
    height, width = int(frame_shape[0]), int(frame_shape[1])
    out = np.empty((len(frames), height, width, 3), np.float32)
    for i, frame in enumerate(frames):
        if frame.shape[:2] != (height, width):
            h, w = frame.shape[:2]
            scale = min(h / height, w / width)
            crop_h, crop_w = round(height * scale), round(width * scale)
            top, left = (h - crop_h) // 2, (w - crop_w) // 2
            image = Image.fromarray(frame[top : top + crop_h, left : left + crop_w])
            frame = np.asarray(image.resize((width, height), Image.Resampling.BICUBIC))
        out[i] = frame[..., :3] / np.float32(255)
    return out


class FramePairDataset(torch.utils.data.Dataset):
    """Two random frames of one video per item, augmented alike: {'source', 'driving'}:
    (3, H, W) float32 in [0, 1]. Length: videos (or identities) x num_repeats.

    Every random choice comes from a numpy Generator seeded by (seed, epoch, index), so a
    sample does not depend on the worker or the process that loads it: a run under torchrun
    sees exactly the samples of a single-process run.
    """

    def __init__(self, folder: str | Path, cfg: DatasetConfig, num_repeats: int = 1, seed: int = 0):
        self.entries, self.notes = scan_videos(folder, cfg.frame_shape)
        self.cfg = cfg
        self.num_repeats = max(1, int(num_repeats))
        self.seed = seed
        self.epoch = 0
        groups: dict[str, list[VideoEntry]] = {}
        for entry in self.entries:
            key = entry.identity if cfg.id_sampling else str(entry.path)
            groups.setdefault(key, []).append(entry)
        self.groups = list(groups.values())

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __len__(self) -> int:
        return len(self.groups) * self.num_repeats

    def __getitem__(self, index: int) -> dict[str, torch.Tensor]:
        rng = np.random.default_rng((self.seed, self.epoch, index))
        group = self.groups[index % len(self.groups)]
        entry = group[int(rng.integers(len(group)))]
        # replace=True as in the original: a pair may be one frame twice (identity reconstruction).
        pair = np.sort(rng.choice(entry.frame_count, size=2, replace=True))
        frames = to_float_frames(read_frames(entry, pair.tolist()), self.cfg.frame_shape)
        frames = augment(frames, self.cfg.augmentation, rng)
        tensors = torch.from_numpy(np.ascontiguousarray(frames)).permute(0, 3, 1, 2)
        return {"source": tensors[0], "driving": tensors[1]}


def split_folder(root: str | Path, split: str) -> Path:
    """DIR/<split>, with a message that says what the layout should be when it is missing."""
    root = Path(root)
    if not root.is_dir():
        raise InputError(f"data folder {root} does not exist")
    folder = root / split
    if not folder.is_dir():
        raise InputError(
            f"{root} has no {split}/ folder; the FOMM layout is DIR/train and DIR/test with one "
            "video each; 'facemotion prepare VIDEOS DIR' makes it"
        )
    return folder


def stable_fraction(name: str) -> float:
    """A number in [0, 1) fixed by `name`: the train/test split of `prepare` without a seed."""
    return zlib.crc32(name.encode()) / 2**32
