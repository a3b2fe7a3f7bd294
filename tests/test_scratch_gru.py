"""The NumPy GRU in both variants: gradient checks, agreement with keras.layers.GRU, masking, validation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnnbook.scratch import GRU
from rnnbook.testing import check_layer_gradients as check_gradients
from rnnbook.testing import random_mask


def perturbed_gru(D: int, H: int, rng: np.random.Generator, dtype=np.float64, **kw) -> GRU:
    """A GRU whose parameters (biases included) are moved away from the initialisation."""
    layer = GRU(D, H, rng=rng, dtype=dtype, **kw)
    for p in layer.params.values():
        p += (0.3 * rng.standard_normal(p.shape)).astype(dtype)
    return layer


@pytest.mark.parametrize("reset_after, bias_shape", [(True, (2, 15)), (False, (15,))])
def test_parameter_layout_matches_keras(reset_after, bias_shape):
    import keras

    layer = GRU(3, 5, rng=np.random.default_rng(0), reset_after=reset_after)
    keras_layer = keras.layers.GRU(5, reset_after=reset_after)
    keras_layer.build((None, None, 3))
    expected = [tuple(w.shape) for w in keras_layer.get_weights()]
    assert [p.shape for p in layer.params.values()] == expected == [(3, 15), (5, 15), bias_shape]


@pytest.mark.parametrize("reset_after", [True, False])
@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("with_final", [False, True])
def test_gradients(reset_after, masked, with_final):
    rng = np.random.default_rng(1)
    layer = perturbed_gru(3, 4, rng, reset_after=reset_after)
    mask = random_mask(rng, 3, 6) if masked else None
    errors = check_gradients(layer, 3, 6, rng, mask=mask, with_final=with_final)
    assert set(errors) == {"kernel", "recurrent_kernel", "bias", "x", "state0[0]"}
    assert max(errors.values()) < 1e-6, errors


def test_variants_differ_and_update_convention():
    """z → 1 keeps the old state (Keras' convention h = z ⊙ h_prev + (1 − z) ⊙ h̃); the variants differ otherwise."""
    rng = np.random.default_rng(4)
    x = rng.standard_normal((2, 4, 3))
    h0 = rng.standard_normal((2, 5))
    a = perturbed_gru(3, 5, rng, reset_after=False)
    b = GRU(3, 5, rng=rng, reset_after=True)
    b.params["kernel"][:] = a.params["kernel"]
    b.params["recurrent_kernel"][:] = a.params["recurrent_kernel"]
    b.params["bias"][0] = a.params["bias"]
    b.params["bias"][1] = 0.0
    assert np.abs(a.forward(x, h0)[0] - b.forward(x, h0)[0]).max() > 1e-3
    # with the reset gate forced open (r = 1) and no recurrent bias, the two variants coincide
    for layer in (a, b):
        (layer.params["bias"][1] if layer.reset_after else layer.params["bias"])[5:10] = 50.0
    np.testing.assert_allclose(a.forward(x, h0)[0], b.forward(x, h0)[0], atol=1e-12)
    a.params["bias"][:5] = 50.0  # z ≈ 1: the state never changes
    _out, h, cache = a.forward(x, h0)
    np.testing.assert_allclose(h, h0, atol=1e-12)
    assert set(cache.activations()) == {"z", "r", "n", "h"}


@settings(max_examples=8, deadline=None)
@given(
    B=st.integers(1, 3), T=st.integers(1, 5), D=st.integers(1, 3), H=st.integers(1, 3),
    seed=st.integers(0, 2**16), masked=st.booleans(), reset_after=st.booleans(),
)
def test_random_shapes(B, T, D, H, seed, masked, reset_after):
    rng = np.random.default_rng(seed)
    layer = perturbed_gru(D, H, rng, reset_after=reset_after)
    x = rng.standard_normal((B, T, D))
    out, h, _ = layer.forward(x)
    assert out.shape == (B, T, H) and h.shape == (B, H)
    np.testing.assert_array_equal(out[:, -1], h)
    assert np.all(np.abs(out) < 1)  # a convex combination of tanh values and h0 = 0
    mask = (rng.random((B, T)) > 0.4) if masked else None
    errors = check_gradients(layer, B, T, rng, mask=mask)
    assert max(errors.values()) < 1e-6, errors


def test_masked_trailing_steps_equal_shorter_sequence():
    rng = np.random.default_rng(5)
    layer = perturbed_gru(2, 3, rng)
    x = rng.standard_normal((1, 6, 2))
    mask = np.array([[True] * 4 + [False] * 2])
    out, h, _ = layer.forward(x, mask=mask)
    out4, h4, _ = layer.forward(x[:, :4])
    np.testing.assert_allclose(h, h4)
    np.testing.assert_allclose(out[:, 4:], np.broadcast_to(out4[:, -1:], (1, 2, 3)))


@pytest.mark.parametrize("reset_after", [True, False])
def test_bad_inputs(reset_after):
    layer = GRU(3, 4, rng=np.random.default_rng(0), reset_after=reset_after)
    x = np.zeros((2, 5, 3))
    with pytest.raises(ValueError, match=r"\(B, T, D\)"):
        layer.forward(np.zeros((2, 5, 3, 1)))
    with pytest.raises(ValueError, match=r"D=3"):
        layer.forward(np.zeros((2, 5, 2)))
    with pytest.raises(ValueError, match=r"\(B=2, H=4\)"):
        layer.forward(x, np.zeros((3, 4)))
    with pytest.raises(ValueError, match=r"\(B, T\)"):
        layer.forward(x, mask=np.ones((5, 2), bool))
    with pytest.raises(ValueError, match="non-finite"):
        layer.forward(x, np.full((2, 4), np.inf))
    layer.params["bias"] = np.zeros(7)
    with pytest.raises(ValueError, match="bias"):
        layer.forward(x)


@pytest.mark.parametrize("reset_after", [True, False])
def test_long_sequence_is_finite(reset_after):
    rng = np.random.default_rng(7)
    layer = perturbed_gru(3, 8, rng, reset_after=reset_after)
    x = 10.0 * rng.standard_normal((2, 1000, 3))
    with np.errstate(all="raise"):
        out, h, cache = layer.forward(x)
        g = layer.backward(np.ones_like(out), cache, np.ones_like(h))
    for arr in (out, h, g.x, g.state0, *g.params.values()):
        assert np.all(np.isfinite(arr))
