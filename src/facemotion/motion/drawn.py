"""Telling a drawn face (a cartoon, flat colours) from a photographed one.

A drawing's skin is one flat colour, or a few: most of the pixels inside its face oval lie
within a small colour distance of the face's median colour. A photograph's skin is shaded
and grained, so few do. On the bundled samples the share of face pixels within `tolerance`
(CIE76 distance 3) of the median is 0.02-0.09 for the photographs (the astronaut, Grace
Hopper, a carphone frame upscaled from 176x144, the astronaut at 128 px) and 0.75-0.86 for
the cartoons of benchmarks/cartoon.py (PNG, JPEG at quality 85, blurred, 512 px).

Retargeting and the mouth fill treat a drawing differently from a photo: its drawn smile is
its neutral (smile.py), and its opened mouth gets a flat drawn interior (mouth.py).
"""

from __future__ import annotations

import cv2
import numpy as np

from facemotion.motion.mesh import face_topology
from facemotion.motion.paint import polygon_mask, rgb_to_lab


def flat_share(image: np.ndarray, oval: np.ndarray, tolerance: float = 3.0) -> float:
    """The share of the pixels inside the face oval (N, 2) px of an (H, W, 3) float32 [0, 1]
    image, away from its edge, whose Lab colour lies within `tolerance` of their median."""
    mask = polygon_mask(oval, image.shape[:2]) > 0.99
    # Away from the oval's edge: hair, ears and background there are not skin.
    mask = cv2.erode(mask.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
    if mask.sum() < 16:
        return 0.0
    lab = rgb_to_lab(image)[mask]
    distance = np.linalg.norm(lab - np.median(lab, axis=0), axis=1)
    return float((distance < tolerance).mean())


def is_drawing(image: np.ndarray, points: np.ndarray, threshold: float = 0.4) -> bool:
    """Whether the face of landmarks (478, >=2) px in an (H, W, 3) float32 [0, 1] image is
    drawn in flat colours (`flat_share` above `threshold`)."""
    oval = np.asarray(points, np.float64)[face_topology().oval, :2]
    return flat_share(np.asarray(image, np.float32), oval) > threshold
