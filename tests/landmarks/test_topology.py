from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from facemotion.export.gltf import face_triangles
from facemotion.landmarks import topology

LOOPS = {
    "FACE_OVAL": 36,
    "LEFT_EYE": 16,
    "RIGHT_EYE": 16,
    "LIPS_OUTER": 20,
    "LIPS_INNER": 20,
    "LEFT_IRIS": 4,
    "RIGHT_IRIS": 4,
}


def _signed_area(points: np.ndarray) -> float:
    x, y = points[:, 0], points[:, 1]
    return 0.5 * float(np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y))


@pytest.mark.parametrize(("name", "length"), LOOPS.items())
def test_contours_are_closed_loops_clockwise_on_screen(grace_points, name, length):
    loop = getattr(topology, name)
    assert loop.shape == (length,) and len(set(loop.tolist())) == length
    assert not loop.flags.writeable
    # With y down, a positive shoelace area is clockwise as seen on screen.
    assert _signed_area(grace_points[loop]) > 0


def test_left_means_the_subjects_left(grace_points):
    assert grace_points[topology.LEFT_EYE, 0].mean() > grace_points[topology.RIGHT_EYE, 0].mean()
    left_iris = grace_points[topology.LEFT_IRIS_CENTER, 0]
    assert abs(left_iris - grace_points[topology.LEFT_IRIS, 0].mean()) < 3
    inner, outer = grace_points[topology.LIPS_INNER], grace_points[topology.LIPS_OUTER]
    assert abs(_signed_area(inner)) < abs(_signed_area(outer))


def test_unknown_names_raise_attribute_error():
    with pytest.raises(AttributeError):
        topology.NOT_A_CONTOUR  # noqa: B018


def test_tessellation_is_a_manifold_disk_with_three_holes():
    triangles = topology.tessellation_triangles()
    assert triangles.shape == (852, 3) and triangles.min() == 0 and triangles.max() == 467
    assert len({tuple(t) for t in triangles}) == len(triangles)
    uses = Counter(
        tuple(sorted(edge)) for a, b, c in triangles.tolist() for edge in ((a, b), (b, c), (c, a))
    )
    assert max(uses.values()) == 2
    vertices = len(np.unique(triangles))
    assert vertices - len(uses) + len(triangles) == 2 - 4  # one outline, two eyes, the mouth
    boundary = {v for edge, count in uses.items() if count == 1 for v in edge}
    rims = ("FACE_OVAL", "LEFT_EYE", "RIGHT_EYE", "LIPS_INNER")
    assert boundary == {int(v) for name in rims for v in getattr(topology, name)}


def test_triangles_cover_the_face_without_overlap(grace_points):
    # On a frontal face the 2D triangles tile the oval: their areas add up to its area.
    triangles = grace_points[topology.tessellation_triangles(), :2]
    a, b, c = triangles[:, 0], triangles[:, 1], triangles[:, 2]
    cross = (b[:, 0] - a[:, 0]) * (c[:, 1] - a[:, 1]) - (b[:, 1] - a[:, 1]) * (c[:, 0] - a[:, 0])
    holes = sum(
        abs(_signed_area(grace_points[getattr(topology, n)]))
        for n in ("LEFT_EYE", "RIGHT_EYE", "LIPS_INNER")
    )
    oval = _signed_area(grace_points[topology.FACE_OVAL])
    assert np.abs(cross).sum() / 2 == pytest.approx(oval - holes, rel=0.02)


def test_gltf_mesh_is_the_tessellation_plus_iris_fans():
    expected = np.concatenate([topology.tessellation_triangles(), topology.iris_triangles()])
    np.testing.assert_array_equal(face_triangles(), expected)
    assert topology.iris_triangles().shape == (8, 3)
