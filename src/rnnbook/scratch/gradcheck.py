"""Central-difference gradient checking in float64."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

__all__ = ["gradcheck", "numerical_gradient", "relative_error"]


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6, *, points: int = 2) -> np.ndarray:
    """∂f/∂x by central differences, perturbing ``x`` **in place** one entry at a time.

    ``f`` takes no arguments and reads ``x`` (for example a closure over a layer's parameters);
    ``x`` must be a float64 array. Returns an array of ``x``'s shape. Each entry is restored exactly.

    ``points=2`` is the usual :math:`(f(x+ε) - f(x-ε)) / 2ε`, with error :math:`O(ε^2)`.
    ``points=4`` is the five-point stencil
    :math:`(8[f(x+ε) - f(x-ε)] - [f(x+2ε) - f(x-2ε)]) / 12ε`, with error :math:`O(ε^4)`: it allows a
    larger ``ε`` (say ``1e-3``), so that the round-off of ``f`` (about :math:`10^{-16}|f|/ε`) stays far
    below gradient entries that are small compared with ``f`` itself, as in a mean loss.
    """
    if points not in (2, 4):
        raise ValueError(f"points must be 2 or 4, got {points}")
    if x.dtype != np.float64:
        raise ValueError(f"gradient checks need float64 arrays, got {x.dtype}")
    grad = np.empty_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    if not np.shares_memory(flat, x):
        raise ValueError("x must be contiguous so it can be perturbed in place")
    def at(i: int, value: float) -> float:
        flat[i] = value
        return f()

    for i in range(flat.size):
        old = flat[i]
        diff1 = at(i, old + eps) - at(i, old - eps)
        if points == 2:
            gflat[i] = diff1 / (2 * eps)
        else:
            diff2 = at(i, old + 2 * eps) - at(i, old - 2 * eps)
            gflat[i] = (8 * diff1 - diff2) / (12 * eps)
        flat[i] = old
    return grad


def relative_error(analytic: np.ndarray, numeric: np.ndarray, floor: float = 1e-8, scale: float = 1e-3) -> float:
    """Max over entries of ``|a − n| / max(|a| + |n|, scale · m, floor)``, ``m`` the largest ``|a|``
    or ``|n|`` of the whole array; 0 for empty arrays.

    The scale-aware floor ``scale · m`` measures entries far smaller than the array's largest one
    against the array's size: central differences carry an absolute round-off error (about
    :math:`10^{-16}|f|/ε`) that would dominate a purely relative error on an entry near zero. A
    wrong formula still shows: its error is a sizable fraction of the entries it gets wrong. The
    absolute ``floor`` keeps an all-zero gradient from dividing by zero.
    """
    a, n = np.asarray(analytic, dtype=np.float64), np.asarray(numeric, dtype=np.float64)
    if a.shape != n.shape:
        raise ValueError(f"shapes differ: analytic {a.shape} vs numeric {n.shape}")
    if a.size == 0:
        return 0.0
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(n))):
        raise ValueError("analytic and numeric gradients must be finite (no NaN or inf).")
    m = max(float(np.max(np.abs(a))), float(np.max(np.abs(n))))
    denom = np.maximum(np.abs(a) + np.abs(n), max(scale * m, floor))
    return float(np.max(np.abs(a - n) / denom))


def gradcheck(
    loss: Callable[[], float],
    arrays: Mapping[str, np.ndarray],
    analytic: Mapping[str, np.ndarray],
    eps: float = 1e-6,
    *,
    points: int = 2,
) -> dict[str, float]:
    """Compare analytic gradients with central differences for several arrays.

    Parameters
    ----------
    loss:
        Zero-argument function returning the scalar loss computed from the current contents of
        ``arrays`` (which are perturbed in place).
    arrays:
        Name → float64 array (parameters, inputs, initial states).
    analytic:
        Name → the analytic gradient for each name in ``arrays``, same shape.
    eps, points:
        Step and stencil of :func:`numerical_gradient`.

    Returns
    -------
    dict[str, float]
        Name → max relative error (see :func:`relative_error`). A correct backward pass gives
        values around 1e-8 or below in float64; the book's tests require < 1e-6.
    """
    missing = set(arrays) - set(analytic)
    if missing:
        raise ValueError(f"no analytic gradient for {sorted(missing)}")
    return {
        name: relative_error(analytic[name], numerical_gradient(loss, arr, eps, points=points))
        for name, arr in arrays.items()
    }
