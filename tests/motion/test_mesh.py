"""The face mesh's topology and the harmonic fill of weights over it."""

from __future__ import annotations

import numpy as np

from facemotion.motion.mesh import MESH_POINTS, face_topology, harmonic


def test_harmonic_fill_is_the_mean_of_neighbours_within_the_fixed_range():
    rng = np.random.default_rng(0)
    values = rng.random(478)
    free = np.zeros(478, bool)
    free[rng.choice(MESH_POINTS, 150, replace=False)] = True
    filled = harmonic(values, free)
    np.testing.assert_array_equal(filled[~free], values[~free])
    assert filled[free].min() >= values[~free].min() and filled[free].max() <= values.max()
    triangles = face_topology().triangles
    neighbours = [set() for _ in range(MESH_POINTS)]
    for a, b, c in triangles:
        neighbours[a] |= {b, c}
        neighbours[b] |= {a, c}
        neighbours[c] |= {a, b}
    for point in np.flatnonzero(free):
        assert abs(filled[point] - np.mean(filled[list(neighbours[point])])) < 1e-9
