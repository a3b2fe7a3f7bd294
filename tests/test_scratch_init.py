"""Keras' initial weights: one function for every scratch recurrent layer (rnnbook.scratch.init)."""

from __future__ import annotations

import numpy as np
import pytest

from rnnbook.scratch import GRU, LSTM, SimpleRNN
from rnnbook.scratch.init import glorot_uniform, orthogonal, recurrent_weights
from rnnbook.scratch.layernorm_lstm import LayerNormLSTM


def test_recurrent_weights_shapes_order_and_values() -> None:
    w = recurrent_weights(np.random.default_rng(3), 5, 4, 3, np.float32)
    assert {k: v.shape for k, v in w.items()} == {"kernel": (5, 12), "recurrent_kernel": (4, 12), "bias": (12,)}
    assert all(v.dtype == np.float32 for v in w.values())
    rng = np.random.default_rng(3)  # the same draws in the same order: kernel, then recurrent kernel
    np.testing.assert_array_equal(w["kernel"], glorot_uniform(rng, (5, 12), np.float32))
    np.testing.assert_array_equal(w["recurrent_kernel"], orthogonal(rng, (4, 12), np.float32))
    assert not w["bias"].any()
    np.testing.assert_allclose(w["recurrent_kernel"] @ w["recurrent_kernel"].T, np.eye(4), atol=1e-6)
    assert recurrent_weights(np.random.default_rng(0), 2, 3, 3, bias_shape=(2, 9))["bias"].shape == (2, 9)


@pytest.mark.parametrize(
    "make, blocks",
    [
        (lambda rng: SimpleRNN(6, 4, rng=rng), 1),
        (lambda rng: GRU(6, 4, rng=rng, reset_after=False), 3),
        (lambda rng: LSTM(6, 4, rng=rng, unit_forget_bias=False), 4),
    ],
)
def test_layers_start_from_recurrent_weights(make, blocks: int) -> None:
    layer = make(np.random.default_rng(11))
    expected = recurrent_weights(np.random.default_rng(11), 6, 4, blocks)
    for name, value in expected.items():
        np.testing.assert_array_equal(layer.params[name], value)


def test_lstm_family_starts_with_forget_bias_one() -> None:
    for layer in (LSTM(3, 2, rng=np.random.default_rng(0)), LayerNormLSTM(3, 2, rng=np.random.default_rng(0))):
        np.testing.assert_array_equal(layer.params["bias"], [0, 0, 1, 1, 0, 0, 0, 0])


def test_bad_sizes_are_rejected() -> None:
    with pytest.raises(ValueError, match="input_dim must be an integer >= 1"):
        recurrent_weights(np.random.default_rng(0), 0, 3, 4)
    with pytest.raises(ValueError, match="blocks must be an integer >= 1"):
        recurrent_weights(np.random.default_rng(0), 2, 3, 0)
    with pytest.raises(TypeError, match="units must be an integer"):
        recurrent_weights(np.random.default_rng(0), 2, 2.5, 4)
    with pytest.raises(TypeError, match="rng"):
        recurrent_weights(0, 2, 3, 4)
