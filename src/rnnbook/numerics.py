"""Numerically stable elementwise and reduction functions shared by the from-scratch layers."""

from __future__ import annotations

import numpy as np

__all__ = ["log_softmax", "logsumexp", "sigmoid", "softmax"]


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic function :math:`1 / (1 + e^{-z})`, stable for large ``|z|`` (no overflow warnings).

    Uses :math:`e^{-|z|}`, which never overflows, on both branches. Shape and dtype follow ``z``.
    """
    z = np.asarray(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(np.result_type(z, np.float32), copy=False)


def logsumexp(a: np.ndarray, axis: int = -1, keepdims: bool = False) -> np.ndarray:
    """:math:`\\log \\sum_i e^{a_i}` along ``axis``, shifted by the maximum so it never overflows.

    Rows that are all ``-inf`` give ``-inf`` (not NaN), which log-space dynamic programmes such as
    CTC rely on.
    """
    a = np.asarray(a)
    m = np.max(a, axis=axis, keepdims=True)
    m_safe = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(np.exp(a - m_safe), axis=axis, keepdims=True)) + m_safe
    return out if keepdims else np.squeeze(out, axis=axis)


def log_softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """:math:`z_i - \\log \\sum_j e^{z_j}` along ``axis``; same shape as ``z``."""
    z = np.asarray(z)
    return z - logsumexp(z, axis=axis, keepdims=True)


def softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """:math:`e^{z_i} / \\sum_j e^{z_j}` along ``axis``, computed as ``exp(log_softmax(z))``."""
    return np.exp(log_softmax(z, axis=axis))
