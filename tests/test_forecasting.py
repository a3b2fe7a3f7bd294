"""The SegRNN-style Keras forecaster: shapes, parameter count, last-value equivariance, channel independence."""

from __future__ import annotations

import numpy as np
import pytest

from rnnbook.utils import silence_tensorflow

silence_tensorflow()

import keras

from rnnbook.forecasting import SegRNN


@pytest.fixture(scope="module")
def model():
    keras.utils.set_random_seed(0)
    m = SegRNN(lookback=48, horizon=24, n_vars=3, seg_len=12, d_model=8)
    m(np.zeros((1, 48, 3), "float32"))
    return m


def test_shape_and_parameter_count(model):
    x = np.random.default_rng(0).normal(size=(5, 48, 3)).astype("float32")
    assert model(x).shape == (5, 24, 3)
    w, d, D, m = 12, 8, 3, 2
    gru = 3 * (d * d + d * d + 2 * d)  # Keras GRU, reset_after=True: two bias vectors
    expected = (w * d + d) + gru + (d * w + w) + m * d // 2 + D * d // 2
    assert model.count_params() == expected


def test_adding_a_constant_shifts_the_forecast(model):
    x = np.random.default_rng(1).normal(size=(4, 48, 3)).astype("float32")
    shift = np.array([2.0, -5.0, 0.5], "float32")
    np.testing.assert_allclose(model(x + shift).numpy(), model(x).numpy() + shift, atol=1e-4)


def test_variables_are_forecast_independently(model):
    x = np.random.default_rng(2).normal(size=(2, 48, 3)).astype("float32")
    x2 = x.copy()
    x2[:, :, 0] += np.linspace(0, 3, 48, dtype="float32")  # change variable 0 only
    y, y2 = model(x).numpy(), model(x2).numpy()
    np.testing.assert_allclose(y2[:, :, 1:], y[:, :, 1:], atol=1e-5)
    assert np.abs(y2[:, :, 0] - y[:, :, 0]).max() > 1e-3
    # the same series in two channels gets different forecasts: the channel embedding is used
    same = np.repeat(x[:, :, :1], 3, axis=2)
    ys = model(same).numpy()
    assert np.abs(ys[:, :, 0] - ys[:, :, 1]).max() > 1e-4


def test_bad_arguments():
    with pytest.raises(ValueError, match="multiples of seg_len"):
        SegRNN(lookback=50, horizon=24, n_vars=3, seg_len=12)
    with pytest.raises(ValueError, match="d_model must be even"):
        SegRNN(lookback=48, horizon=24, n_vars=3, seg_len=12, d_model=7)
    m = SegRNN(lookback=48, horizon=24, n_vars=3, seg_len=12, d_model=8)
    with pytest.raises(ValueError, match=r"\(B, 48, 3\)"):
        m(np.zeros((1, 40, 3), "float32"))
