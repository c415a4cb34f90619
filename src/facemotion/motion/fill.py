"""Filling the hole a person leaves in a photograph's scene: once per source, the same in
every frame (the still scene's background plate, scene.py).

`texture_fill` continues the scene's own texture into the hole by copying it from elsewhere
in the scene, shifted by one of a few offsets at which the scene repeats itself (the
"statistics of patch offsets" of He and Sun, ECCV 2012, reduced to what a portrait needs):

1. The scene's repeats: for every offset d, the mean squared difference between the known
   scene and itself shifted by d, over the pixels where both are known (masked
   autocorrelation, by FFT). Its local minima are the offsets the texture repeats at (a
   window's panes, a curtain's stripes); on a texture that does not repeat (bokeh) they are
   simply the offsets at which it differs least. The best one in each of eight directions is
   kept, at least `min_shift_px` long.
2. Each hole pixel copies the scene from x + k d, with the smallest k that lands on the known
   scene, by the offset d that copies from nearest, an offset weighing more the worse it
   repeats the scene than the best one does (cost = k |d| (1 + (rms(d) - best) / tolerance):
   on a window whose panes repeat across but not down, the copy comes from the side).
   The costs are smoothed over the hole, so pixels copy in large coherent pieces, and the
   pieces are blended over a pixel or two where they meet.

Only a scene that repeats itself is filled so: where the best offset differs from the scene
nearly as much as any offset does (clouds, a car's interior, bokeh), copies of it made a
patchwork with visible seams, and the smooth fill is used instead.

The shortest offset is as long as what a moving head uncovers, so the band a viewer sees is
one clean copy of the scene beside it, and the seams of repeated copies lie deeper in the
hole, behind the person at most poses. OpenCV's Telea inpainting (`smooth_fill`, the fill
before) spreads the hole's rim inward along straight lines, which on a textured scene shows
as a star of radial streaks.

Hand-written: OpenCV's contrib module has patch-based fills (xphoto's shift-map and FSR) but
they took 10-50 s a source and need a second OpenCV build; PatchMatch fills (PyPI's
patchmatch-cython, tried) placed blobs of sky in a window's grass and took ~1 s. This one is
~0.1 s at 256 px, all array operations, deterministic.
"""

from __future__ import annotations

import cv2
import numpy as np
import scipy.fft
from scipy import ndimage

_SECTORS = 8  # directions an offset is kept for, so every side of a hole has a copy nearby
_MIN_OVERLAP = 0.15  # of the known scene: an offset must compare at least this much of it
_NEIGHBOURS_PX = 5  # a repeat is a minimum over this window of offsets
_UNREACHABLE = 1e6


def smooth_fill(image: np.ndarray, hole: np.ndarray, radius_px: float = 5.0) -> np.ndarray:
    """`image` (H, W, 3) uint8 with `hole` (H, W) bool filled by OpenCV's Telea inpainting:
    smooth, streaked on textured scenes. (H, W, 3) uint8."""
    return cv2.inpaint(image, hole.astype(np.uint8), max(1.0, radius_px), cv2.INPAINT_TELEA)


def repeat_offsets(
    image: np.ndarray, known: np.ndarray, min_shift_px: float, max_shift_px: float
) -> tuple[list[tuple[int, int, float]], float]:
    """The offsets at which the known scene repeats itself: [(dy, dx, rms)], px and the root
    mean square difference (grey in [0, 1]) between the scene and itself shifted by
    (dy, dx), the best local minimum in each of eight directions, between min_shift_px and
    max_shift_px long; and the median rms over all offsets of those lengths (what a shift
    that does not repeat the scene gives). image: (H, W, 3) float; known: (H, W) bool."""
    height, width = known.shape
    shape = (2 * height, 2 * width)  # zero-padded: no wrap-around
    mask = known.astype(np.float32)
    grey = cv2.cvtColor(np.asarray(image, np.float32), cv2.COLOR_RGB2GRAY) * mask
    # sum over x of m(x) m(x+d) (I(x) - I(x+d))^2, expanded into three correlations.
    mask_spectrum = scipy.fft.rfft2(mask, shape, workers=-1)
    grey_spectrum = scipy.fft.rfft2(grey, shape, workers=-1)
    square_spectrum = scipy.fft.rfft2(grey * grey, shape, workers=-1)
    squares = 2 * (np.conj(square_spectrum) * mask_spectrum).real - 2 * np.abs(grey_spectrum) ** 2
    difference = np.fft.fftshift(scipy.fft.irfft2(squares, shape, workers=-1))
    overlap = np.fft.fftshift(scipy.fft.irfft2(np.abs(mask_spectrum) ** 2, shape, workers=-1))
    mean_square = np.maximum(difference, 0.0) / np.maximum(overlap, 1.0)
    dy, dx = np.mgrid[-height:height, -width:width]
    length = np.hypot(dy, dx)
    usable = (overlap >= _MIN_OVERLAP * known.sum()) & (length >= min_shift_px)
    usable &= length <= max_shift_px
    typical = float(np.sqrt(np.median(mean_square[usable]))) if usable.any() else 0.0
    mean_square = np.where(usable, mean_square, np.inf)
    minima = mean_square == ndimage.minimum_filter(mean_square, size=_NEIGHBOURS_PX)
    rows, cols = np.nonzero(minima & usable)
    values = mean_square[rows, cols]
    angle = np.arctan2(dy[rows, cols], dx[rows, cols])
    sector = np.floor((angle + np.pi) / (2 * np.pi) * _SECTORS).astype(int) % _SECTORS
    offsets = []
    for direction in range(_SECTORS):
        members = np.nonzero(sector == direction)[0]
        if len(members):
            best = members[np.argmin(values[members])]
            offsets.append(
                (
                    int(dy[rows[best], cols[best]]),
                    int(dx[rows[best], cols[best]]),
                    float(np.sqrt(values[best])),
                )
            )
    return offsets, typical


def _copy_steps(known: np.ndarray, offset: tuple[int, int]) -> np.ndarray:
    """(H, W) int: for each pixel x the smallest k >= 1 with x + k d on the known scene
    (d = offset (dy, dx) px), 0 where none is in the image."""
    height, width = known.shape
    dy, dx = offset
    steps = np.zeros((height, width), np.int32)
    step = 1
    while abs(step * dy) < height and abs(step * dx) < width:
        # known shifted back by k d: landing[x] = known[x + k d], False outside the image
        landing = np.zeros((height, width), bool)
        sy, sx = step * dy, step * dx
        landing[max(0, -sy) : height - max(0, sy), max(0, -sx) : width - max(0, sx)] = known[
            max(0, sy) : height - max(0, -sy), max(0, sx) : width - max(0, -sx)
        ]
        steps[(steps == 0) & landing] = step
        step += 1
    return steps


def texture_fill(
    image: np.ndarray,
    hole: np.ndarray,
    min_shift_px: float,
    tolerance: float = 0.025,
    smooth_px: float | None = None,
    blend_px: float = 1.5,
    repeat_limit: float = 0.35,
    radius_px: float = 5.0,
) -> np.ndarray:
    """`image` (H, W, 3) float32 [0, 1] with `hole` (H, W) bool filled by copies of its own
    scene (module docstring): (H, W, 3) float32; outside the hole, `image`.

    min_shift_px: the shortest copy offset (what a moving head uncovers); tolerance: the
    rms grey difference (of 1) by which an offset repeating the scene worse than the best
    one weighs twice as much (module docstring; on the bench's scenes 0.02-0.03 worked, 0.01
    copied a window's sky into its trees, 0.05 a curtain's folds out of step); smooth_px:
    how widely the choice of offset is smoothed (min_shift_px / 12 by default); blend_px:
    the soft seam where copies meet;
    repeat_limit: a scene whose best offset's rms is above this share of the median offset's
    does not repeat, and its hole is inpainted by `smooth_fill`, as are pixels no offset
    reaches (a hole across the whole image), with `radius_px`.
    """
    height, width = hole.shape
    out = np.array(image, dtype=np.float32, copy=True)
    if not hole.any():
        return out
    smooth_px = max(min_shift_px / 12.0, 1.0) if smooth_px is None else smooth_px
    # Not copied from: a thin ring around the hole, where a segmenter's edge leaves strands
    # of hair and their blur (copied, they drew dark outlines of the person in the fill).
    ring = max(1, round(min_shift_px / 16.0))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * ring + 1, 2 * ring + 1))
    known = ~(cv2.dilate(hole.astype(np.uint8), kernel) > 0)
    offsets, typical = repeat_offsets(image, known, min_shift_px, 0.6 * max(height, width))
    rows, cols = np.nonzero(hole)
    if not offsets:
        return _smooth_rest(out, hole, radius_px)
    best = min(rms for _, _, rms in offsets)
    # A scene that does not repeat (clouds, a car's interior, bokeh: the best offset differs
    # by 0.5-0.8 of what any offset does) came out as a patchwork of copies with visible
    # seams, worse than the smooth fill; curtains and windows repeat at 0.005-0.15.
    if best > repeat_limit * typical:
        return _smooth_rest(out, hole, radius_px)
    costs = np.full((len(offsets), height, width), _UNREACHABLE, np.float32)
    sources = []
    for index, (dy, dx, rms) in enumerate(offsets):
        steps = _copy_steps(known, (dy, dx))[rows, cols]
        reached = steps > 0
        penalty = 1.0 + (rms - best) / tolerance
        costs[index, rows[reached], cols[reached]] = steps[reached] * np.hypot(dy, dx) * penalty
        sources.append((rows + steps * dy, cols + steps * dx, reached))
        # Smoothed over the reachable pixels only (normalised): an unreachable neighbour's
        # cost must not spill onto pixels the offset does reach.
        valid = (costs[index] < _UNREACHABLE).astype(np.float32)
        spread = cv2.GaussianBlur(costs[index] * valid, (0, 0), smooth_px)
        weight = cv2.GaussianBlur(valid, (0, 0), smooth_px)
        costs[index] = np.where(valid > 0, spread / np.maximum(weight, 1e-6), _UNREACHABLE)
    choice = np.argmin(costs[:, rows, cols], axis=0)
    total = np.zeros((len(rows), 3), np.float32)
    weights = np.zeros(len(rows), np.float32)
    for index, (from_rows, from_cols, reached) in enumerate(sources):
        chosen = np.zeros((height, width), np.float32)
        picked = (choice == index) & reached
        chosen[rows[picked], cols[picked]] = 1.0
        share = cv2.GaussianBlur(chosen, (0, 0), blend_px)[rows, cols] * reached
        used = share > 1e-3
        total[used] += share[used, None] * image[from_rows[used], from_cols[used]]
        weights[used] += share[used]
    filled = weights > 0
    out[rows[filled], cols[filled]] = total[filled] / weights[filled, None]
    if filled.all():
        return out
    rest = np.zeros((height, width), bool)
    rest[rows[~filled], cols[~filled]] = True
    return _smooth_rest(out, rest, radius_px)


def _smooth_rest(image: np.ndarray, hole: np.ndarray, radius_px: float) -> np.ndarray:
    """image (H, W, 3) float32 with `hole` inpainted by `smooth_fill`."""
    quantised = np.clip(image * 255.0 + 0.5, 0, 255).astype(np.uint8)
    filled = smooth_fill(quantised, hole, radius_px).astype(np.float32) / 255.0
    out = image.copy()
    out[hole] = filled[hole]
    return out
