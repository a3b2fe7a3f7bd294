"""The adding problem generator: invariants, seeding and the 1/6 baseline."""

from __future__ import annotations

import numpy as np
import pytest

from rnnbook.data import ADDING_BASELINE_MSE, adding_problem


def test_shapes_and_invariants():
    x, y = adding_problem(500, 30, rng=np.random.default_rng(0))
    assert x.shape == (500, 30, 2) and y.shape == (500,)
    assert x.dtype == np.float32 and y.dtype == np.float32
    values, markers = x[..., 0], x[..., 1]
    assert values.min() >= 0 and values.max() < 1
    assert set(np.unique(markers)) == {0.0, 1.0}
    np.testing.assert_array_equal(markers[:, :15].sum(axis=1), 1)  # one marker in each half
    np.testing.assert_array_equal(markers[:, 15:].sum(axis=1), 1)
    np.testing.assert_allclose(y, (values * markers).sum(axis=1), atol=1e-6)


def test_odd_length_and_minimum_length():
    x, _ = adding_problem(200, 7, rng=np.random.default_rng(1))
    np.testing.assert_array_equal(x[:, :3, 1].sum(axis=1), 1)
    np.testing.assert_array_equal(x[:, 3:, 1].sum(axis=1), 1)
    x2, y2 = adding_problem(10, 2, rng=np.random.default_rng(2))
    np.testing.assert_array_equal(x2[..., 1], 1)
    np.testing.assert_allclose(y2, x2[..., 0].sum(axis=1), atol=1e-6)


def test_marker_positions_cover_each_half():
    x, _ = adding_problem(4000, 10, rng=np.random.default_rng(3))
    counts = x[..., 1].sum(axis=0)
    assert np.all(counts > 0)  # every position is used
    np.testing.assert_allclose(counts[:5] / 4000, 0.2, atol=0.03)  # uniform within each half


def test_seeding():
    a = adding_problem(50, 20, rng=np.random.default_rng(42))
    b = adding_problem(50, 20, rng=np.random.default_rng(42))
    c = adding_problem(50, 20, rng=np.random.default_rng(43))
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[1], c[1])


def test_predicting_one_gives_one_sixth():
    _, y = adding_problem(200_000, 4, rng=np.random.default_rng(4))
    mse = float(np.mean((y.astype(np.float64) - 1.0) ** 2))
    assert ADDING_BASELINE_MSE == pytest.approx(1 / 6)
    assert mse == pytest.approx(1 / 6, abs=0.003)  # standard error ≈ 0.0004
    assert float(y.mean()) == pytest.approx(1.0, abs=0.005)


@pytest.mark.parametrize("n, length", [(0, 10), (5, 1), (2.5, 10), (5, True)])
def test_bad_arguments(n, length):
    with pytest.raises(ValueError):
        adding_problem(n, length, rng=np.random.default_rng(0))
    with pytest.raises(TypeError, match="Generator"):
        adding_problem(5, 10, rng=0)
