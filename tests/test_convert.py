"""Keras <-> PyTorch weight transplants (rnnbook.convert): same outputs both ways."""

from __future__ import annotations

import numpy as np
import pytest

from rnnbook.utils import silence_tensorflow

silence_tensorflow()
keras = pytest.importorskip("keras")
torch = pytest.importorskip("torch")

from rnnbook.convert import keras_gru_to_torch, keras_lstm_to_torch, torch_gru_to_keras, torch_lstm_to_keras

D, H, B, T = 3, 5, 4, 7
CASES = {
    "lstm": (keras.layers.LSTM, torch.nn.LSTM, keras_lstm_to_torch, torch_lstm_to_keras),
    "gru": (keras.layers.GRU, torch.nn.GRU, keras_gru_to_torch, torch_gru_to_keras),
}


def _keras_layer(cls, seed):
    layer = cls(H, return_sequences=True)
    layer.build((None, T, D))
    rng = np.random.default_rng(seed)  # nonzero biases, so their layout is tested too
    layer.set_weights([rng.normal(0, 0.5, size=w.shape).astype("float32") for w in layer.get_weights()])
    return layer


def _torch_out(module, x):
    with torch.no_grad():
        return module(torch.from_numpy(x))[0].numpy()


@pytest.mark.parametrize("name", CASES)
def test_keras_to_torch_and_back_give_the_same_outputs(name):
    k_cls, t_cls, to_torch, to_keras = CASES[name]
    layer = _keras_layer(k_cls, 0)
    x = np.random.default_rng(1).normal(size=(B, T, D)).astype("float32")
    module = t_cls(D, H, batch_first=True)
    module.load_state_dict({k: torch.from_numpy(v) for k, v in to_torch(layer.get_weights()).items()})
    np.testing.assert_allclose(_torch_out(module, x), np.asarray(layer(x)), atol=2e-5)
    # and back: a trained-from-scratch torch module copied into a fresh Keras layer
    torch.manual_seed(0)
    module2 = t_cls(D, H, batch_first=True)
    for p in module2.parameters():
        torch.nn.init.normal_(p, std=0.5)
    layer2 = _keras_layer(k_cls, 2)
    layer2.set_weights(to_keras(module2.state_dict()))
    np.testing.assert_allclose(np.asarray(layer2(x)), _torch_out(module2, x), atol=2e-5)


@pytest.mark.parametrize("name", CASES)
def test_round_trip_is_exact_up_to_the_bias_split(name):
    k_cls, _, to_torch, to_keras = CASES[name]
    weights = _keras_layer(k_cls, 3).get_weights()
    for a, b in zip(weights, to_keras(to_torch(weights))):
        np.testing.assert_array_equal(a, b)


def test_bad_input_is_named():
    lstm_w = _keras_layer(keras.layers.LSTM, 0).get_weights()
    with pytest.raises(TypeError, match="get_weights"):
        keras_lstm_to_torch(lstm_w[:2])
    with pytest.raises(ValueError, match="recurrent_kernel"):
        keras_lstm_to_torch([lstm_w[0], lstm_w[1][:, :-1], lstm_w[2]])
    with pytest.raises(ValueError, match="NaN"):
        keras_lstm_to_torch([lstm_w[0] * np.nan, lstm_w[1], lstm_w[2]])
    old_gru = keras.layers.GRU(H, reset_after=False)
    old_gru.build((None, T, D))
    with pytest.raises(ValueError, match="reset_after=False"):
        keras_gru_to_torch(old_gru.get_weights())
    with pytest.raises(ValueError, match="one-layer"):
        torch_lstm_to_keras({"weight_ih_l0": np.zeros((20, 3))})
    with pytest.raises(TypeError, match="mapping"):
        torch_gru_to_keras([1, 2, 3])
    with pytest.raises(TypeError, match="real numeric"):
        keras_lstm_to_torch([np.array(["a"]), lstm_w[1], lstm_w[2]])
