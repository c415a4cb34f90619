"""The settings of one `facemotion serve` run, shared by every tab."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ServeOptions:
    """host/port: where the app listens; share: also open a public gradio.live link.

    gallery: a folder of the user's own portraits and clips, one gallery tab per sub-folder.
    max_upload_mb: largest accepted upload; max_seconds: longest accepted video.
    concurrency: jobs (animate, convert, compare, capture, download) run at once; the others
    wait in the queue, which refuses new jobs while `max_queue` wait. device: where the models
    run ('cpu' or 'cuda').
    """

    host: str = "127.0.0.1"
    port: int = 7860
    share: bool = False
    gallery: Path | None = None
    max_upload_mb: float = 200.0
    max_seconds: float = 120.0
    concurrency: int = 1
    max_queue: int = 16
    device: str = "cpu"
