"""The vanilla (Elman) RNN forward pass in NumPy."""

from __future__ import annotations

import numpy as np

from .checks import as_float_array, check_finite, check_rank, check_shape

__all__ = ["simple_rnn_forward"]


def simple_rnn_forward(
    x: np.ndarray,
    W_xh: np.ndarray,
    W_hh: np.ndarray,
    b: np.ndarray,
    h0: np.ndarray | None = None,
) -> np.ndarray:
    """Run :math:`h_t = \\tanh(W_{xh} x_t + W_{hh} h_{t-1} + b)` over a batch of sequences.

    Parameters
    ----------
    x:
        Inputs, shape ``(B, T, D)``.
    W_xh:
        Input-to-hidden weights, shape ``(D, H)`` (Keras' ``kernel``).
    W_hh:
        Hidden-to-hidden weights, shape ``(H, H)`` (Keras' ``recurrent_kernel``).
    b:
        Bias, shape ``(H,)``.
    h0:
        Initial state, shape ``(B, H)``; zeros when omitted.

    Returns
    -------
    numpy.ndarray
        All hidden states :math:`h_1, \\dots, h_T`, shape ``(B, T, H)``.
    """
    x, W_xh, W_hh, b = (as_float_array(n, v) for n, v in (("x", x), ("W_xh", W_xh), ("W_hh", W_hh), ("b", b)))
    check_rank("x", x, 3, "(B, T, D)")
    B, T, D = x.shape
    check_rank("W_xh", W_xh, 2, "(D, H)")
    H = W_xh.shape[1]
    check_shape("W_xh", W_xh, (D, H), "(D, H)")
    check_shape("W_hh", W_hh, (H, H), "(H, H)")
    check_shape("b", b, (H,), "(H,)")
    h = np.zeros((B, H), dtype=np.result_type(x, W_xh)) if h0 is None else as_float_array("h0", h0)
    check_shape("h0", h, (B, H), "(B, H)")
    for name, arr in (("x", x), ("W_xh", W_xh), ("W_hh", W_hh), ("b", b), ("h0", h)):
        check_finite(name, arr)

    xw = x @ W_xh + b  # (B, T, H): the input projections of every step at once
    hs = np.empty((B, T, H), dtype=xw.dtype)
    for t in range(T):
        h = np.tanh(xw[:, t] + h @ W_hh)
        hs[:, t] = h
    return hs
