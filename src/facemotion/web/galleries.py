"""Gallery contents: the shipped samples and the user's `--gallery DIR`, by category."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from pathlib import Path

from facemotion.assets import sample_path, samples
from facemotion.errors import InputError

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".bmp"}
VIDEO_SUFFIXES = {".mp4", ".mov", ".m4v", ".webm", ".mkv", ".avi"}

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GalleryItem:
    """One pick: the file, its caption, and the picture shown (a video's first frame)."""

    path: Path
    title: str
    thumbnail: Path


Galleries = dict[str, list[GalleryItem]]  # tab name -> items, in display order


def sample_galleries(kind: str, thumbnails: Path) -> Galleries:
    """The shipped samples of `kind` ('image' or 'video') by their category."""
    galleries: Galleries = {}
    for sample in samples(kind):
        path = sample_path(sample.name)
        item = _item(path, sample.title, kind, thumbnails)
        if item is not None:
            galleries.setdefault(sample.category, []).append(item)
    return galleries


def folder_galleries(folder: Path, kind: str, thumbnails: Path) -> Galleries:
    """A user's folder: one tab per sub-folder (named after it), loose files in a tab named
    after the folder itself; only files of `kind`, sorted by name."""
    suffixes = IMAGE_SUFFIXES if kind == "image" else VIDEO_SUFFIXES
    galleries: Galleries = {}
    groups = [(folder.name or "My files", folder)]
    groups += [(sub.name, sub) for sub in sorted(folder.iterdir()) if sub.is_dir()]
    for name, group in groups:
        files = sorted(p for p in group.iterdir() if p.is_file() and p.suffix.lower() in suffixes)
        items = [_item(path, path.stem, kind, thumbnails) for path in files]
        kept = [item for item in items if item is not None]
        if kept:
            galleries.setdefault(name, []).extend(kept)
    return galleries


def merge(*parts: Galleries) -> Galleries:
    merged: Galleries = {}
    for part in parts:
        for name, items in part.items():
            merged.setdefault(name, []).extend(items)
    return merged


def video_thumbnail(video: Path, folder: Path) -> Path:
    """A PNG of the video's first frame, written into `folder`."""
    from facemotion.io.images import save_image
    from facemotion.io.video import read_first_frame

    folder.mkdir(parents=True, exist_ok=True)
    return save_image(read_first_frame(video), folder / f"thumb-{uuid.uuid4().hex[:8]}.png")


def _item(path: Path, title: str, kind: str, thumbnails: Path) -> GalleryItem | None:
    if kind == "image":
        return GalleryItem(path.resolve(), title, path.resolve())
    try:
        return GalleryItem(path.resolve(), title, video_thumbnail(path, thumbnails))
    except InputError as exc:
        log.warning("gallery: skipping %s (%s)", path, exc)
        return None
