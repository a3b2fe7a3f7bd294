"""The one contract of the recurrent layers (rnnbook.scratch.base), checked for all of them alike:
gradients, Keras agreement with both masking rules, dtype, sizes and caches."""

from __future__ import annotations

import numpy as np
import pytest

from rnnbook.scratch import GRU, LSTM, SimpleRNN
from rnnbook.testing import check_layer_gradients, keras_agreement, random_mask
from rnnbook.utils import silence_tensorflow

silence_tensorflow()

VARIANTS = {  # name -> (our class and options, the Keras class name and options)
    "SimpleRNN": (SimpleRNN, {}, "SimpleRNN", {}),
    "LSTM": (LSTM, {}, "LSTM", {}),
    "GRU": (GRU, {"reset_after": True}, "GRU", {"reset_after": True}),
    "GRU-v1": (GRU, {"reset_after": False}, "GRU", {"reset_after": False}),
}


def make(name: str, D: int, H: int, rng: np.random.Generator, **kw) -> object:
    cls, options, _, _ = VARIANTS[name]
    layer = cls(D, H, rng=rng, **options, **kw)
    layer.params["bias"][...] += rng.normal(0, 0.3, layer.params["bias"].shape)  # exercise the bias
    return layer


@pytest.mark.parametrize("zero_output_for_mask", [False, True])
@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_gradients_with_mask(name: str, zero_output_for_mask: bool) -> None:
    rng = np.random.default_rng(2)
    layer = make(name, 2, 3, rng, zero_output_for_mask=zero_output_for_mask)
    errors = check_layer_gradients(layer, 3, 5, rng, mask=random_mask(rng, 3, 5))
    assert max(errors.values()) < 1e-6, errors


@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("zero_output_for_mask", [False, True])
@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_agrees_with_keras(name: str, zero_output_for_mask: bool, masked: bool) -> None:
    import keras

    rng = np.random.default_rng(3)
    layer = make(name, 3, 4, rng, dtype=np.float32, zero_output_for_mask=zero_output_for_mask)
    _, _, keras_name, keras_options = VARIANTS[name]
    keras_layer = getattr(keras.layers, keras_name)(
        4, return_sequences=True, return_state=True, zero_output_for_mask=zero_output_for_mask, **keras_options
    )
    diffs = keras_agreement(layer, keras_layer, 3, 6, rng, mask=random_mask(rng, 3, 6) if masked else None)
    assert len(diffs) == (9 if name == "LSTM" else 7)
    assert max(diffs.values()) < 1e-5, diffs


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_masked_outputs_repeat_or_zero(name: str) -> None:
    """Padded steps carry the state; the output repeats the previous one (zeros before the first
    real step), or is zero with ``zero_output_for_mask=True``."""
    rng = np.random.default_rng(5)
    mask = np.array([[1, 1, 0, 0, 1], [0, 0, 1, 1, 0]], dtype=bool)
    x = rng.standard_normal((2, 5, 2))
    repeat = make(name, 2, 3, np.random.default_rng(0))
    zeros = make(name, 2, 3, np.random.default_rng(0), zero_output_for_mask=True)
    out, final, _ = repeat.forward(x, mask=mask)
    out_z, final_z, _ = zeros.forward(x, mask=mask)
    np.testing.assert_array_equal(out[0, 2:4], out[0, [1, 1]])
    np.testing.assert_array_equal(out[1, :2], 0.0)
    np.testing.assert_array_equal(out[1, 4], out[1, 3])
    np.testing.assert_array_equal(out_z[~mask], 0.0)
    np.testing.assert_array_equal(out_z[mask], out[mask])
    for a, b in zip(final if isinstance(final, tuple) else (final,), final_z if isinstance(final_z, tuple) else (final_z,)):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_inputs_are_cast_to_the_layer_dtype(name: str) -> None:
    layer = make(name, 2, 3, np.random.default_rng(0), dtype=np.float32)
    out, _, _ = layer.forward(np.ones((1, 2, 2), dtype=np.float64))
    assert out.dtype == np.float32
    out, _, _ = layer.forward(np.ones((1, 2, 2), dtype=np.int64))
    assert out.dtype == np.float32


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_bad_sizes_caches_and_upstream_gradients(name: str) -> None:
    cls, options, _, _ = VARIANTS[name]
    with pytest.raises(TypeError, match="units must be an integer"):
        cls(2, 3.5, rng=np.random.default_rng(0), **options)
    with pytest.raises(ValueError, match="input_dim must be an integer >= 1"):
        cls(0, 3, rng=np.random.default_rng(0), **options)
    layer = make(name, 2, 3, np.random.default_rng(0))
    out, _, cache = layer.forward(np.ones((2, 4, 2)))
    d = np.ones_like(out)
    d[0, 1, 2] = np.nan
    with pytest.raises(ValueError, match="d_outputs contains 1 non-finite"):
        layer.backward(d, cache)
    with pytest.raises(TypeError, match="cache must be"):
        layer.backward(np.ones_like(out), None)
    with pytest.raises(TypeError, match="x must be real"):
        layer.forward(np.ones((2, 4, 2), dtype=complex))
    with pytest.raises(ValueError, match="ragged"):
        layer.forward([[[1.0, 2.0]], [[1.0]]])


def test_a_gru_rejects_the_other_variants_cache() -> None:
    after = make("GRU", 2, 3, np.random.default_rng(0))
    before = make("GRU-v1", 2, 3, np.random.default_rng(0))
    out, _, cache = after.forward(np.ones((1, 3, 2)))
    with pytest.raises(ValueError, match="reset_after=True"):
        before.backward(np.ones_like(out), cache)
