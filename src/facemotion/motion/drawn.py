"""Telling a drawn face (a cartoon, flat colours) from a photographed one.

A drawing's skin is one flat colour, or a few (a drawn shadow): over much of its face oval the
colour does not change at all from pixel to pixel. A photograph's skin always changes: it is
grained, and where it is smooth (a statue, a doll, a face upscaled from a small video, a photo
in grey, where colour noise is gone) its shading still changes the colour steadily across the
face. So a pixel counts as flat when its colour's rate of change, averaged over a small patch,
would move it by less than `shading` (3 CIE76 units) across the face's width, and its colour
is one of the skin's (within `tolerance`, 12, of the face's median: the skin and a drawn
shadow; not clipped black or white).

Measured on the public-domain samples (the astronaut, Grace Hopper, a carphone frame upscaled
x3) and look-alikes made from them (benchmarks/lookalikes.py), with the landmarks found on
each image:
- photos, statues (grey, stone-tinted, polished, lit evenly: shading halved, or cut to 0.4 and
  saved as JPEG at 60) and dolls (skin smoothed by an edge-preserving filter, saturation
  raised, lit evenly): 0.000-0.055 (the highest: the evenly lit JPEG stone carphone);
- the cartoons of benchmarks/cartoon.py: 0.115-0.54 (PNG at 128 and 256 px, JPEG at quality
  20-85 and 30 at 512 px, blurred, two-tone cel shading, cel shading in a JPEG at 50: 0.115);
- a face 45 px wide (carphone at its own size) lit evenly as a doll: 0.083; a cartoon 128 px
  wide saved as JPEG at 50 reads as a photo (0.010): too little face for the test.
The first version (share within 3 of the median, threshold 0.4) took a grey carphone statue
for a photo by a hair (0.37), and 9 of the 21 statue and doll look-alikes of
tests/motion/test_drawn.py for drawings (0.41-0.73), mostly the evenly lit ones.

Retargeting and the mouth fill treat a drawing differently from a photo: its drawn smile is
its neutral (smile.py), and its opened mouth gets a flat drawn interior (mouth.py).
"""

from __future__ import annotations

import cv2
import numpy as np

from facemotion.motion.mesh import face_topology
from facemotion.motion.paint import polygon_mask, rgb_to_lab

# The colour's rate of change is averaged over this share of the face's width: enough to
# average away grain and most JPEG noise, little enough that a drawing's flat cheeks stay clear
# of its lines.
PATCH = 0.015


def flat_share(
    image: np.ndarray, oval: np.ndarray, tolerance: float = 12.0, shading: float = 3.0
) -> float:
    """The share of the pixels inside the face oval (N, 2) px of an (H, W, 3) float32 [0, 1]
    image, away from its edge, that are flat: Lab colour changing at a rate that would move
    it by less than `shading` (CIE76) across the face's width, and within `tolerance` of the
    median colour."""
    height, width = image.shape[:2]
    x0, y0 = np.maximum(np.floor(oval.min(axis=0)).astype(int) - 2, 0)
    x1, y1 = np.minimum(np.ceil(oval.max(axis=0)).astype(int) + 3, (width, height))
    if x1 - x0 < 4 or y1 - y0 < 4:
        return 0.0
    crop = image[y0:y1, x0:x1]
    mask = polygon_mask(oval - (x0, y0), crop.shape[:2]) > 0.99
    # Away from the oval's edge: hair, ears and background there are not skin.
    mask = cv2.erode(mask.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
    if mask.sum() < 16:
        return 0.0
    lab = rgb_to_lab(crop)
    distance = np.linalg.norm(lab[mask] - np.median(lab[mask], axis=0), axis=1)
    face_width = float(np.ptp(oval[:, 0]))
    sigma = max(1.0, PATCH * face_width)
    rate = np.zeros(crop.shape[:2], np.float32)
    for channel in cv2.split(lab):
        smooth = cv2.GaussianBlur(channel, (0, 0), sigma)
        gy, gx = np.gradient(smooth)
        rate += gx * gx + gy * gy
    change = np.sqrt(rate[mask]) * face_width
    return float(((distance < tolerance) & (change < shading)).mean())


def is_drawing(image: np.ndarray, points: np.ndarray, threshold: float = 0.09) -> bool:
    """Whether the face of landmarks (478, >=2) px in an (H, W, 3) float32 [0, 1] image is
    drawn in flat colours (`flat_share` above `threshold`)."""
    oval = np.asarray(points, np.float64)[face_topology().oval, :2]
    return flat_share(np.asarray(image, np.float32), oval) > threshold
