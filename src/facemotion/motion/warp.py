"""Dense backward warp of an image from source landmarks to target landmarks.

The face is warped piecewise-affinely over the face-mesh triangles, with the eyes fanned from
the iris centres (so the gaze follows) and the mouth fanned from its centre. Outside the face,
rings of points on rays from the face centre through the oval carry the motion outwards: the
first ring blends the oval's own motion with the head's similarity (hair, ears, neck follow),
the next ones keep a decaying share of the head's similarity, and the last ring, beyond the
image, stays put (the far background). Every pixel lies in exactly one drawn triangle, the
map is continuous across triangle edges, so there are no seams.

Coordinates: landmarks are in pixels with (0, 0) at the top-left corner of the image (pixel
centres at +0.5), as MediaPipe gives them.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from facemotion.motion.mesh import (
    LEFT_IRIS_CENTER,
    RIGHT_IRIS_CENTER,
    FaceTopology,
    face_topology,
    signed_areas,
)
from facemotion.motion.similarity import Similarity

_SUBPIXEL_BITS = 4
_LANDMARKS = 478


@dataclass(frozen=True)
class RingOptions:
    """The extension of the warp beyond the face oval.

    factors: distances of the rings from the face centre, in oval radii (the last ring is
    pushed beyond the image whatever its factor). oval_weights / head_weights: per ring, the
    share of the oval point's own displacement and of the head similarity's displacement.
    """

    factors: tuple[float, ...] = (1.35, 1.8, 2.5, 4.0)
    oval_weights: tuple[float, ...] = (0.5, 0.0, 0.0, 0.0)
    head_weights: tuple[float, ...] = (0.5, 0.7, 0.0, 0.0)


@dataclass(frozen=True)
class WarpLayout:
    """Triangles over the extended point set: the 478 landmarks, the mouth centre (index
    478), then the rings (478 + 1 + ring * len(oval) + i). `face` marks the triangles that are
    depth-ordered; the others (rings) are drawn first."""

    triangles: np.ndarray  # (F, 3) int32
    face: np.ndarray  # (F,) bool
    topology: FaceTopology
    rings: RingOptions

    @property
    def mouth_center(self) -> int:
        return _LANDMARKS

    def ring_index(self, ring: int) -> int:
        return _LANDMARKS + 1 + ring * len(self.topology.oval)


def _fan(loop: np.ndarray, center: int) -> np.ndarray:
    return np.stack([loop, np.roll(loop, -1), np.full_like(loop, center)], axis=1)


def _strip(inner: np.ndarray, outer: np.ndarray) -> np.ndarray:
    inner_next, outer_next = np.roll(inner, -1), np.roll(outer, -1)
    return np.concatenate(
        [np.stack([inner, inner_next, outer], 1), np.stack([inner_next, outer_next, outer], 1)]
    )


def warp_layout(source: np.ndarray, rings: RingOptions = RingOptions()) -> WarpLayout:
    """The triangles of the warp, oriented so that the source's face is front-facing.

    source: (478, >=2) source landmarks (only the orientation of the mesh is taken from it).
    """
    topology = face_topology()
    triangles = topology.triangles
    if np.count_nonzero(signed_areas(source, triangles) > 0) < len(triangles) / 2:
        triangles = triangles[:, ::-1]
    fans = [
        _fan(topology.right_eye, RIGHT_IRIS_CENTER),
        _fan(topology.left_eye, LEFT_IRIS_CENTER),
        _fan(topology.inner_lips, _LANDMARKS),
    ]
    # A fan shares its rim with the mesh: it must run each rim edge the other way round.
    fixed = [triangles] + [_match_orientation(fan, triangles) for fan in fans]
    face = np.concatenate(fixed)
    oval = topology.oval
    ring_parts = []
    inner = oval
    for ring in range(len(rings.factors)):
        outer = _LANDMARKS + 1 + ring * len(oval) + np.arange(len(oval), dtype=np.int32)
        ring_parts.append(_strip(inner, outer))
        inner = outer
    layout = WarpLayout(
        triangles=np.concatenate([face, *ring_parts]).astype(np.int32),
        face=np.concatenate(
            [np.ones(len(face), bool), np.zeros(sum(len(p) for p in ring_parts), bool)]
        ),
        topology=topology,
        rings=rings,
    )
    return _orient_rings(layout, source_points(source, layout, (1, 1)))


def _match_orientation(fan: np.ndarray, mesh: np.ndarray) -> np.ndarray:
    """The fan (F, 3), whose first edge (a, b) borders the mesh, flipped if a mesh triangle
    runs that edge the same way (a -> b)."""
    a, b = int(fan[0, 0]), int(fan[0, 1])
    runs = {(int(t[i]), int(t[(i + 1) % 3])) for t in mesh for i in range(3)}
    return fan[:, ::-1] if (a, b) in runs else fan


def _orient_rings(layout: WarpLayout, points: np.ndarray) -> WarpLayout:
    triangles = layout.triangles.copy()
    rings = ~layout.face
    backwards = rings & (signed_areas(points, triangles) < 0)
    triangles[backwards] = triangles[backwards][:, ::-1]
    return WarpLayout(triangles, layout.face, layout.topology, layout.rings)


def source_points(
    landmarks: np.ndarray, layout: WarpLayout, image_shape: tuple[int, int]
) -> np.ndarray:
    """The extended source point set (P, 2): landmarks, mouth centre, rings.

    landmarks: (478, >=2) pixels; image_shape: (H, W), used to push the last ring out.
    """
    points = np.asarray(landmarks, np.float64)[:_LANDMARKS, :2]
    topology = layout.topology
    mouth = points[topology.inner_lips].mean(axis=0)
    oval = points[topology.oval]
    center = oval.mean(axis=0)
    rays = oval - center
    far = 2.0 * float(max(image_shape)) + 2.0 * float(np.linalg.norm(rays, axis=1).max())
    rings = []
    for ring, factor in enumerate(layout.rings.factors):
        if ring == len(layout.rings.factors) - 1:
            lengths = np.maximum(np.linalg.norm(rays, axis=1, keepdims=True), 1e-6)
            rings.append(center + rays / lengths * max(far, factor * lengths.max()))
        else:
            rings.append(center + factor * rays)
    return np.vstack([points, mouth[None], *rings])


def target_points(
    targets: np.ndarray,
    source_extended: np.ndarray,
    layout: WarpLayout,
    head: Similarity,
) -> np.ndarray:
    """The extended target point set (P, 2) for target landmarks (478, 2).

    head: the similarity that takes the source's head to its target pose (moves the rings).
    """
    topology = layout.topology
    count = len(topology.oval)
    mouth = targets[topology.inner_lips].mean(axis=0)
    oval_motion = targets[topology.oval] - source_extended[topology.oval]
    rings = []
    for ring in range(len(layout.rings.factors)):
        start = layout.ring_index(ring)
        ring_source = source_extended[start : start + count]
        head_motion = head(ring_source) - ring_source
        rings.append(
            ring_source
            + layout.rings.oval_weights[ring] * oval_motion
            + layout.rings.head_weights[ring] * head_motion
        )

    return np.vstack([targets[:_LANDMARKS, :2], mouth[None], *rings])


def _affine_coefficients(
    target: np.ndarray, source: np.ndarray, triangles: np.ndarray
) -> np.ndarray:
    """Per triangle, the affine map from target to source pixels: (F, 2, 3) float32."""
    t0, t1, t2 = (target[triangles[:, k]] for k in range(3))
    s0, s1, s2 = (source[triangles[:, k]] for k in range(3))
    e1, e2 = t1 - t0, t2 - t0
    det = e1[:, 0] * e2[:, 1] - e1[:, 1] * e2[:, 0]
    flat = np.abs(det) < 1e-9
    det = np.where(flat, 1.0, det)
    # Inverse of [e1 e2] (columns) applied to the source edges gives the linear part.
    inverse = np.stack([np.stack([e2[:, 1], -e2[:, 0]], 1), np.stack([-e1[:, 1], e1[:, 0]], 1)], 1)
    inverse /= det[:, None, None]
    source_edges = np.stack([s1 - s0, s2 - s0], axis=2)  # (F, 2, 2) columns
    linear = source_edges @ inverse
    linear[flat] = np.eye(2)
    offset = s0 - np.einsum("fij,fj->fi", linear, t0)
    offset[flat] = (s0 - t0)[flat]
    return np.concatenate([linear, offset[:, :, None]], axis=2).astype(np.float32)


def _face_order(layout: WarpLayout, target: np.ndarray, depth: np.ndarray | None) -> np.ndarray:
    """Face triangles in painting order: those turned away first, then the front ones from far
    to near (depth: (478,) MediaPipe z, smaller is nearer)."""
    face = np.flatnonzero(layout.face)
    triangles = layout.triangles[face]
    front = signed_areas(target, triangles) > 0
    if depth is None:
        return np.concatenate([face[~front], face[front]])
    depth_extended = np.append(depth[:_LANDMARKS], depth[layout.topology.inner_lips].mean())
    face_depth = depth_extended[triangles[front]].mean(axis=1)
    return np.concatenate([face[~front], face[front][np.argsort(-face_depth, kind="stable")]])


def _paint_rings(
    target: np.ndarray,
    source: np.ndarray,
    layout: WarpLayout,
    grid: np.ndarray,
    shape: tuple[int, int],
) -> tuple[np.ndarray, np.ndarray]:
    """The map over the ring triangles (they tile everything outside the face) at the grid
    samples: large triangles, painted with OpenCV. grid: (h, w) sample positions per axis."""
    rings = np.flatnonzero(~layout.face)
    triangles = layout.triangles[rings]
    ids = np.zeros(shape, dtype=np.int32)
    step = grid[1] - grid[0] if len(grid) > 1 else 1.0
    corners = (target[triangles] - 0.5 - grid[0]) / step
    corners = np.round(corners * (1 << _SUBPIXEL_BITS)).astype(np.int32)
    for index, polygon in enumerate(corners):
        cv2.fillConvexPoly(ids, polygon, index, lineType=cv2.LINE_8, shift=_SUBPIXEL_BITS)
    coefficients = _affine_coefficients(target - 0.5, source - 0.5, triangles).reshape(-1, 6)
    per_sample = coefficients[ids]
    ys, xs = grid[: shape[0], None], grid[None, : shape[1]]
    map_x = per_sample[..., 0] * xs + per_sample[..., 1] * ys + per_sample[..., 2]
    map_y = per_sample[..., 3] * xs + per_sample[..., 4] * ys + per_sample[..., 5]
    return map_x, map_y


def paint_triangles(
    target: np.ndarray,
    source: np.ndarray,
    triangles: np.ndarray,
    grid: np.ndarray,
    maps: tuple[np.ndarray, np.ndarray],
) -> None:
    """Overwrite the maps at the grid samples inside the (small, many) face triangles, in the
    given order (later wins): barycentric interpolation, vectorised over (triangle, sample)
    pairs within each triangle's bounding box."""
    map_x, map_y = maps
    height, width = map_x.shape
    step = grid[1] - grid[0] if len(grid) > 1 else 1.0
    corners = (target[triangles] - 0.5 - grid[0]) / step  # (F, 3, 2) in grid units
    # Element-wise over the three corners: much faster than reducing a length-3 axis.
    first, second, third = corners[:, 0], corners[:, 1], corners[:, 2]
    smallest = np.minimum(np.minimum(first, second), third)
    largest = np.maximum(np.maximum(first, second), third)
    low = np.maximum(np.ceil(smallest - 1e-6), 0).astype(np.int64)
    high = np.minimum(np.floor(largest + 1e-6), [width - 1, height - 1]).astype(np.int64)
    spans = np.maximum(high - low + 1, 0)
    counts = spans[:, 0] * spans[:, 1]
    keep = counts > 0
    if not keep.any():
        return
    triangles, corners, low, spans, counts = (
        triangles[keep],
        corners[keep],
        low[keep],
        spans[keep],
        counts[keep],
    )
    # Per triangle, barycentric weights (w1, w2) and the source point as affine functions of
    # the grid position: one gather per (triangle, sample) pair instead of many.
    a, b, c = corners[:, 0], corners[:, 1], corners[:, 2]
    ab, ac = b - a, c - a
    det = ab[:, 0] * ac[:, 1] - ab[:, 1] * ac[:, 0]
    det = np.where(np.abs(det) < 1e-12, 1e-12, det)
    w1 = np.stack([ac[:, 1], -ac[:, 0]], axis=1) / det[:, None]
    w2 = np.stack([-ab[:, 1], ab[:, 0]], axis=1) / det[:, None]
    w1_offset = -(w1 * a).sum(axis=1)
    w2_offset = -(w2 * a).sum(axis=1)
    s0, s1, s2 = (source[triangles[:, k]] - 0.5 for k in range(3))
    e1, e2 = s1 - s0, s2 - s0
    table = np.column_stack(
        [
            w1, w1_offset, w2, w2_offset,
            e1, e2, s0,
            low, spans[:, 0],
        ]
    )  # fmt: skip
    owner = np.repeat(np.arange(len(counts)), counts)
    within = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    rows = table[owner]
    span_x = rows[:, 14]
    xs = rows[:, 12] + within % span_x
    ys = rows[:, 13] + within // span_x
    bary1 = rows[:, 0] * xs + rows[:, 1] * ys + rows[:, 2]
    bary2 = rows[:, 3] * xs + rows[:, 4] * ys + rows[:, 5]
    tolerance = -1e-4
    inside = (bary1 >= tolerance) & (bary2 >= tolerance) & (bary1 + bary2 <= 1 - tolerance)
    rows, bary1, bary2 = rows[inside], bary1[inside], bary2[inside]
    sampled_x = rows[:, 10] + bary1 * rows[:, 6] + bary2 * rows[:, 8]
    sampled_y = rows[:, 11] + bary1 * rows[:, 7] + bary2 * rows[:, 9]
    flat = (ys[inside] * width + xs[inside]).astype(np.int64)
    # Fancy assignment writes in order, so later (nearer) triangles win.
    map_x.reshape(-1)[flat] = sampled_x
    map_y.reshape(-1)[flat] = sampled_y


def coarse_map(
    target: np.ndarray,
    source: np.ndarray,
    layout: WarpLayout,
    shape: tuple[int, int],
    depth: np.ndarray | None = None,
    step: int = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """The backward map at the samples of a grid every `step` pixels: (map_x, map_y), each
    (ceil(H / step), ceil(W / step)) float64 in pixel-index units; sample k of an axis sits at
    pixel index step * k + (step - 1) / 2, where cv2.resize puts it (see `upsample_map`)."""
    height, width = shape
    coarse = (-(-height // step), -(-width // step))
    grid = np.arange(max(coarse), dtype=np.float64) * step + (step - 1) / 2
    map_x, map_y = _paint_rings(target, source, layout, grid, coarse)
    order = _face_order(layout, target, depth)
    paint_triangles(target, source, layout.triangles[order], grid, (map_x, map_y))
    return map_x, map_y


def upsample_map(
    map_x: np.ndarray, map_y: np.ndarray, shape: tuple[int, int], step: int
) -> tuple[np.ndarray, np.ndarray]:
    """A coarse map from `coarse_map` at full resolution (H, W) float32, bilinearly."""
    map_x, map_y = map_x.astype(np.float32), map_y.astype(np.float32)
    if step == 1:
        return map_x, map_y
    height, width = shape
    # One more sample each side, extrapolated linearly, so the outermost pixels interpolate
    # instead of clamping to the first sample.
    map_x = np.pad(map_x, 1, mode="reflect", reflect_type="odd")
    map_y = np.pad(map_y, 1, mode="reflect", reflect_type="odd")
    size = (map_x.shape[1] * step, map_x.shape[0] * step)
    map_x = cv2.resize(map_x, size, interpolation=cv2.INTER_LINEAR)
    map_y = cv2.resize(map_y, size, interpolation=cv2.INTER_LINEAR)
    window = (slice(step, step + height), slice(step, step + width))
    map_x, map_y = map_x[window], map_y[window]
    return map_x, map_y


def backward_map(
    target: np.ndarray,
    source: np.ndarray,
    layout: WarpLayout,
    shape: tuple[int, int],
    depth: np.ndarray | None = None,
    step: int = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """For each output pixel, where to sample the source: (map_x, map_y), each (H, W) float32
    in cv2.remap's pixel-index convention.

    target, source: extended point sets (P, 2) in pixels; shape: (H, W) of the output;
    depth: (478,) MediaPipe z of the target pose (orders overlapping face triangles). The map
    is exact on a grid every `step` pixels and bilinear in between (exact wherever the warp is
    affine; step 1 is exact everywhere).
    """
    map_x, map_y = coarse_map(target, source, layout, shape, depth, step)
    return upsample_map(map_x, map_y, shape, step)


def remap(image: np.ndarray, map_x: np.ndarray, map_y: np.ndarray) -> np.ndarray:
    """Sample image (H, W, C) at the map, bilinearly, edges replicated."""
    return cv2.remap(image, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
