"""Tests for rnnbook.sampling: temperature, top-k, seeded draws and input validation."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from rnnbook.numerics import softmax
from rnnbook.sampling import sample, sampling_distribution, top_k_filter

LOGITS = np.array([[2.0, -1.0, 0.5, 3.0, 0.0], [0.1, 0.2, -0.3, 1.5, 1.4]])


def test_temperature_one_is_softmax_and_rows_sum_to_one() -> None:
    p = sampling_distribution(LOGITS, temperature=1.0)
    np.testing.assert_allclose(p, softmax(LOGITS), rtol=1e-12)
    for t in (0.05, 0.5, 1.0, 2.0, 100.0):
        for k in (None, 1, 3, 5):
            q = sampling_distribution(LOGITS, temperature=t, top_k=k)
            assert q.shape == LOGITS.shape
            assert np.all(q >= 0)
            np.testing.assert_allclose(q.sum(axis=-1), 1.0, rtol=0, atol=1e-12)


def test_temperature_to_zero_is_argmax() -> None:
    argmax = LOGITS.argmax(axis=-1)
    greedy = sampling_distribution(LOGITS, temperature=0)
    np.testing.assert_array_equal(greedy, np.eye(LOGITS.shape[1])[argmax])
    # the limit: a tiny positive temperature puts (numerically) all mass on the arg-max
    cold = sampling_distribution(LOGITS, temperature=1e-3)
    np.testing.assert_allclose(cold, greedy, atol=1e-12)
    # and sampling at a tiny temperature always returns the arg-max
    rng = np.random.default_rng(0)
    draws = np.stack([sample(LOGITS, rng, temperature=1e-3) for _ in range(200)])
    assert np.all(draws == argmax)


def test_high_temperature_tends_to_uniform() -> None:
    p = sampling_distribution(LOGITS, temperature=1e6)
    np.testing.assert_allclose(p, 1.0 / LOGITS.shape[1], atol=1e-5)


def test_temperature_sharpens_monotonically() -> None:
    # the probability of the most likely symbol grows as the temperature falls
    top = [sampling_distribution(LOGITS[0], temperature=t).max() for t in (4.0, 2.0, 1.0, 0.5, 0.25)]
    assert all(a < b for a, b in itertools.pairwise(top))


def test_top_k_one_is_greedy() -> None:
    rng = np.random.default_rng(1)
    for t in (0.5, 1.0, 5.0):
        draws = np.stack([sample(LOGITS, rng, temperature=t, top_k=1) for _ in range(100)])
        assert np.all(draws == LOGITS.argmax(axis=-1))


def test_top_k_keeps_k_largest_and_renormalises() -> None:
    p_full = softmax(LOGITS[0])
    p3 = sampling_distribution(LOGITS[0], temperature=1.0, top_k=3)
    kept = np.array([0, 2, 3])  # logits 2.0, 0.5, 3.0 are the three largest
    assert set(np.flatnonzero(p3)) == set(kept)
    np.testing.assert_allclose(p3[kept], p_full[kept] / p_full[kept].sum(), rtol=1e-12)
    filtered = top_k_filter(LOGITS, 2)
    assert np.all(np.isfinite(filtered).sum(axis=-1) == 2)
    np.testing.assert_array_equal(np.isfinite(filtered[1]), [False, False, False, True, True])


def test_top_k_ties_keep_exactly_k() -> None:
    z = np.array([1.0, 1.0, 1.0, 0.0])
    f = top_k_filter(z, 2)
    np.testing.assert_array_equal(np.isfinite(f), [True, True, False, False])


def test_sample_frequencies_match_distribution() -> None:
    rng = np.random.default_rng(2)
    n = 20_000
    logits = np.tile(LOGITS[1], (n, 1))  # one batched call: n independent draws
    draws = sample(logits, rng, temperature=0.8, top_k=4)
    assert draws.shape == (n,) and draws.dtype == np.int64
    freq = np.bincount(draws, minlength=5) / n
    p = sampling_distribution(LOGITS[1], temperature=0.8, top_k=4)
    assert freq[2] == 0.0  # filtered out by top-k: never drawn
    # 4 standard errors of a binomial proportion
    np.testing.assert_allclose(freq, p, atol=4 * np.sqrt(0.25 / n))


def test_sample_is_seeded_and_shapes() -> None:
    r1, r2 = np.random.default_rng(3), np.random.default_rng(3)
    s1 = [sample(LOGITS, r1, temperature=1.3, top_k=4).tolist() for _ in range(50)]
    s2 = [sample(LOGITS, r2, temperature=1.3, top_k=4).tolist() for _ in range(50)]
    assert s1 == s2
    assert sample(LOGITS[0], np.random.default_rng(0)).shape == ()
    assert sample(LOGITS, np.random.default_rng(0)).shape == (2,)


@pytest.mark.parametrize("temperature", [-0.1, float("nan"), float("inf"), "1.0", None, True])
def test_bad_temperature_raises(temperature: object) -> None:
    with pytest.raises((ValueError, TypeError), match="temperature"):
        sampling_distribution(LOGITS, temperature=temperature)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("k", "error"), [(0, ValueError), (-1, ValueError), (6, ValueError), (2.5, TypeError), (True, TypeError)]
)
def test_bad_top_k_raises(k: object, error: type) -> None:
    with pytest.raises(error, match="top_k"):
        sampling_distribution(LOGITS, top_k=k)  # type: ignore[arg-type]
    with pytest.raises(error, match="top_k"):
        top_k_filter(LOGITS, k)  # type: ignore[arg-type]


def test_bad_logits_and_rng_raise() -> None:
    with pytest.raises(ValueError, match="shape"):
        sampling_distribution(np.float64(1.0))
    with pytest.raises(ValueError, match="shape"):
        sampling_distribution(np.zeros((2, 0)))
    with pytest.raises(ValueError, match="finite"):
        sampling_distribution(np.array([0.0, np.inf]))
    with pytest.raises(ValueError, match="finite"):
        sampling_distribution(np.array([0.0, np.nan]))
    with pytest.raises(TypeError, match="Generator"):
        sample(LOGITS, rng=0)  # type: ignore[arg-type]


@pytest.mark.parametrize("temperature", [1e-300, 5e-324, 1e-30])
def test_tiny_temperature_and_huge_logits_are_greedy(temperature: float) -> None:
    """(z - max) / t never overflows: tiny temperatures and huge logits give the arg-max, not NaN."""
    for z in (np.array([0.0, 3.0, 1.0]), np.array([-1e308, 1e308, 0.0]), np.array([1e300, 1e300 * 0.5, -1e300])):
        p = sampling_distribution(z, temperature=temperature)
        assert np.all(np.isfinite(p)) and p.sum() == pytest.approx(1.0)
        assert int(sample(z, np.random.default_rng(0), temperature=temperature)) == int(np.argmax(z))


def test_none_ragged_and_complex_logits_raise() -> None:
    with pytest.raises(TypeError, match="logits"):
        sampling_distribution(None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="ragged"):
        sampling_distribution([[0.0, 1.0], [1.0]])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="real"):
        sampling_distribution(np.array([1 + 1j, 0]))
    with pytest.raises(TypeError, match="real"):
        sampling_distribution(np.array(["a", "b"]))
