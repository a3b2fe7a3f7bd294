"""SimpleRNN from scratch: gradient checks, agreement with Keras, properties and bad inputs."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnnbook.scratch import SimpleRNN, simple_rnn_forward
from rnnbook.scratch.gradcheck import gradcheck
from rnnbook.utils import silence_tensorflow

TOL = 1e-6


def _layer_and_data(B=3, T=6, D=4, H=5, seed=0):
    rng = np.random.default_rng(seed)
    layer = SimpleRNN(D, H, rng=rng)
    layer.params["bias"][...] = rng.normal(0, 0.3, H)  # non-zero bias so its gradient is exercised
    x = rng.standard_normal((B, T, D))
    h0 = rng.normal(0, 0.5, (B, H))
    return rng, layer, x, h0


def _check(layer, x, h0, mask=None, use_final=True, seed=1):
    """Loss = <W, outputs> + <V, final_state> for random W, V; compare every gradient with finite differences."""
    rng = np.random.default_rng(seed)
    out, final, cache = layer.forward(x, h0, mask)
    W, V = rng.standard_normal(out.shape), rng.standard_normal(final.shape)
    grads = layer.backward(W, cache, V if use_final else None)

    def loss() -> float:
        o, f, _ = layer.forward(x, h0, mask)
        return float(np.sum(o * W) + (np.sum(f * V) if use_final else 0.0))

    arrays = {**layer.params, "x": x, "h0": h0}
    analytic = {**grads.params, "x": grads.x, "h0": grads.state0}
    return gradcheck(loss, arrays, analytic, eps=1e-5)


@pytest.mark.parametrize("use_final", [False, True])
def test_gradcheck_no_mask(use_final):
    _, layer, x, h0 = _layer_and_data()
    errors = _check(layer, x, h0, use_final=use_final)
    assert set(errors) == {"kernel", "recurrent_kernel", "bias", "x", "h0"}
    assert max(errors.values()) < TOL, errors


def test_gradcheck_with_mask():
    _rng, layer, x, h0 = _layer_and_data(B=4, T=7)
    mask = np.ones((4, 7), dtype=bool)
    mask[0, 5:] = False  # post-padding
    mask[1, :2] = False  # pre-padding
    mask[2, 3] = False  # a hole in the middle
    mask[3, :] = False  # fully masked: state passes straight through
    errors = _check(layer, x, h0, mask=mask)
    assert max(errors.values()) < TOL, errors


def test_mask_semantics():
    _, layer, x, h0 = _layer_and_data(B=2, T=5)
    mask = np.array([[1, 1, 1, 0, 0], [0, 1, 1, 1, 1]], dtype=bool)
    out, final, _ = layer.forward(x, h0, mask)
    np.testing.assert_array_equal(out[0, 3:], out[0, [2, 2]])  # padded steps repeat the last output
    np.testing.assert_array_equal(out[1, 0], 0.0)  # zeros before the first real step
    layer.zero_output_for_mask = True
    out_z, final_z, _ = layer.forward(x, h0, mask)
    np.testing.assert_array_equal(out_z[0, 3:], 0.0)  # or zeros, with zero_output_for_mask
    np.testing.assert_array_equal(out_z[1, 0], 0.0)
    np.testing.assert_array_equal(final_z, final)
    ref0, f0, _ = layer.forward(x[:1, :3], h0[:1])  # same as running the real steps only
    np.testing.assert_allclose(out[0, :3], ref0[0], atol=1e-12)
    np.testing.assert_allclose(final[0], f0[0], atol=1e-12)
    ref1, f1, _ = layer.forward(x[1:, 1:], h0[1:])
    np.testing.assert_allclose(out[1, 1:], ref1[0], atol=1e-12)
    np.testing.assert_allclose(final[1], f1[0], atol=1e-12)


def test_forward_matches_function_and_loop():
    """The layer and ``simple_rnn_forward`` agree with a plain per-example loop of the equation."""
    _, layer, x, h0 = _layer_and_data()
    p = layer.params
    out, final, _ = layer.forward(x, h0)
    np.testing.assert_array_equal(out, simple_rnn_forward(x, p["kernel"], p["recurrent_kernel"], p["bias"], h0))
    for b in range(x.shape[0]):
        h = h0[b]
        for t in range(x.shape[1]):
            h = np.tanh(p["kernel"].T @ x[b, t] + p["recurrent_kernel"].T @ h + p["bias"])
            np.testing.assert_allclose(out[b, t], h, atol=1e-12)
    np.testing.assert_array_equal(final, out[:, -1])


def test_init_like_keras():
    layer = SimpleRNN(7, 9, rng=np.random.default_rng(3))
    p = layer.params
    assert p["kernel"].shape == (7, 9) and p["recurrent_kernel"].shape == (9, 9) and p["bias"].shape == (9,)
    np.testing.assert_allclose(p["recurrent_kernel"].T @ p["recurrent_kernel"], np.eye(9), atol=1e-12)
    assert np.all(np.abs(p["kernel"]) <= np.sqrt(6 / 16)) and np.all(p["bias"] == 0)
    assert SimpleRNN(3, 4, rng=np.random.default_rng(0), dtype=np.float32).params["kernel"].dtype == np.float32


def test_long_sequence_is_finite():
    rng = np.random.default_rng(0)
    layer = SimpleRNN(8, 32, rng=rng)
    layer.params["recurrent_kernel"] *= 3.0  # strongly saturating regime
    x = rng.standard_normal((2, 1000, 8)) * 3
    out, final, cache = layer.forward(x)
    g = layer.backward(rng.standard_normal(out.shape), cache, rng.standard_normal(final.shape))
    for arr in (out, final, g.x, g.state0, *g.params.values()):
        assert np.all(np.isfinite(arr))
    assert np.max(np.abs(out)) <= 1.0


@settings(max_examples=15, deadline=None)
@given(
    B=st.integers(1, 3), T=st.integers(1, 5), D=st.integers(1, 4), H=st.integers(1, 4),
    seed=st.integers(0, 2**16), masked=st.booleans(),
)
def test_property_random_shapes(B, T, D, H, seed, masked):
    rng = np.random.default_rng(seed)
    layer = SimpleRNN(D, H, rng=rng)
    x, h0 = rng.standard_normal((B, T, D)), rng.normal(0, 0.5, (B, H))
    mask = rng.random((B, T)) < 0.7 if masked else None
    out, final, cache = layer.forward(x, h0, mask)
    assert out.shape == (B, T, H) and final.shape == (B, H)
    assert np.all(np.abs(out) <= 1.0)
    g = layer.backward(np.zeros_like(out), cache)  # zero upstream gradient → zero gradients
    assert all(np.all(v == 0) for v in g.params.values()) and np.all(g.x == 0) and np.all(g.state0 == 0)
    errors = _check(layer, x, h0, mask=mask, seed=seed + 1)
    assert max(errors.values()) < TOL, errors


@pytest.mark.parametrize(
    ("x_shape", "h0_shape", "match"),
    [
        ((3, 4), None, r"x must have rank 3 with layout \(B, T, D\)"),
        ((2, 3, 5), None, r"x must have shape \(\?, \?, 4\)"),
        ((2, 3, 4), (3, 5), r"state0 must have shape \(2, 5\) = \(B=2, H=5\)"),
        ((2, 3, 4), (2,), r"state0 must have shape \(2, 5\)"),
    ],
)
def test_bad_shapes(x_shape, h0_shape, match):
    layer = SimpleRNN(4, 5, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=match):
        layer.forward(np.zeros(x_shape), None if h0_shape is None else np.zeros(h0_shape))


def test_bad_values_and_masks():
    layer = SimpleRNN(2, 3, rng=np.random.default_rng(0))
    x = np.zeros((2, 4, 2))
    x[1, 2, 0] = np.nan
    with pytest.raises(ValueError, match="x contains 1 non-finite"):
        layer.forward(x)
    with pytest.raises(ValueError, match="state0 contains 1 non-finite"):
        layer.forward(np.zeros((2, 4, 2)), np.array([[0, 0, np.inf], [0, 0, 0]]))
    with pytest.raises(ValueError, match=r"mask must have shape \(2, 4\) = \(B, T\)"):
        layer.forward(np.zeros((2, 4, 2)), mask=np.ones((2, 3), bool))
    with pytest.raises(ValueError, match="mask must hold booleans or 0/1"):
        layer.forward(np.zeros((2, 4, 2)), mask=np.full((2, 4), 2))
    out, _, cache = layer.forward(np.zeros((2, 4, 2)))
    with pytest.raises(ValueError, match=r"d_outputs must have shape \(2, 4, 3\)"):
        layer.backward(np.zeros((2, 4, 2)), cache)
    with pytest.raises(ValueError, match=r"d_final_state must have shape \(2, 3\)"):
        layer.backward(out, cache, np.zeros((3, 3)))


# --------------------------------------------------------------------------------------------- Keras
def _keras_rnn(layer: SimpleRNN, **kw):
    silence_tensorflow()
    import keras

    k = keras.layers.SimpleRNN(layer.units, return_sequences=True, return_state=True, **kw)
    k.build((None, None, layer.input_dim))
    k.set_weights([layer.params[n].astype(np.float32) for n in ("kernel", "recurrent_kernel", "bias")])
    return k


