"""Forecasting helpers: chronological splits, train-only z-scoring, sliding windows, naive baselines.

The conventions are those of the long-horizon forecasting benchmark (Informer, DLinear, PatchTST):
a series of shape ``(T, D)`` (time first, ``D`` variables) is cut at fixed row borders into
train / validation / test; the look-back window of the first validation (test) sample reaches back
``lookback`` rows across the border, so every *target* row lies inside its own period while the
*inputs* may come from the period before. Windows are arrays ``X`` of shape ``(N, L, D)`` (the
look-back) and ``Y`` of shape ``(N, H, D)`` (the horizon), where window ``i`` reads rows
``i*stride .. i*stride+L-1`` and predicts rows ``i*stride+L .. i*stride+L+H-1``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .checks import as_float_array, check_finite, check_int, check_rank, check_real

__all__ = [
    "ETTH_BORDERS",
    "Standardizer",
    "count_windows",
    "fit_linear_forecaster",
    "fit_standardizer",
    "forecast_errors",
    "linear_forecast",
    "make_windows",
    "repeat_last",
    "seasonal_naive",
    "split_bounds",
    "split_series",
    "windowed_dataset",
]

#: End rows (exclusive) of train, validation and test for the hourly ETT tables:
#: 12 months of 30 days = 8640 hours, then 4 months (2880 hours) each. Rows from 14400 on are unused.
ETTH_BORDERS: tuple[int, int, int] = (12 * 30 * 24, 16 * 30 * 24, 20 * 30 * 24)


def _check_positive_int(name: str, value: object) -> int:
    return check_int(name, value, 1)


def _as_series(series: object) -> np.ndarray:
    arr = as_float_array("series", series)
    check_rank("series", arr, 2, "(T, D)")
    return arr


def split_bounds(
    n_rows: int, lookback: int, borders: tuple[int, int, int] = ETTH_BORDERS
) -> dict[str, tuple[int, int]]:
    """Row ranges ``[start, stop)`` of train, validation and test, look-back included.

    Train is ``[0, b0)``; validation ``[b0 - lookback, b1)``; test ``[b1 - lookback, b2)``, so that
    the targets of the validation (test) windows are exactly the rows ``b0 .. b1-1`` (``b1 .. b2-1``).

    Raises ``ValueError`` if the borders are not strictly increasing, exceed ``n_rows``, or if the
    look-back does not fit inside the training period.
    """
    n_rows = _check_positive_int("n_rows", n_rows)
    lookback = _check_positive_int("lookback", lookback)
    if len(borders) != 3:
        raise ValueError(f"borders must be three end rows (train, val, test), got {borders!r}.")
    b0, b1, b2 = (int(b) for b in borders)
    if not 0 < b0 < b1 < b2:
        raise ValueError(f"borders must be strictly increasing and positive, got {borders!r}.")
    if b2 > n_rows:
        raise ValueError(f"the test period ends at row {b2} but the series has only {n_rows} rows.")
    if lookback >= b0:
        raise ValueError(f"lookback={lookback} must be shorter than the training period ({b0} rows).")
    return {"train": (0, b0), "val": (b0 - lookback, b1), "test": (b1 - lookback, b2)}


def split_series(
    series: np.ndarray, lookback: int, borders: tuple[int, int, int] = ETTH_BORDERS
) -> dict[str, np.ndarray]:
    """Cut a ``(T, D)`` series into the three periods of :func:`split_bounds` (views, not copies)."""
    arr = _as_series(series)
    return {name: arr[a:b] for name, (a, b) in split_bounds(arr.shape[0], lookback, borders).items()}


@dataclass(frozen=True)
class Standardizer:
    """Per-variable z-scoring, ``z = (x - mean) / std``; ``mean`` and ``std`` have shape ``(D,)``."""

    mean: np.ndarray
    std: np.ndarray

    def _check(self, x: np.ndarray) -> np.ndarray:
        arr = as_float_array("x", x)
        if arr.ndim < 1 or arr.shape[-1] != self.mean.shape[0]:
            raise ValueError(f"x must have shape (..., {self.mean.shape[0]}) = (..., D), got {arr.shape}.")
        return arr

    def transform(self, x: np.ndarray) -> np.ndarray:
        """Standardise ``x`` of shape ``(..., D)``."""
        return (self._check(x) - self.mean) / self.std

    def inverse_transform(self, z: np.ndarray) -> np.ndarray:
        """Undo :meth:`transform` on ``z`` of shape ``(..., D)``."""
        return self._check(z) * self.std + self.mean


def fit_standardizer(train: np.ndarray) -> Standardizer:
    """Fit a :class:`Standardizer` on the training rows only, shape ``(T_train, D)``.

    Uses the population standard deviation (``ddof=0``, as scikit-learn's ``StandardScaler`` in the
    reference implementations). Raises ``ValueError`` on non-finite data or a constant variable.
    """
    arr = _as_series(train)
    check_finite("train", arr)
    if arr.shape[0] < 2:
        raise ValueError(f"need at least 2 training rows to estimate a spread, got {arr.shape[0]}.")
    mean, std = arr.mean(axis=0), arr.std(axis=0)
    if np.any(std == 0):
        raise ValueError(f"variables {np.flatnonzero(std == 0).tolist()} are constant on the training rows.")
    return Standardizer(mean=mean, std=std)


def count_windows(n_rows: int, lookback: int, horizon: int, stride: int = 1) -> int:
    """Number of complete (look-back, horizon) windows in ``n_rows`` rows: ``(n - L - H) // stride + 1``."""
    n_rows, lookback, horizon, stride = (
        _check_positive_int(k, v) for k, v in (("n_rows", n_rows), ("lookback", lookback), ("horizon", horizon), ("stride", stride))
    )
    span = lookback + horizon
    if n_rows < span:
        raise ValueError(f"a series of {n_rows} rows is shorter than lookback + horizon = {span}.")
    return (n_rows - span) // stride + 1


def make_windows(
    series: np.ndarray, lookback: int, horizon: int, stride: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """All (look-back, horizon) pairs of a ``(T, D)`` series, as read-only strided views.

    Returns ``X`` of shape ``(N, L, D)`` and ``Y`` of shape ``(N, H, D)`` with
    ``N = count_windows(T, L, H, stride)``; ``Y[i, 0]`` is the row right after ``X[i, -1]``.
    """
    arr = _as_series(series)
    n = count_windows(arr.shape[0], lookback, horizon, stride)
    span = lookback + horizon
    # (T - span + 1, D, span) -> every stride-th start, then time back to axis 1
    view = np.lib.stride_tricks.sliding_window_view(arr, span, axis=0)[:: stride][:n]
    view = np.moveaxis(view, -1, 1)
    return view[:, :lookback], view[:, lookback:]


def windowed_dataset(
    series: np.ndarray,
    lookback: int,
    horizon: int,
    *,
    stride: int = 1,
    batch_size: int = 256,
    shuffle: bool = False,
    seed: int | None = None,
):
    """The same windows as :func:`make_windows`, as a batched ``tf.data.Dataset`` of ``(X, Y)``.

    Built on ``keras.utils.timeseries_dataset_from_array``: the inputs are the series without its
    last ``H`` rows, the targets are the series shifted by ``L`` rows, so window ``i`` pairs rows
    ``i*stride .. i*stride+L-1`` with ``i*stride+L .. i*stride+L+H-1``.
    """
    import keras
    import tensorflow as tf

    arr = _as_series(series).astype("float32")
    lookback, horizon, batch_size = (
        _check_positive_int(k, v) for k, v in (("lookback", lookback), ("horizon", horizon), ("batch_size", batch_size))
    )
    count_windows(arr.shape[0], lookback, horizon, stride)  # validates the sizes
    inputs = keras.utils.timeseries_dataset_from_array(
        arr[: arr.shape[0] - horizon], None, lookback, sequence_stride=stride, batch_size=None, shuffle=False
    )
    targets = keras.utils.timeseries_dataset_from_array(
        arr[lookback:], None, horizon, sequence_stride=stride, batch_size=None, shuffle=False
    )
    ds = tf.data.Dataset.zip((inputs, targets))
    if shuffle:
        ds = ds.shuffle(count_windows(arr.shape[0], lookback, horizon, stride), seed=seed)
    return ds.batch(batch_size)


def _check_windows(x: np.ndarray, name: str = "x", layout: str = "(N, L, D)") -> np.ndarray:
    arr = as_float_array(name, x)
    check_rank(name, arr, 3, layout)
    check_finite(name, arr)
    if arr.size == 0:
        raise ValueError(f"{name} must hold at least one window, step and variable, got shape {arr.shape}.")
    return arr


def repeat_last(x: np.ndarray, horizon: int) -> np.ndarray:
    """Naive forecast: the last observed value of every variable, repeated. ``(N, L, D) -> (N, H, D)``."""
    arr = _check_windows(x)
    horizon = _check_positive_int("horizon", horizon)
    return np.repeat(arr[:, -1:, :], horizon, axis=1)


def seasonal_naive(x: np.ndarray, horizon: int, period: int = 24) -> np.ndarray:
    """Seasonal naive forecast: ``y[t+h] = x[t+h-period*k]`` with the smallest ``k`` that reaches the past.

    With ``period=24`` on hourly data this repeats the last day. ``(N, L, D) -> (N, H, D)``; needs
    ``L >= period``.
    """
    arr = _check_windows(x)
    horizon, period = _check_positive_int("horizon", horizon), _check_positive_int("period", period)
    if arr.shape[1] < period:
        raise ValueError(f"the look-back ({arr.shape[1]} steps) is shorter than the period ({period}).")
    last_cycle = arr[:, -period:, :]
    return last_cycle[:, np.arange(horizon) % period, :]


def fit_linear_forecaster(
    x: np.ndarray, y: np.ndarray, ridge: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares fit of one linear map shared by all variables (DLinear's "Linear", closed form).

    Every variable of every window is one sample: ``y[:, :, d] ≈ x[:, :, d] @ W + b``.

    Parameters
    ----------
    x, y:
        Windows of shapes ``(N, L, D)`` and ``(N, H, D)``.
    ridge:
        Non-negative L2 penalty on ``W`` (not on ``b``).

    Returns
    -------
    W, b:
        Shapes ``(L, H)`` and ``(H,)``.
    """
    xa, ya = _check_windows(x), _check_windows(y, "y", "(N, H, D)")
    if ya.shape[0] != xa.shape[0] or ya.shape[2] != xa.shape[2]:
        raise ValueError(f"y must have shape ({xa.shape[0]}, H, {xa.shape[2]}) = (N, H, D), got {ya.shape}.")
    ridge = check_real("ridge", ridge, minimum=0.0)
    lookback = xa.shape[1]
    xs = np.moveaxis(xa, 2, 1).reshape(-1, lookback)  # (N*D, L)
    ys = np.moveaxis(ya, 2, 1).reshape(-1, ya.shape[1])  # (N*D, H)
    x_mean, y_mean = xs.mean(axis=0), ys.mean(axis=0)
    xc, yc = xs - x_mean, ys - y_mean  # centring takes care of the (unpenalised) bias
    gram = xc.T @ xc + ridge * np.eye(lookback)  # (L, L)
    eig = np.linalg.eigvalsh(gram)
    if eig[0] <= 1e-12 * max(eig[-1], 1e-300):
        raise ValueError(
            f"the least-squares system is singular: the {xs.shape[0]} centred samples of x do not span "
            f"its {lookback} look-back steps (too few or constant windows); pass ridge > 0."
        )
    W = np.linalg.solve(gram, xc.T @ yc)
    return W, y_mean - x_mean @ W


def linear_forecast(x: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Apply a shared linear map: ``(N, L, D)`` windows, ``W (L, H)``, ``b (H,)`` -> ``(N, H, D)``."""
    arr = _check_windows(x)
    W, b = as_float_array("W", W), as_float_array("b", b)
    check_finite("W", W)
    check_finite("b", b)
    if W.ndim != 2 or W.shape[0] != arr.shape[1] or b.shape != (W.shape[1],):
        raise ValueError(f"W must have shape ({arr.shape[1]}, H) = (L, H) and b shape (H,), got {W.shape}, {b.shape}.")
    return np.einsum("nld,lh->nhd", arr, W) + b[None, :, None]


def forecast_errors(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float]:
    """Mean squared and mean absolute error over every window, step and variable (the benchmark's MSE/MAE)."""
    yt, yp = as_float_array("y_true", y_true), as_float_array("y_pred", y_pred)
    if yt.shape != yp.shape:
        raise ValueError(f"y_pred must have the shape of y_true {yt.shape}, got {yp.shape}.")
    if yt.size == 0:
        raise ValueError("y_true and y_pred are empty: the errors are undefined.")
    check_finite("y_true", yt)
    check_finite("y_pred", yp)
    with np.errstate(over="ignore"):
        err = yp - yt
        mse, mae = float(np.mean(err**2)), float(np.mean(np.abs(err)))
    if not (np.isfinite(mse) and np.isfinite(mae)):
        raise ValueError(
            "y_true and y_pred are so far apart that the squared error overflows float64 "
            f"(largest |y_pred - y_true| = {float(np.max(np.abs(err))):.3g}); rescale the series."
        )
    return {"mse": mse, "mae": mae}
