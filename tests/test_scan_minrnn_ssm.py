"""Linear recurrences by scan, minGRU/minLSTM forward and backward, diagonal and selective SSMs."""

from __future__ import annotations

import numpy as np
import pytest

from rnnbook.scan import linear_recurrence, linear_recurrence_scan, linear_recurrence_sequential, scan_rounds
from rnnbook.scratch.gradcheck import gradcheck
from rnnbook.scratch.minrnn import MinGRU, MinLSTM, MinRNNCache
from rnnbook.ssm import diagonal_ssm, selective_ssm, ssm_kernel, zoh_discretize


# ---------------------------------------------------------------- scan
@pytest.mark.parametrize("T", [1, 2, 3, 7, 8, 9, 64, 100])
def test_scan_equals_sequential(T):
    rng = np.random.default_rng(T)
    a, b = rng.uniform(-1, 1, (3, T, 4)), rng.normal(size=(3, T, 4))
    h0 = rng.normal(size=(3, 4))
    np.testing.assert_allclose(linear_recurrence_scan(a, b, h0), linear_recurrence_sequential(a, b, h0), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(linear_recurrence(a, b, h0), linear_recurrence(a, b, h0, parallel=False), atol=1e-12)


def test_scan_matches_closed_form_for_constant_coefficients():
    T, a = 20, 0.9
    h = linear_recurrence(np.full((1, T, 1), a), np.ones((1, T, 1)))
    expected = (1 - a ** np.arange(1, T + 1)) / (1 - a)  # geometric series
    np.testing.assert_allclose(h[0, :, 0], expected, rtol=1e-12)


def test_scan_rounds_is_logarithmic():
    assert [scan_rounds(T) for T in (1, 2, 3, 7, 1000, 1023)] == [1, 2, 2, 3, 10, 10]
    with pytest.raises(ValueError, match="T"):
        scan_rounds(0)


@pytest.mark.parametrize(
    "a, b, h0, match",
    [
        (np.ones((2, 3)), np.ones((2, 3)), None, "rank 3"),
        (np.ones((1, 3, 2)), np.ones((1, 4, 2)), None, "b must have shape"),
        (np.ones((1, 0, 2)), np.ones((1, 0, 2)), None, "T = 0"),
        (np.full((1, 3, 2), np.nan), np.ones((1, 3, 2)), None, "non-finite"),
        (np.ones((1, 3, 2)), np.ones((1, 3, 2)), np.ones((2, 2)), "h0 must have shape"),
    ],
)
def test_linear_recurrence_rejects_bad_input(a, b, h0, match):
    with pytest.raises(ValueError, match=match):
        linear_recurrence(a, b, h0)


# ---------------------------------------------------------------- minGRU / minLSTM
@pytest.mark.parametrize("cls", [MinGRU, MinLSTM])
def test_parallel_and_step_by_step_agree(cls):
    rng = np.random.default_rng(0)
    layer = cls(3, 5, rng=rng)
    layer.params["bias"][:] = rng.normal(size=layer.params["bias"].shape)
    x, h0 = rng.normal(size=(4, 11, 3)), rng.normal(size=(4, 5))
    out_par, last_par, _ = layer.forward(x, h0)
    out_seq, _last_seq, _ = layer.forward(x, h0, parallel=False)
    np.testing.assert_allclose(out_par, out_seq, atol=1e-12)
    h = h0
    for t in range(x.shape[1]):
        h = layer.step(x[:, t], h)
        np.testing.assert_allclose(h, out_par[:, t], atol=1e-12)
    np.testing.assert_allclose(last_par, h, atol=1e-12)


def test_min_gru_equations():
    rng = np.random.default_rng(1)
    layer = MinGRU(2, 3, rng=rng)
    x = rng.normal(size=(1, 4, 2))
    W, b = layer.params["kernel"], layer.params["bias"]
    h = np.zeros(3)
    out, _, _ = layer.forward(x)
    for t in range(4):
        pre = x[0, t] @ W + b
        z = 1 / (1 + np.exp(-pre[:3]))
        h = (1 - z) * h + z * pre[3:]
        np.testing.assert_allclose(out[0, t], h, atol=1e-12)


def test_min_lstm_normalised_gates_sum_to_one():
    rng = np.random.default_rng(2)
    layer = MinLSTM(2, 3, rng=rng)
    _, _, cache = layer.forward(rng.normal(size=(2, 5, 2)))
    f, i = cache.gates["f"], cache.gates["i"]
    np.testing.assert_allclose(cache.a + i / (f + i), 1.0, atol=1e-12)


@pytest.mark.parametrize("cls", [MinGRU, MinLSTM])
@pytest.mark.parametrize("parallel", [True, False])
def test_gradients_pass_gradcheck(cls, parallel):
    rng = np.random.default_rng(3)
    layer = cls(3, 4, rng=rng)
    layer.params["bias"][:] = rng.normal(size=layer.params["bias"].shape)
    x, h0 = rng.normal(size=(2, 6, 3)), rng.normal(size=(2, 4))
    w_out, w_fin = rng.normal(size=(2, 6, 4)), rng.normal(size=(2, 4))

    def loss():
        out, last, _ = layer.forward(x, h0, parallel=parallel)
        return float(np.sum(w_out * out) + np.sum(w_fin * last**2))

    _out, last, cache = layer.forward(x, h0, parallel=parallel)
    grads = layer.backward(w_out, cache, 2 * w_fin * last, parallel=parallel)
    errors = gradcheck(
        loss,
        {"kernel": layer.params["kernel"], "bias": layer.params["bias"], "x": x, "h0": h0},
        {**grads.params, "x": grads.x, "h0": grads.state0},
    )
    assert max(errors.values()) < 1e-6, errors


@pytest.mark.parametrize("cls", [MinGRU, MinLSTM])
def test_min_rnn_rejects_bad_input(cls):
    rng = np.random.default_rng(0)
    layer = cls(3, 4, rng=rng)
    with pytest.raises(ValueError, match="units"):
        cls(3, 0, rng=rng)
    with pytest.raises(ValueError, match="units"):
        cls(3, 2.5, rng=rng)
    with pytest.raises(ValueError, match="x must have shape"):
        layer.forward(np.ones((2, 5, 2)))
    with pytest.raises(ValueError, match="rank 3"):
        layer.forward(np.ones((5, 3)))
    with pytest.raises(ValueError, match="non-finite"):
        layer.forward(np.full((1, 2, 3), np.nan))
    with pytest.raises(TypeError, match="complex"):
        layer.forward(np.ones((1, 2, 3), dtype=complex))
    with pytest.raises(ValueError, match="state0"):
        layer.forward(np.ones((1, 2, 3)), np.ones((2, 4)))
    out, _, cache = layer.forward(np.ones((1, 2, 3)))
    with pytest.raises(TypeError, match="cache"):
        layer.backward(out, None)
    with pytest.raises(ValueError, match="d_outputs"):
        layer.backward(np.ones((1, 3, 4)), cache)
    with pytest.raises(ValueError, match="non-finite"):
        layer.backward(np.full(out.shape, np.nan), cache)
    assert isinstance(cache, MinRNNCache)


# ---------------------------------------------------------------- SSMs
def _ssm_params(rng, D=3, N=4):
    lam = -rng.uniform(0.1, 2.0, (D, N))
    return lam, rng.normal(size=(D, N)), rng.normal(size=(D, N)), rng.uniform(0.05, 0.5, D)


def test_three_ways_to_run_a_diagonal_ssm_agree():
    rng = np.random.default_rng(4)
    lam, b, c, dt = _ssm_params(rng)
    u = rng.normal(size=(2, 30, 3))
    y_scan = diagonal_ssm(u, lam, b, c, dt)
    np.testing.assert_allclose(diagonal_ssm(u, lam, b, c, dt, mode="sequential"), y_scan, atol=1e-10)
    np.testing.assert_allclose(diagonal_ssm(u, lam, b, c, dt, mode="convolution"), y_scan, atol=1e-10)


def test_zoh_matches_the_exact_solution_for_constant_input():
    # x' = lam x + b u with u constant from x(0) = 0: x(dt) = b u (e^{lam dt} - 1) / lam
    lam, b, dt = np.array([-0.7]), np.array([2.0]), 0.3
    a_bar, b_bar = zoh_discretize(lam, b, dt)
    assert a_bar[0] == pytest.approx(np.exp(-0.21))
    assert b_bar[0] == pytest.approx(2.0 * (np.exp(-0.21) - 1) / -0.7)


def test_kernel_is_the_impulse_response():
    rng = np.random.default_rng(5)
    lam, b, c, dt = _ssm_params(rng, D=2)
    u = np.zeros((1, 10, 2))
    u[0, 0] = 1.0
    np.testing.assert_allclose(diagonal_ssm(u, lam, b, c, dt)[0].T, ssm_kernel(lam, b, c, dt, 10), atol=1e-12)


def test_selective_ssm_scan_equals_sequential_and_steps_are_positive():
    rng = np.random.default_rng(6)
    D, N = 3, 4
    lam = -rng.uniform(0.5, 1.5, (D, N))
    args = (lam, rng.normal(size=(D, D)), rng.normal(size=D), rng.normal(size=(D, N)), rng.normal(size=(D, N)))
    u = rng.normal(size=(2, 17, D))
    y1, dt1 = selective_ssm(u, *args)
    y2, dt2 = selective_ssm(u, *args, parallel=False)
    np.testing.assert_allclose(y1, y2, atol=1e-10)
    assert np.all(dt1 > 0) and np.array_equal(dt1, dt2)


def test_ssm_rejects_bad_input():
    rng = np.random.default_rng(7)
    lam, b, c, dt = _ssm_params(rng)
    u = rng.normal(size=(1, 5, 3))
    with pytest.raises(ValueError, match="negative"):
        diagonal_ssm(u, -lam, b, c, dt)
    with pytest.raises(ValueError, match="dt must be strictly positive"):
        diagonal_ssm(u, lam, b, c, -dt)
    with pytest.raises(ValueError, match="mode"):
        diagonal_ssm(u, lam, b, c, dt, mode="fft")
    with pytest.raises(ValueError, match="lam must have shape"):
        diagonal_ssm(rng.normal(size=(1, 5, 2)), lam, b, c, dt)
    with pytest.raises(ValueError, match="length"):
        ssm_kernel(lam, b, c, dt, 0)
    with pytest.raises(ValueError, match="w_dt"):
        selective_ssm(u, lam, np.ones((2, 2)), np.ones(3), b, c)
