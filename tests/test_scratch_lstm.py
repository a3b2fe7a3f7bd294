"""The NumPy LSTM: gradient checks, agreement with keras.layers.LSTM, masking, validation, long sequences."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnnbook.scratch import LSTM
from rnnbook.testing import check_layer_gradients as check_gradients
from rnnbook.testing import random_mask


def perturbed_lstm(D: int, H: int, rng: np.random.Generator, dtype=np.float64, **kw) -> LSTM:
    """An LSTM whose parameters are moved away from the initialisation (so no gradient is trivially zero)."""
    layer = LSTM(D, H, rng=rng, dtype=dtype, **kw)
    for p in layer.params.values():
        p += (0.3 * rng.standard_normal(p.shape)).astype(dtype)
    return layer


def test_parameter_layout_matches_keras():
    layer = LSTM(3, 5, rng=np.random.default_rng(0))
    assert layer.params["kernel"].shape == (3, 20)
    assert layer.params["recurrent_kernel"].shape == (5, 20)
    np.testing.assert_array_equal(layer.params["bias"], np.r_[np.zeros(5), np.ones(5), np.zeros(10)])
    assert LSTM(3, 5, rng=np.random.default_rng(0), unit_forget_bias=False).params["bias"].sum() == 0
    U = layer.params["recurrent_kernel"]
    np.testing.assert_allclose(U @ U.T, np.eye(5), atol=1e-12)  # orthogonal rows, as Keras' initialiser


@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("with_final", [False, True])
def test_gradients(masked, with_final):
    rng = np.random.default_rng(1)
    layer = perturbed_lstm(3, 4, rng)
    mask = random_mask(rng, 3, 6) if masked else None
    errors = check_gradients(layer, 3, 6, rng, mask=mask, with_final=with_final)
    assert set(errors) == {"kernel", "recurrent_kernel", "bias", "x", "state0[0]", "state0[1]"}
    assert max(errors.values()) < 1e-6, errors


def test_masked_steps_carry_state_and_repeat_output():
    rng = np.random.default_rng(4)
    layer = perturbed_lstm(2, 3, rng)
    x = rng.standard_normal((2, 5, 2))
    mask = np.array([[True, True, True, False, False], [True, True, True, True, True]])
    out, (h, c), _ = layer.forward(x, mask=mask)
    out3, (h3, c3), _ = layer.forward(x[:1, :3])
    np.testing.assert_allclose(h[0], h3[0])
    np.testing.assert_allclose(c[0], c3[0])
    np.testing.assert_allclose(out[0, 3:], np.broadcast_to(out3[0, -1], (2, 3)))  # Keras: previous output repeated
    np.testing.assert_allclose(layer.forward(x, mask=np.ones((2, 5), bool))[0], layer.forward(x)[0])


def test_gate_order_is_i_f_c_o():
    """A large forget-gate bias (block 2) makes c_t = c_{t-1} + i ⊙ g: the cell only accumulates."""
    rng = np.random.default_rng(5)
    layer = LSTM(1, 2, rng=rng)
    layer.params["bias"][2:4] = 40.0  # f ≈ 1
    x = rng.standard_normal((1, 6, 1))
    _, _, cache = layer.forward(x)
    acts = cache.activations()
    assert set(acts) == {"i", "f", "g", "o", "c", "h"} and all(a.shape == (1, 6, 2) for a in acts.values())
    np.testing.assert_allclose(acts["f"], 1.0, atol=1e-12)
    np.testing.assert_allclose(acts["c"][0], np.cumsum(acts["i"][0] * acts["g"][0], axis=0), atol=1e-12)


def test_forget_products():
    f = np.random.default_rng(6).uniform(0.5, 1.0, size=(2, 4, 3))
    p = LSTM.forget_products(f)
    np.testing.assert_allclose(p[:, 0], f[:, 1] * f[:, 2] * f[:, 3])
    np.testing.assert_allclose(p[:, 2], f[:, 3])
    np.testing.assert_allclose(p[:, 3], 1.0)


@settings(max_examples=8, deadline=None)
@given(
    B=st.integers(1, 3), T=st.integers(1, 5), D=st.integers(1, 3), H=st.integers(1, 3),
    seed=st.integers(0, 2**16), masked=st.booleans(),
)
def test_random_shapes(B, T, D, H, seed, masked):
    rng = np.random.default_rng(seed)
    layer = perturbed_lstm(D, H, rng)
    x = rng.standard_normal((B, T, D))
    out, (h, c), _ = layer.forward(x)
    assert out.shape == (B, T, H) and h.shape == c.shape == (B, H)
    np.testing.assert_array_equal(out[:, -1], h)
    assert np.all(np.abs(out) < 1)  # |o ⊙ tanh(c)| < 1
    mask = (rng.random((B, T)) > 0.4) if masked else None
    errors = check_gradients(layer, B, T, rng, mask=mask)
    assert max(errors.values()) < 1e-6, errors


def test_bad_inputs():
    layer = LSTM(3, 4, rng=np.random.default_rng(0))
    x = np.zeros((2, 5, 3))
    with pytest.raises(ValueError, match=r"\(B, T, D\)"):
        layer.forward(np.zeros((5, 3)))
    with pytest.raises(ValueError, match=r"D=3"):
        layer.forward(np.zeros((2, 5, 4)))
    with pytest.raises(ValueError, match=r"\(B=2, H=4\)"):
        layer.forward(x, (np.zeros((2, 3)), np.zeros((2, 4))))
    with pytest.raises(ValueError, match=r"tuple \(h0, c0\)"):
        layer.forward(x, np.zeros((2, 4)))
    with pytest.raises(ValueError, match=r"\(B, T\)"):
        layer.forward(x, mask=np.ones((2, 4), bool))
    bad = x.copy()
    bad[0, 1, 2] = np.nan
    with pytest.raises(ValueError, match="non-finite"):
        layer.forward(bad)
    _, _, cache = layer.forward(x)
    with pytest.raises(ValueError, match=r"\(B, T, H\)"):
        layer.backward(np.zeros((2, 5, 3)), cache)


def test_long_sequence_is_finite():
    rng = np.random.default_rng(7)
    layer = perturbed_lstm(3, 8, rng)
    x = 10.0 * rng.standard_normal((2, 1000, 3))  # large inputs saturate the gates
    with np.errstate(all="raise"):  # any overflow or invalid operation fails the test
        out, (h, c), cache = layer.forward(x)
        g = layer.backward(np.ones_like(out), cache, (np.ones_like(h), np.ones_like(c)))
    for arr in (out, h, c, g.x, *g.params.values(), *g.state0):
        assert np.all(np.isfinite(arr))
    assert np.abs(g.params["kernel"]).max() > 0


def test_cell_state_gradients():
    from rnnbook.scratch.lstm import cell_state_gradients

    rng = np.random.default_rng(8)
    layer = perturbed_lstm(2, 3, rng)
    x = rng.standard_normal((2, 6, 2))
    full = cell_state_gradients(layer, x)
    # central difference for one entry: perturb c after step 2 and rerun the remaining steps
    _, _, cache = layer.forward(x)
    h2, c2 = cache.o[:, 2] * cache.tanh_c[:, 2], cache.c[:, 2].copy()
    eps = 1e-6
    totals = []
    for sign in (1, -1):
        c = c2.copy()
        c[1, 0] += sign * eps
        totals.append(layer.forward(x[:, 3:], (h2, c))[1][1][1].sum())
    full_diff = (totals[0] - totals[1]) / (2 * eps)
    assert abs(full[1, 2, 0] - full_diff) < 1e-7
    # without recurrent weights the gates ignore h, and only the cell path is left: ∏ f
    layer.params["recurrent_kernel"][:] = 0.0
    _, _, cache = layer.forward(x)
    np.testing.assert_allclose(cell_state_gradients(layer, x), LSTM.forget_products(cache.f), rtol=1e-12)
