"""Windowing, splitting and normalisation for forecasting: off-by-one errors and leaks."""

from __future__ import annotations

import numpy as np
import pytest

from rnnbook.timeseries import (
    ETTH_BORDERS,
    count_windows,
    fit_linear_forecaster,
    fit_standardizer,
    forecast_errors,
    linear_forecast,
    make_windows,
    repeat_last,
    seasonal_naive,
    split_bounds,
    split_series,
    windowed_dataset,
)


def row_index_series(n: int, d: int = 2) -> np.ndarray:
    """Series whose value in column j at row t is t + 0.1 * j, so every value names its row."""
    return np.arange(n, dtype=float)[:, None] + 0.1 * np.arange(d)[None, :]


def test_first_target_follows_last_input():
    x, y = make_windows(row_index_series(50), lookback=7, horizon=3)
    np.testing.assert_array_equal(y[:, 0, 0], x[:, -1, 0] + 1)
    np.testing.assert_array_equal(x[0, :, 0], np.arange(7))
    np.testing.assert_array_equal(y[0, :, 0], [7, 8, 9])
    np.testing.assert_array_equal(y[-1, -1], [49, 49.1])  # the last window ends on the last row
    np.testing.assert_allclose(x[3, :, 1] - x[3, :, 0], 0.1)  # variables stay in their columns


@pytest.mark.parametrize("n,L,H,stride", [(50, 7, 3, 1), (50, 7, 3, 4), (10, 7, 3, 1), (11, 7, 3, 5), (100, 1, 1, 1)])
def test_number_of_windows(n, L, H, stride):
    x, y = make_windows(row_index_series(n), L, H, stride)
    expected = len(range(0, n - L - H + 1, stride))
    assert count_windows(n, L, H, stride) == expected
    assert x.shape == (expected, L, 2) and y.shape == (expected, H, 2)
    np.testing.assert_array_equal(x[:, 0, 0], np.arange(0, n - L - H + 1, stride))


def test_windowed_dataset_matches_numpy_windows():
    series = row_index_series(40, 3)
    for stride in (1, 3):
        x, y = make_windows(series, 6, 4, stride)
        batches = list(windowed_dataset(series, 6, 4, stride=stride, batch_size=5))
        xt = np.concatenate([b[0].numpy() for b in batches])
        yt = np.concatenate([b[1].numpy() for b in batches])
        np.testing.assert_allclose(xt, x, rtol=0, atol=1e-5)
        np.testing.assert_allclose(yt, y, rtol=0, atol=1e-5)


def test_ett_borders_and_window_counts():
    assert ETTH_BORDERS == (8640, 11520, 14400)
    L = 96
    b = split_bounds(17420, L)
    assert b == {"train": (0, 8640), "val": (8544, 11520), "test": (11424, 14400)}
    for H in (24, 96):
        # as in the reference implementations: len(split) - L - H + 1 windows
        assert count_windows(b["train"][1] - b["train"][0], L, H) == 8640 - L - H + 1
        assert count_windows(b["val"][1] - b["val"][0], L, H) == 2880 - H + 1
        assert count_windows(b["test"][1] - b["test"][0], L, H) == 2880 - H + 1


def test_targets_stay_in_their_period_and_inputs_reach_back():
    series = row_index_series(14500, 1)
    L, H = 96, 96
    parts = split_series(series, L)
    (_, y_tr), (x_va, y_va), (x_te, y_te) = (make_windows(parts[k], L, H) for k in ("train", "val", "test"))
    assert y_tr.max() < 8640  # no validation or test target leaks into training
    assert y_va.min() == 8640 and y_va.max() == 11519
    assert y_te.min() == 11520 and y_te.max() == 14399  # every test row is a target, none beyond 14400
    assert x_va.min() == 8640 - L and x_te.min() == 11520 - L  # the look-back crosses the border
    assert np.unique(y_te[:, 0, 0]).size == y_te.shape[0]


def test_standardizer_uses_training_rows_only():
    rng = np.random.default_rng(0)
    series = np.concatenate([rng.normal(5.0, 2.0, (8640, 3)), rng.normal(100.0, 50.0, (14400 - 8640, 3))])
    parts = split_series(series, 96)
    scaler = fit_standardizer(parts["train"])
    np.testing.assert_allclose(scaler.mean, series[:8640].mean(axis=0))
    np.testing.assert_allclose(scaler.std, series[:8640].std(axis=0))
    z = scaler.transform(parts["train"])
    np.testing.assert_allclose(z.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(z.std(axis=0), 1, atol=1e-12)
    assert scaler.transform(parts["test"]).mean() > 10  # the shifted test period is not re-centred
    np.testing.assert_allclose(scaler.inverse_transform(scaler.transform(series)), series)


def test_baselines():
    day = np.sin(2 * np.pi * np.arange(24) / 24)
    series = np.tile(day, 10)[:, None] + np.array([[0.0, 3.0]])  # exactly 24-periodic, two variables
    x, y = make_windows(series, 48, 30)
    np.testing.assert_allclose(seasonal_naive(x, 30, 24), y, atol=1e-12)
    last = repeat_last(x, 30)
    assert last.shape == y.shape
    np.testing.assert_array_equal(last[:, 5], x[:, -1])
    assert forecast_errors(y, last)["mse"] > 0.1
    err = forecast_errors(np.zeros((2, 3, 1)), np.full((2, 3, 1), -2.0))
    assert err == {"mse": 4.0, "mae": 2.0}


def test_least_squares_linear_map_is_recovered():
    rng = np.random.default_rng(1)
    L, H = 8, 3
    W_true, b_true = rng.normal(size=(L, H)), rng.normal(size=H)
    x = rng.normal(size=(200, L, 4))
    y = np.einsum("nld,lh->nhd", x, W_true) + b_true[None, :, None]
    W, b = fit_linear_forecaster(x, y)
    np.testing.assert_allclose(W, W_true, atol=1e-10)
    np.testing.assert_allclose(b, b_true, atol=1e-10)
    np.testing.assert_allclose(linear_forecast(x, W, b), y, atol=1e-10)
    W_r, _ = fit_linear_forecaster(x, y, ridge=1e3)
    assert np.linalg.norm(W_r) < 0.5 * np.linalg.norm(W)  # the penalty shrinks the map


def test_bad_arguments_raise_clear_errors():
    series = row_index_series(20)
    with pytest.raises(ValueError, match="shorter than lookback"):
        make_windows(series, 15, 10)
    with pytest.raises(ValueError, match="lookback must be an integer >= 1"):
        make_windows(series, 0, 3)
    with pytest.raises(TypeError, match="stride must be an integer"):
        make_windows(series, 4, 3, stride=1.5)
    with pytest.raises(ValueError, match=r"rank 2 with layout \(T, D\)"):
        make_windows(np.arange(20.0), 4, 3)
    with pytest.raises(ValueError, match="has only 14000 rows"):
        split_bounds(14000, 96)
    with pytest.raises(ValueError, match="strictly increasing"):
        split_bounds(100, 5, (50, 40, 90))
    with pytest.raises(ValueError, match="shorter than the training period"):
        split_bounds(100, 50, (50, 70, 90))
    with pytest.raises(ValueError, match="constant"):
        fit_standardizer(np.ones((10, 2)))
    with pytest.raises(ValueError, match="non-finite"):
        fit_standardizer(np.array([[1.0], [np.nan]]))
    with pytest.raises(ValueError, match=r"\(\.\.\., 2\)"):
        fit_standardizer(series).transform(np.ones((5, 3)))
    with pytest.raises(ValueError, match="shorter than the period"):
        seasonal_naive(np.ones((2, 12, 1)), 5, 24)
    with pytest.raises(ValueError, match=r"\(N, H, D\)"):
        fit_linear_forecaster(np.ones((5, 4, 2)), np.ones((6, 3, 2)))
    with pytest.raises(ValueError, match="shape of y_true"):
        forecast_errors(np.ones((2, 3, 1)), np.ones((2, 3, 2)))


def test_singular_least_squares_and_bad_windows_raise():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="singular.*ridge > 0"):
        fit_linear_forecaster(np.ones((5, 4, 2)), rng.standard_normal((5, 3, 2)))
    with pytest.raises(ValueError, match="singular"):
        fit_linear_forecaster(rng.standard_normal((1, 4, 2)), rng.standard_normal((1, 3, 2)))  # 2 samples, 4 unknowns
    W, b = fit_linear_forecaster(np.ones((5, 4, 2)), rng.standard_normal((5, 3, 2)), ridge=1.0)
    assert np.all(np.isfinite(W)) and np.all(np.isfinite(b))
    with pytest.raises(ValueError, match="x contains 1 non-finite"):
        repeat_last(np.array([[[np.nan]]]), 2)
    with pytest.raises(TypeError, match="real"):
        repeat_last(np.ones((1, 2, 1), dtype=complex), 2)
    with pytest.raises(ValueError, match="ridge must be >= 0"):
        fit_linear_forecaster(rng.standard_normal((9, 4, 2)), rng.standard_normal((9, 3, 2)), ridge=-1.0)
    with pytest.raises(ValueError, match="empty"):
        forecast_errors(np.ones((0, 3, 1)), np.ones((0, 3, 1)))
    # the example the property test found: a finite error whose square overflows float64
    with pytest.raises(ValueError, match="overflows float64"):
        forecast_errors(np.array(0.0), np.array(1.3407807929942597e154))
    with pytest.raises(ValueError, match="overflows float64"):
        forecast_errors(np.full(3, -1e308), np.full(3, 1e308))  # the difference itself overflows
