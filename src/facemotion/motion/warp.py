"""Dense backward warp of an image from source landmarks to target landmarks.

The face is warped piecewise-affinely over the face-mesh triangles, the mouth fanned from its
centre. Each eye's opening is drawn behind the mesh (the lids always cover it): a disc around
the iris centre, a little wider than the iris, moves rigidly (the source's disc turned and
scaled by the head's similarity around the target iris centre), so an iris keeps its round
shape when the gaze turns, on top of the sclera, which stretches between the lid rims and a
loop around the iris (the loop pulled inside the rims where the disc reaches under a lid).
Painted before the lids, the disc never shows through them, even when they are shut.
Outside the face,
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

from facemotion.motion.expression import (
    LEFT_EYE_CORNERS,
    LEFT_IRIS_RING,
    RIGHT_EYE_CORNERS,
    RIGHT_IRIS_RING,
    eye_width,
    plausible_iris_radius,
)
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
_DISC_POINTS = 16  # points on each iris disc's rim
# The disc's radius over the iris ring's (the limbus is soft: a little sclera moves with it),
# and within what share of each ray from the iris centre to the lid rims the disc and the
# sclera's inner loop stay.
_DISC_MARGIN = 1.15
_SCLERA_INSET = 0.85


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
    478), the rings (478 + 1 + ring * len(oval) + i), then per eye (the image's left one
    first) the sclera's inner loop (one point per lid-rim point) and the iris disc's rim
    (`eye_index`). `face` marks the triangles that are depth-ordered, `eyes` those of the eye
    openings (sclera, then discs, drawn in their order before the face); the others (rings)
    are drawn first of all."""

    triangles: np.ndarray  # (F, 3) int32
    face: np.ndarray  # (F,) bool
    eyes: np.ndarray  # (F,) bool
    topology: FaceTopology
    rings: RingOptions

    @property
    def mouth_center(self) -> int:
        return _LANDMARKS

    def ring_index(self, ring: int) -> int:
        return _LANDMARKS + 1 + ring * len(self.topology.oval)

    def eye_index(self, eye: int) -> int:
        """The first extended point of eye 0 (the image's left) or 1: its sclera loop, then
        its disc rim."""
        rim = len(self.topology.right_eye)
        return self.ring_index(len(self.rings.factors)) + eye * (rim + _DISC_POINTS)


def _eyes(
    topology: FaceTopology,
) -> tuple[tuple[np.ndarray, int, list[int], tuple[int, int]], ...]:
    """Per eye, the image's left one first: its lid-rim loop, iris centre, iris ring (4
    indices) and corners (outer, inner)."""
    return (
        (topology.right_eye, RIGHT_IRIS_CENTER, list(RIGHT_IRIS_RING), RIGHT_EYE_CORNERS),
        (topology.left_eye, LEFT_IRIS_CENTER, list(LEFT_IRIS_RING), LEFT_EYE_CORNERS),
    )


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
    # A fan shares its rim with the mesh: it must run each rim edge the other way round.
    face = np.concatenate(
        [triangles, _match_orientation(_fan(topology.inner_lips, _LANDMARKS), triangles)]
    )
    oval = topology.oval
    ring_parts = []
    inner = oval
    for ring in range(len(rings.factors)):
        outer = _LANDMARKS + 1 + ring * len(oval) + np.arange(len(oval), dtype=np.int32)
        ring_parts.append(_strip(inner, outer))
        inner = outer
    base = _LANDMARKS + 1 + len(rings.factors) * len(oval)
    sclera, discs = [], []
    for eye, (rim, centre, _, _) in enumerate(_eyes(topology)):
        start = base + eye * (len(rim) + _DISC_POINTS)
        loop = start + np.arange(len(rim), dtype=np.int32)
        disc = start + len(rim) + np.arange(_DISC_POINTS, dtype=np.int32)
        sclera += [_strip(rim, loop), _fan(loop, centre)]
        discs.append(_fan(disc, centre))
    eyes = np.concatenate(sclera + discs)
    rings_all = np.concatenate(ring_parts)
    kind = np.repeat(np.arange(3), [len(face), len(eyes), len(rings_all)])
    layout = WarpLayout(
        triangles=np.concatenate([face, eyes, rings_all]).astype(np.int32),
        face=kind == 0,
        eyes=kind == 1,
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
    rings = ~(layout.face | layout.eyes)
    backwards = rings & (signed_areas(points, triangles) < 0)
    triangles[backwards] = triangles[backwards][:, ::-1]
    return WarpLayout(triangles, layout.face, layout.eyes, layout.topology, layout.rings)


def _circle(count: int) -> np.ndarray:
    angles = 2 * np.pi * np.arange(count) / count
    return np.stack([np.cos(angles), np.sin(angles)], axis=1)


def _sclera_loop(
    rim: np.ndarray, centre: np.ndarray, radius: float, squash: float = 1.0, across=None
) -> np.ndarray:
    """(R, 2): on each ray from the iris centre (2,) to a lid-rim point (R, 2), the point on
    the ellipse of `radius` along `across` (2,) (unit; default x) and `squash` * radius
    across it, or `_SCLERA_INSET` of the way to the rim if that is nearer."""
    rays = rim - centre
    lengths = np.linalg.norm(rays, axis=1, keepdims=True)
    directions = rays / np.maximum(lengths, 1e-9)
    across = np.array([1.0, 0.0]) if across is None else across
    along = directions @ across
    normal = directions @ np.array([-across[1], across[0]])
    ellipse = radius / np.sqrt(along**2 + (normal / max(squash, 1e-6)) ** 2)
    reach = np.minimum(ellipse[:, None], _SCLERA_INSET * lengths)
    return centre + directions * reach


def _lid_gap(rim: np.ndarray) -> float:
    """The mean distance between the paired upper and lower lid points of a lid loop (16, 2)
    (MediaPipe's order: outer corner, upper lid, inner corner at 8, lower lid back)."""
    return float(np.linalg.norm(rim[1:8] - rim[15:8:-1], axis=1).mean())


def iris_radius(
    points: np.ndarray, ring: np.ndarray, centre: int, corners: tuple[int, int]
) -> float:
    """The radius (px) of an iris disc of landmarks (478, >=2): the mean distance of its ring
    points (4,) from its centre, kept plausible for the eye's width (corners: its two corner
    indices; `plausible_iris_radius`), times `_DISC_MARGIN`."""
    points = np.asarray(points, np.float64)[:, :2]
    ring_radius = float(np.linalg.norm(points[ring] - points[centre], axis=1).mean())
    return _DISC_MARGIN * plausible_iris_radius(ring_radius, eye_width(points, corners))


def _ray_reach(centre: np.ndarray, directions: np.ndarray, loop: np.ndarray) -> np.ndarray:
    """(K,) how far each ray from `centre` (2,) along unit `directions` (K, 2) runs before it
    leaves the closed polygon `loop` (L, 2) (infinite where it never meets it)."""
    start, edge = loop, np.roll(loop, -1, axis=0) - loop  # (L, 2)
    to_start = start - centre

    def cross(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]

    denominator = cross(directions[:, None], edge[None])  # (K, L)
    safe = np.where(np.abs(denominator) < 1e-12, np.nan, denominator)
    along = cross(to_start[None], edge[None]) / safe
    at = cross(to_start[None], directions[:, None]) / safe
    hit = (along > 0) & (at >= 0) & (at <= 1)
    return np.where(hit, along, np.inf).min(axis=1)


def _source_eyes(points: np.ndarray, layout: WarpLayout) -> np.ndarray:
    """Each eye's sclera loop and disc rim (extended points in `layout` order) for source
    landmarks (478, 2) px. The disc is the iris's (`iris_radius`) where the lid rims let it be
    seen and stops short of them (at `_SCLERA_INSET` of the way) where they cover it: what
    lies under the lids in the photo is lid, not iris, and must not move with the gaze."""
    topology = layout.topology
    circle = _circle(_DISC_POINTS)
    parts = []
    for rim, centre, ring, corners in _eyes(topology):
        middle = points[centre]
        radius = iris_radius(points, ring, centre, corners)
        reach = np.minimum(radius, _SCLERA_INSET * _ray_reach(middle, circle, points[rim]))
        parts += [_sclera_loop(points[rim], middle, radius), middle + reach[:, None] * circle]
    return np.vstack(parts)


def _target_eyes(
    targets: np.ndarray, source_extended: np.ndarray, layout: WarpLayout, head: Similarity
) -> np.ndarray:
    """Each eye's sclera loop and disc rim for target landmarks (478, 2) px: the source's disc
    turned and scaled by `head` about the target iris centre, the sclera loop from the target
    lid rims. As the lids close beyond the source's (a blink), the disc and the loop flatten
    across the eye with the lids' gap, so that the closing slit shows the whole eye pressed
    together, dark, as a closing eye does (a rigid disc left a band of white there)."""
    topology = layout.topology
    count = len(topology.right_eye)
    parts = []
    for eye, (rim, centre, _, _) in enumerate(_eyes(topology)):
        first = layout.eye_index(eye) + count
        offsets = source_extended[first : first + _DISC_POINTS] - source_extended[centre]
        offsets = head.scale * offsets @ head.rotation.T
        radius = float(np.linalg.norm(offsets, axis=1).max())
        lids = targets[rim]
        across = lids[8] - lids[0]
        across = across / max(float(np.hypot(*across)), 1e-9)
        normal = np.array([-across[1], across[0]])
        source_gap = head.scale * _lid_gap(source_extended[rim])
        squash = float(np.clip(_lid_gap(lids) / max(source_gap, 1e-9), 0.0, 1.0))
        offsets = offsets - (1.0 - squash) * np.outer(offsets @ normal, normal)
        middle = targets[centre]
        parts += [_sclera_loop(lids, middle, radius, squash, across), middle + offsets]
    return np.vstack(parts)


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
    eyes = _source_eyes(points, layout)
    return np.vstack([points, mouth[None], *rings, eyes])


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

    targets = np.asarray(targets, np.float64)[:_LANDMARKS, :2]
    eyes = _target_eyes(targets, source_extended, layout, head)
    return np.vstack([targets, mouth[None], *rings, eyes])


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


def _face_order(
    layout: WarpLayout, target: np.ndarray, depth: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """Face triangles in painting order: (those turned away, the front ones from far to near)
    (depth: (478,) MediaPipe z, smaller is nearer)."""
    face = np.flatnonzero(layout.face)
    triangles = layout.triangles[face]
    front = signed_areas(target, triangles) > 0
    if depth is None:
        return face[~front], face[front]
    depth_extended = np.append(depth[:_LANDMARKS], depth[layout.topology.inner_lips].mean())
    face_depth = depth_extended[triangles[front]].mean(axis=1)
    return face[~front], face[front][np.argsort(-face_depth, kind="stable")]


def _paint_rings(
    target: np.ndarray,
    source: np.ndarray,
    layout: WarpLayout,
    grid: np.ndarray,
    shape: tuple[int, int],
    window: tuple[int, int, int, int] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The map over the ring triangles (they tile everything outside the face) at the grid
    samples: large triangles, painted with OpenCV. grid: (h, w) sample positions per axis.
    window: (top, bottom, left, right) samples, end exclusive: only these are painted, the
    rest of the map is 0 (for a caller that uses the map there only)."""
    top, bottom, left, right = window if window is not None else (0, shape[0], 0, shape[1])
    map_x = np.zeros(shape, np.float64)
    map_y = np.zeros(shape, np.float64)
    if bottom <= top or right <= left:
        return map_x, map_y
    rings = np.flatnonzero(~(layout.face | layout.eyes))
    triangles = layout.triangles[rings]
    # Painted over the whole grid all the same: OpenCV rasterises an edge cut by the array's
    # border a little differently, and a window must not move the map by a hair.
    ids = np.zeros(shape, dtype=np.int32)
    step = grid[1] - grid[0] if len(grid) > 1 else 1.0
    corners = (target[triangles] - 0.5 - grid[0]) / step
    corners = np.round(corners * (1 << _SUBPIXEL_BITS)).astype(np.int32)
    for index, polygon in enumerate(corners):
        cv2.fillConvexPoly(ids, polygon, index, lineType=cv2.LINE_8, shift=_SUBPIXEL_BITS)
    coefficients = _affine_coefficients(target - 0.5, source - 0.5, triangles).reshape(-1, 6)
    per_sample = coefficients[ids[top:bottom, left:right]]
    ys, xs = grid[top:bottom, None], grid[None, left:right]
    map_x[top:bottom, left:right] = (
        per_sample[..., 0] * xs + per_sample[..., 1] * ys + per_sample[..., 2]
    )
    map_y[top:bottom, left:right] = (
        per_sample[..., 3] * xs + per_sample[..., 4] * ys + per_sample[..., 5]
    )
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


def support_window(weight: np.ndarray) -> tuple[int, int, int, int]:
    """The (top, bottom, left, right) rows and columns, end exclusive, of the smallest
    rectangle holding every non-zero sample of weight (h, w); empty (0, 0, 0, 0) if none."""
    rows = np.flatnonzero(weight.any(axis=1))
    if len(rows) == 0:
        return 0, 0, 0, 0
    columns = np.flatnonzero(weight.any(axis=0))
    return int(rows[0]), int(rows[-1]) + 1, int(columns[0]), int(columns[-1]) + 1


def coarse_map(
    target: np.ndarray,
    source: np.ndarray,
    layout: WarpLayout,
    shape: tuple[int, int],
    depth: np.ndarray | None = None,
    step: int = 1,
    window: tuple[int, int, int, int] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The backward map at the samples of a grid every `step` pixels: (map_x, map_y), each
    (ceil(H / step), ceil(W / step)) float64 in pixel-index units; sample k of an axis sits at
    pixel index step * k + (step - 1) / 2, where cv2.resize puts it (see `upsample_map`).
    window: (top, bottom, left, right) samples, end exclusive, holding every sample the caller
    uses outside the face: the surroundings are worked out only there (0 beyond)."""
    height, width = shape
    coarse = (-(-height // step), -(-width // step))
    grid = np.arange(max(coarse), dtype=np.float64) * step + (step - 1) / 2
    map_x, map_y = _paint_rings(target, source, layout, grid, coarse, window)
    away, front = _face_order(layout, target, depth)
    # The eye openings lie behind the lids: painted before the front of the face, which
    # covers them, but over triangles turned away (lid skin folded over by a moving lid
    # would otherwise hide part of the opening). One call: later triangles win.
    order = np.concatenate([away, np.flatnonzero(layout.eyes), front])
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
