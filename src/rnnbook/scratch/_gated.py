"""Helpers shared by the gated layers (LSTM, GRU): Keras-style initialisers, input validation and
Keras' masking rule.

Masking (Keras' ``backend.rnn``): at a padded step (``mask[b, t] == False``) the state is carried
over unchanged, and the output is either the previous *output* (Keras' default,
``zero_output_for_mask=False``; zeros before the first real step) or zeros
(``zero_output_for_mask=True``, which Keras forces inside ``Bidirectional``).
"""

from __future__ import annotations

import numpy as np

from ..checks import as_float_array, check_finite, check_rank, check_shape

__all__ = ["validate_inputs", "validate_state", "validate_d_outputs"]


def validate_inputs(
    x: object, mask: object | None, input_dim: int, dtype: np.dtype
) -> tuple[np.ndarray, np.ndarray | None]:
    """Check ``x`` ``(B, T, D)`` and ``mask`` ``(B, T)``; return them as ``dtype`` and bool arrays."""
    x = as_float_array("x", x)
    check_rank("x", x, 3, "(B, T, D)")
    check_shape("x", x, (None, None, input_dim), f"(B, T, D={input_dim})")
    check_finite("x", x)
    x = x.astype(dtype, copy=False)
    if mask is None:
        return x, None
    m = np.asarray(mask)
    check_shape("mask", m, x.shape[:2], "(B, T)")
    if m.dtype != np.bool_:
        if not np.all((m == 0) | (m == 1)):
            raise ValueError("mask must be boolean (or 0/1) with shape (B, T).")
        m = m.astype(bool)
    return x, m


def validate_state(name: str, value: object, batch: int, units: int, dtype: np.dtype) -> np.ndarray:
    """Check one ``(B, H)`` state array; zeros when ``value`` is ``None``."""
    if value is None:
        return np.zeros((batch, units), dtype=dtype)
    arr = as_float_array(name, value)
    check_shape(name, arr, (batch, units), f"(B={batch}, H={units})")
    check_finite(name, arr)
    return arr.astype(dtype, copy=False)


def validate_d_outputs(d_outputs: object, shape: tuple[int, int, int], dtype: np.dtype) -> np.ndarray:
    """Check ∂loss/∂outputs against the forward pass' ``(B, T, H)``."""
    d = as_float_array("d_outputs", d_outputs)
    check_shape("d_outputs", d, shape, "(B, T, H) of the forward outputs")
    check_finite("d_outputs", d)
    return d.astype(dtype, copy=False)


def masked_output_grads(d_outputs: np.ndarray, mask: np.ndarray | None, zero_output_for_mask: bool) -> np.ndarray:
    """∂loss/∂h_t of each step's *freshly computed* state, from ∂loss/∂outputs under Keras' masking rule.

    With ``zero_output_for_mask=False`` a padded step's output is the previous output, so its
    gradient flows back to the last real step before it (and is dropped before the first real
    step, where the output is the constant zero). Returns ``(B, T, H)``; entries at padded steps
    are zero (a padded step computes nothing that reaches the outputs).
    """
    if mask is None:
        return d_outputs
    m = mask[:, :, None].astype(d_outputs.dtype)
    if zero_output_for_mask:
        return d_outputs * m
    out = np.empty_like(d_outputs)
    carry = np.zeros_like(d_outputs[:, 0])
    for t in range(d_outputs.shape[1] - 1, -1, -1):
        g = d_outputs[:, t] + carry
        out[:, t] = m[:, t] * g
        carry = (1 - m[:, t]) * g
    return out


def masked_outputs(states: np.ndarray, mask: np.ndarray | None, zero_output_for_mask: bool) -> np.ndarray:
    """Outputs ``(B, T, H)`` from each step's freshly computed state ``(B, T, H)`` under Keras' masking rule."""
    if mask is None:
        return states
    m = mask[:, :, None]
    if zero_output_for_mask:
        return np.where(m, states, 0)
    out = np.empty_like(states)
    prev = np.zeros_like(states[:, 0])
    for t in range(states.shape[1]):
        prev = np.where(m[:, t], states[:, t], prev)
        out[:, t] = prev
    return out
