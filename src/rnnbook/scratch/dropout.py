"""Dropout for recurrent layers with one mask per sequence, shared across time (Gal & Ghahramani 2016).

Keras' ``LSTM(dropout=p, recurrent_dropout=q)`` (Keras 3, ``LSTMCell`` with ``implementation=1``,
which Keras forces whenever ``recurrent_dropout > 0``) draws, once per call and *before* the time
loop, **four** input masks of shape ``(B, D)`` and **four** recurrent masks of shape ``(B, H)``, one
per gate in the order (i, f, c, o). Each mask is ``keras.random.dropout`` of a tensor of ones:
entries are 0 with probability ``p`` and ``1 / (1 - p)`` otherwise. The same masks then multiply
``x_t`` and ``h_{t-1}`` at every step:

.. math::

    a^k_t = (x_t \\odot m^k) W_k + (h_{t-1} \\odot r^k) U_k + b_k, \\qquad k \\in \\{i, f, c, o\\}.

:class:`VariationalLSTM` runs an :class:`~rnnbook.scratch.lstm.LSTM`'s parameters with given
masks, forward and backward, so it can be checked against Keras with the masks fixed and
gradient-checked like any layer. Padding masks are not supported here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..checks import as_float_array, check_finite, check_rank, check_shape
from ..numerics import sigmoid
from .base import Gradients, validate_d_outputs, validate_inputs, validate_state_pair
from .lstm import LSTM

__all__ = ["VariationalLSTM", "VariationalLSTMCache", "dropout_masks"]

N_GATES = 4  # i, f, c, o


def dropout_masks(
    rng: np.random.Generator,
    count: int,
    shape: tuple[int, int],
    rate: float,
    dtype: type | np.dtype = np.float64,
) -> np.ndarray:
    """``count`` inverted-dropout masks of ``shape`` ``(B, D)``: 0 w.p. ``rate``, else ``1/(1-rate)``.

    Returns ``(count, B, D)``. ``rate = 0`` gives all ones (no dropout).
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    if isinstance(count, bool) or not isinstance(count, (int, np.integer)) or count < 1:
        raise ValueError(f"count must be a positive integer, got {count!r}")
    if len(shape) != 2 or min(shape) < 1:
        raise ValueError(f"shape must be two positive sizes (B, D), got {shape!r}")
    if not (0.0 <= float(rate) < 1.0):
        raise ValueError(f"rate must be in [0, 1), got {rate!r}")
    keep = rng.random((count, *shape)) >= rate
    return keep.astype(dtype) / (1.0 - rate)


def _check_masks(name: str, masks: object | None, B: int, n: int, dtype: np.dtype) -> np.ndarray:
    """``masks`` ``(4, B, n)`` (non-negative, finite) or ones when ``None``."""
    if masks is None:
        return np.ones((N_GATES, B, n), dtype=dtype)
    m = as_float_array(name, masks)
    check_rank(name, m, 3, f"(4, B, {n}): one mask per gate (i, f, c, o)")
    check_shape(name, m, (N_GATES, B, n), f"(4, B={B}, {n})")
    check_finite(name, m)
    if np.any(m < 0):
        raise ValueError(f"{name} must be non-negative (0 or 1/(1-rate) for dropout).")
    return m.astype(dtype, copy=False)


@dataclass
class VariationalLSTMCache:
    """Forward quantities for the backward pass: masks ``(4, B, D)``/``(4, B, H)``, the rest ``(B, T, H)``."""

    x: np.ndarray
    in_masks: np.ndarray
    rec_masks: np.ndarray
    h_prev: np.ndarray
    c_prev: np.ndarray
    i: np.ndarray
    f: np.ndarray
    g: np.ndarray
    o: np.ndarray
    tanh_c: np.ndarray


class VariationalLSTM:
    """An LSTM with per-gate input and recurrent dropout masks fixed over the sequence (Keras semantics).

    Parameters
    ----------
    layer:
        The :class:`~rnnbook.scratch.lstm.LSTM` whose ``params`` are used (shared, not copied).
    """

    def __init__(self, layer: LSTM) -> None:
        if not isinstance(layer, LSTM):
            raise TypeError(f"layer must be an rnnbook.scratch.LSTM, got {type(layer).__name__}")
        self.layer = layer
        self.params = layer.params
        self.input_dim, self.units, self.dtype = layer.input_dim, layer.units, layer.dtype

    def forward(
        self,
        x: np.ndarray,
        in_masks: np.ndarray | None = None,
        rec_masks: np.ndarray | None = None,
        state0: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray], VariationalLSTMCache]:
        """Run over ``x`` ``(B, T, D)`` with masks ``(4, B, D)`` and ``(4, B, H)`` (``None`` = no dropout).

        Returns ``outputs`` ``(B, T, H)``, the final ``(h_T, c_T)`` and the cache.
        """
        self.layer._check_params()
        x, _ = validate_inputs(x, None, self.input_dim, self.dtype)
        B, T, D = x.shape
        H = self.units
        m = _check_masks("in_masks", in_masks, B, D, self.dtype)
        r = _check_masks("rec_masks", rec_masks, B, H, self.dtype)
        h, c = validate_state_pair("state0", state0, B, H, self.dtype, ("h0", "c0"))
        W, U, b = self.params["kernel"], self.params["recurrent_kernel"], self.params["bias"]
        blocks = [slice(k * H, (k + 1) * H) for k in range(N_GATES)]
        # input projection of every step, each gate with its own mask: (B, T, 4H)
        xw = np.concatenate(
            [(x * m[k][:, None]) @ W[:, s] for k, s in enumerate(blocks)], axis=-1
        ) + b
        names = ("h_prev", "c_prev", "i", "f", "g", "o", "tanh_c")
        arr = {k: np.empty((B, T, H), dtype=self.dtype) for k in names}
        outputs = np.empty((B, T, H), dtype=self.dtype)
        for t in range(T):
            rec = [(h * r[k]) @ U[:, s] for k, s in enumerate(blocks)]
            a = xw[:, t] + np.concatenate(rec, axis=-1)
            i, f = sigmoid(a[:, :H]), sigmoid(a[:, H : 2 * H])
            g, o = np.tanh(a[:, 2 * H : 3 * H]), sigmoid(a[:, 3 * H :])
            arr["h_prev"][:, t], arr["c_prev"][:, t] = h, c
            c = f * c + i * g
            tanh_c = np.tanh(c)
            h = o * tanh_c
            for k, v in (("i", i), ("f", f), ("g", g), ("o", o), ("tanh_c", tanh_c)):
                arr[k][:, t] = v
            outputs[:, t] = h
        cache = VariationalLSTMCache(x=x, in_masks=m, rec_masks=r, **arr)
        return outputs, (h, c), cache

    def backward(
        self,
        d_outputs: np.ndarray,
        cache: VariationalLSTMCache,
        d_final_state: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> Gradients:
        """Backpropagation through time with the cached masks; same return value as ``LSTM.backward``."""
        B, T, H = cache.i.shape
        d_out = validate_d_outputs(d_outputs, (B, T, H), self.dtype)
        dh, dc = validate_state_pair("d_final_state", d_final_state, B, H, self.dtype, ("dh", "dc"))
        W, U = self.params["kernel"], self.params["recurrent_kernel"]
        m, r = cache.in_masks, cache.rec_masks
        blocks = [slice(k * H, (k + 1) * H) for k in range(N_GATES)]
        da = np.empty((B, T, 4 * H), dtype=self.dtype)
        for t in range(T - 1, -1, -1):
            i, f, g, o = cache.i[:, t], cache.f[:, t], cache.g[:, t], cache.o[:, t]
            tanh_c = cache.tanh_c[:, t]
            dh_t = d_out[:, t] + dh
            dc_t = dc + dh_t * o * (1 - tanh_c**2)
            da[:, t, :H] = dc_t * g * i * (1 - i)
            da[:, t, H : 2 * H] = dc_t * cache.c_prev[:, t] * f * (1 - f)
            da[:, t, 2 * H : 3 * H] = dc_t * i * (1 - g**2)
            da[:, t, 3 * H :] = dh_t * tanh_c * o * (1 - o)
            dh = sum((da[:, t, s] @ U[:, s].T) * r[k] for k, s in enumerate(blocks))
            dc = dc_t * f
        d_kernel = np.empty_like(W)
        d_rec = np.empty_like(U)
        dx = np.zeros_like(cache.x)
        for k, s in enumerate(blocks):
            xm = cache.x * m[k][:, None]
            hr = cache.h_prev * r[k][:, None]
            d_kernel[:, s] = np.einsum("btd,bth->dh", xm, da[:, :, s])
            d_rec[:, s] = np.einsum("btj,bth->jh", hr, da[:, :, s])
            dx += (da[:, :, s] @ W[:, s].T) * m[k][:, None]
        grads = {"kernel": d_kernel, "recurrent_kernel": d_rec, "bias": da.sum(axis=(0, 1))}
        return Gradients(params=grads, x=dx, state0=(dh, dc))
