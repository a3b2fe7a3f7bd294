"""The vanilla (Elman) RNN in NumPy: the forward recurrence and a layer with backpropagation through time."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..checks import as_float_array, check_finite, check_mask, check_rank, check_shape
from .base import (
    Gradients,
    check_cache,
    check_sizes,
    masked_output_grads,
    masked_outputs,
    validate_d_outputs,
    validate_inputs,
    validate_state,
)
from .init import recurrent_weights

__all__ = ["SimpleRNN", "SimpleRNNCache", "simple_rnn_forward", "simple_rnn_steps"]


def simple_rnn_forward(
    x: np.ndarray,
    W_xh: np.ndarray,
    W_hh: np.ndarray,
    b: np.ndarray,
    h0: np.ndarray | None = None,
    *,
    mask: np.ndarray | None = None,
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
    mask:
        Optional, shape ``(B, T)``, ``True`` for real steps. At a padded step the state is carried
        over unchanged: :math:`h_t = h_{t-1}`.

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
    keep = None if mask is None else check_mask("mask", mask, B, T)[:, :, None]  # (B, T, 1)
    return simple_rnn_steps(x, W_xh, W_hh, b, h, keep)


def simple_rnn_steps(
    x: np.ndarray, W_xh: np.ndarray, W_hh: np.ndarray, b: np.ndarray, h: np.ndarray, keep: np.ndarray | None
) -> np.ndarray:
    """The recurrence :math:`h_t = \\tanh(W_{xh} x_t + W_{hh} h_{t-1} + b)` on checked arrays (see
    :func:`simple_rnn_forward`, which validates them): ``x`` ``(B, T, D)``, ``h`` the initial state
    ``(B, H)``, ``keep`` ``(B, T, 1)`` booleans or ``None``. Returns ``(B, T, H)``."""
    T = x.shape[1]

    # The input projections of every step at once, stored time-major (T, B, H) so that each step
    # reads and writes one contiguous block.
    xw = np.ascontiguousarray(np.swapaxes(x @ W_xh + b, 0, 1))
    hs = np.empty_like(xw)
    for t in range(T):
        h_new = np.tanh(xw[t] + h @ W_hh)
        h = h_new if keep is None else np.where(keep[:, t], h_new, h)
        hs[t] = h
    return np.swapaxes(hs, 0, 1)  # (B, T, H)


@dataclass
class SimpleRNNCache:
    """What :meth:`SimpleRNN.forward` keeps for the backward pass.

    ``x`` ``(B, T, D)``; ``h0`` ``(B, H)``; ``states`` ``(B, T, H)``: the carried states
    :math:`h_1..h_T` (at padded steps a copy of the previous one); ``mask`` ``(B, T)`` bool or ``None``.
    """

    x: np.ndarray
    h0: np.ndarray
    states: np.ndarray
    mask: np.ndarray | None


class SimpleRNN:
    """Vanilla RNN layer, :math:`h_t = \\tanh(x_t W_{xh} + h_{t-1} W_{hh} + b)`, following :mod:`.base`.

    Parameters live in ``self.params`` with Keras' names and layout: ``kernel`` ``(D, H)``,
    ``recurrent_kernel`` ``(H, H)``, ``bias`` ``(H,)``; they can be copied into
    ``keras.layers.SimpleRNN`` one-to-one. Initialisation follows Keras: Glorot-uniform kernel,
    orthogonal recurrent kernel, zero bias. Inputs and states are converted to ``dtype``.
    ``zero_output_for_mask``: output zeros at padded steps instead of repeating the previous output
    (Keras' argument of the same name; the default ``False`` is Keras' default).
    """

    def __init__(
        self,
        input_dim: int,
        units: int,
        *,
        rng: np.random.Generator,
        dtype: type = np.float64,
        zero_output_for_mask: bool = False,
    ) -> None:
        self.input_dim, self.units = check_sizes(input_dim, units)
        self.dtype = np.dtype(dtype)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.params = recurrent_weights(rng, self.input_dim, self.units, 1, self.dtype)

    def initial_state(self, batch_size: int) -> np.ndarray:
        """Zeros of shape ``(B, H)``."""
        return np.zeros((batch_size, self.units), dtype=self.dtype)

    def forward(
        self, x: np.ndarray, state0: np.ndarray | None = None, mask: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray, SimpleRNNCache]:
        """Run the layer over ``x`` ``(B, T, D)``.

        Returns ``outputs`` ``(B, T, H)`` (at padded steps the previous output, or zeros with
        ``zero_output_for_mask``), ``final_state`` ``(B, H)`` (the state after the last real step of
        each sequence) and the cache for :meth:`backward`.
        """
        x, m = validate_inputs(x, mask, self.input_dim, self.dtype)
        B, T, _ = x.shape
        h0 = validate_state("state0", state0, B, self.units, self.dtype)
        p = self.params
        states = simple_rnn_forward(x, p["kernel"], p["recurrent_kernel"], p["bias"], h0, mask=m)
        outputs = masked_outputs(states, m, self.zero_output_for_mask)
        final = states[:, -1] if T else h0
        return outputs, final, SimpleRNNCache(x, h0, states, m)

    def backward(
        self, d_outputs: np.ndarray, cache: SimpleRNNCache, d_final_state: np.ndarray | None = None
    ) -> Gradients:
        """Backpropagation through time.

        With :math:`\\delta_t = \\partial L / \\partial h_t` (all paths), the recursion run from
        :math:`t = T` down to 1 is
        :math:`\\delta_t = \\partial L/\\partial o_t + (\\delta_{t+1} \\odot (1 - h_{t+1}^2)) W_{hh}^\\top`,
        and the parameter gradients are sums over time of :math:`z_t`'s gradient
        :math:`g_t = \\delta_t \\odot (1 - h_t^2)`: ``kernel`` :math:`\\sum_t x_t^\\top g_t`,
        ``recurrent_kernel`` :math:`\\sum_t h_{t-1}^\\top g_t`, ``bias`` :math:`\\sum_t g_t`.
        At padded steps the state is copied, so :math:`\\delta` passes through unchanged.

        ``d_outputs`` ``(B, T, H)``; ``d_final_state`` ``(B, H)`` or ``None``.
        """
        check_cache(cache, SimpleRNNCache, "SimpleRNN")
        x, h0, states, m = cache.x, cache.h0, cache.states, cache.mask
        B, T, H = states.shape
        d_outputs = validate_d_outputs(d_outputs, (B, T, H), self.dtype)
        # ∂L/∂(each real step's new state): a repeated output sends its gradient to the step it repeats.
        d_outputs = masked_output_grads(d_outputs, m, self.zero_output_for_mask)
        carry = validate_state("d_final_state", d_final_state, B, H, self.dtype)
        keep = None if m is None else np.swapaxes(m, 0, 1)[:, :, None].astype(states.dtype)  # (T, B, 1)
        W_hh_T = self.params["recurrent_kernel"].T
        S = np.ascontiguousarray(np.swapaxes(states, 0, 1))  # time-major (T, B, H), contiguous per step
        dO = np.ascontiguousarray(np.swapaxes(d_outputs, 0, 1))
        dtanh = 1.0 - S * S  # tanh'(z_t) = 1 - h_t² (at real steps, where it is used)
        dz = np.empty_like(S)  # (T, B, H): ∂L/∂z_t, the gradient of the pre-activation
        for t in range(T - 1, -1, -1):
            if keep is None:
                delta = dO[t] + carry  # δ_t = ∂L/∂o_t + what flows back from step t+1
                dz[t] = delta * dtanh[t]
                carry = dz[t] @ W_hh_T
            else:  # padded step: h_t = h_{t-1}, so δ passes through to h_{t-1} unchanged
                k = keep[t]
                delta = k * dO[t] + carry
                dz[t] = k * delta * dtanh[t]
                carry = (1.0 - k) * delta + dz[t] @ W_hh_T
        h_prev = np.concatenate([h0[None], S[:-1]], axis=0)  # (T, B, H): h_0..h_{T-1}
        dz2 = dz.reshape(T * B, H)  # sums over time and batch as one matrix product each (BLAS)
        x_tm = np.swapaxes(x, 0, 1).reshape(T * B, -1)
        grads = {
            "kernel": x_tm.T @ dz2,
            "recurrent_kernel": h_prev.reshape(T * B, H).T @ dz2,
            "bias": dz2.sum(axis=0),
        }
        d_x = np.swapaxes(dz @ self.params["kernel"].T, 0, 1)  # (B, T, D)
        return Gradients(params=grads, x=d_x, state0=carry)
