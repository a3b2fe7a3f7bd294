"""The long short-term memory layer (Hochreiter & Schmidhuber 1997, with the forget gate of Gers et
al. 2000) in NumPy, with Keras' parameter layout so weights copy one-to-one into ``keras.layers.LSTM``.

One step, with :math:`a_t = W^\\top x_t + U^\\top h_{t-1} + b` split into four blocks of ``H``
columns in Keras' order **(i, f, c, o)**:

.. math::

    i_t = \\sigma(a^i_t),\\quad f_t = \\sigma(a^f_t),\\quad g_t = \\tanh(a^c_t),\\quad o_t = \\sigma(a^o_t),\\\\
    c_t = f_t \\odot c_{t-1} + i_t \\odot g_t,\\qquad h_t = o_t \\odot \\tanh(c_t).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..numerics import sigmoid
from .base import (
    Gradients,
    check_cache,
    check_param_shapes,
    check_sizes,
    masked_output_grads,
    masked_outputs,
    validate_d_outputs,
    validate_inputs,
    validate_state_pair,
)
from .init import recurrent_weights

__all__ = ["LSTM", "LSTMCache", "cell_state_gradients"]


@dataclass
class LSTMCache:
    """What :meth:`LSTM.forward` keeps for the backward pass; every array is ``(B, T, H)`` unless noted.

    ``i``, ``f``, ``g``, ``o`` are the input gate, forget gate, candidate (``tanh``) and output gate
    of every step; ``c`` the freshly computed cell state and ``tanh_c`` its ``tanh``; ``h_prev`` and
    ``c_prev`` the state each step started from. ``x`` is ``(B, T, D)``, ``mask`` ``(B, T)`` or
    ``None``. At padded steps the gates are computed (as in Keras) but not used.
    """

    x: np.ndarray
    mask: np.ndarray | None
    h_prev: np.ndarray
    c_prev: np.ndarray
    i: np.ndarray
    f: np.ndarray
    g: np.ndarray
    o: np.ndarray
    c: np.ndarray
    tanh_c: np.ndarray

    def activations(self) -> dict[str, np.ndarray]:
        """Gate and cell activations over time for plotting: ``{"i", "f", "g", "o", "c", "h"}``, each ``(B, T, H)``.

        ``h`` is ``o ⊙ tanh(c)``, the freshly computed hidden state of every step.
        """
        return {"i": self.i, "f": self.f, "g": self.g, "o": self.o, "c": self.c, "h": self.o * self.tanh_c}


class LSTM:
    """An LSTM layer that follows :mod:`rnnbook.scratch.base` and Keras' layout.

    Parameters
    ----------
    input_dim, units:
        ``D`` and ``H``.
    rng:
        Generator for the initial weights (Keras' defaults: Glorot-uniform ``kernel``, orthogonal
        ``recurrent_kernel``, zero ``bias``).
    dtype:
        Parameter and computation dtype; inputs are converted to it.
    unit_forget_bias:
        Start the forget-gate bias at 1 (Keras' default, after Jozefowicz et al. 2015), so that the
        untrained cell remembers.
    zero_output_for_mask:
        Output zeros at padded steps instead of repeating the previous output (Keras' argument of
        the same name; Keras' default is ``False``).

    Attributes
    ----------
    params:
        ``kernel`` ``(D, 4H)``, ``recurrent_kernel`` ``(H, 4H)``, ``bias`` ``(4H,)``; the four
        ``H``-column blocks are the gates in the order (i, f, c, o).
    """

    gate_names: tuple[str, ...] = ("i", "f", "c", "o")

    def __init__(
        self,
        input_dim: int,
        units: int,
        *,
        rng: np.random.Generator,
        dtype: type | np.dtype = np.float64,
        unit_forget_bias: bool = True,
        zero_output_for_mask: bool = False,
    ) -> None:
        self.input_dim, self.units = check_sizes(input_dim, units)
        self.dtype = np.dtype(dtype)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        H = self.units
        self.params = recurrent_weights(rng, self.input_dim, H, 4, self.dtype)
        if unit_forget_bias:
            self.params["bias"][H : 2 * H] = 1.0

    def _check_params(self) -> None:
        D, H = self.input_dim, self.units
        check_param_shapes(self.params, {"kernel": (D, 4 * H), "recurrent_kernel": (H, 4 * H), "bias": (4 * H,)})

    def forward(
        self,
        x: np.ndarray,
        state0: tuple[np.ndarray, np.ndarray] | None = None,
        mask: np.ndarray | None = None,
    ) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray], LSTMCache]:
        """Run the layer over ``x`` ``(B, T, D)`` from ``state0 = (h0, c0)`` (each ``(B, H)``; zeros if ``None``).

        Returns ``outputs`` ``(B, T, H)``, the final state ``(h_T, c_T)`` and the cache.
        """
        self._check_params()
        x, mask = validate_inputs(x, mask, self.input_dim, self.dtype)
        B, T, _ = x.shape
        H = self.units
        h, c = validate_state_pair("state0", state0, B, H, self.dtype, ("h0", "c0"))
        W, U, b = self.params["kernel"], self.params["recurrent_kernel"], self.params["bias"]

        xw = x @ W + b  # (B, T, 4H): input projections of all steps in one matrix product
        arrays = {k: np.empty((B, T, H), dtype=self.dtype) for k in ("h_prev", "c_prev", "i", "f", "g", "o", "c", "tanh_c")}
        fresh_h = np.empty((B, T, H), dtype=self.dtype)
        for t in range(T):
            a = xw[:, t] + h @ U
            i, f = sigmoid(a[:, :H]), sigmoid(a[:, H : 2 * H])
            g, o = np.tanh(a[:, 2 * H : 3 * H]), sigmoid(a[:, 3 * H :])
            c_new = f * c + i * g
            tanh_c = np.tanh(c_new)
            h_new = o * tanh_c
            for k, v in (("h_prev", h), ("c_prev", c), ("i", i), ("f", f), ("g", g), ("o", o), ("c", c_new), ("tanh_c", tanh_c)):
                arrays[k][:, t] = v
            fresh_h[:, t] = h_new
            if mask is None:
                h, c = h_new, c_new
            else:  # padded step: carry the state over unchanged
                m = mask[:, t, None]
                h, c = np.where(m, h_new, h), np.where(m, c_new, c)
        outputs = masked_outputs(fresh_h, mask, self.zero_output_for_mask)
        return outputs, (h, c), LSTMCache(x=x, mask=mask, **arrays)

    def backward(
        self,
        d_outputs: np.ndarray,
        cache: LSTMCache,
        d_final_state: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> Gradients:
        """Backpropagation through time.

        ``d_outputs`` ``(B, T, H)`` is ∂loss/∂outputs; ``d_final_state`` optionally
        ``(∂loss/∂h_T, ∂loss/∂c_T)``. Returns the gradients of ``kernel``, ``recurrent_kernel``,
        ``bias``, of ``x`` ``(B, T, D)`` and of ``(h0, c0)``.
        """
        check_cache(cache, LSTMCache, "LSTM")
        B, T, H = cache.i.shape
        d_out = validate_d_outputs(d_outputs, (B, T, H), self.dtype)
        d_fresh = masked_output_grads(d_out, cache.mask, self.zero_output_for_mask)
        dh, dc = validate_state_pair("d_final_state", d_final_state, B, H, self.dtype, ("dh", "dc"))
        W, U = self.params["kernel"], self.params["recurrent_kernel"]

        da = np.empty((B, T, 4 * H), dtype=self.dtype)  # ∂loss/∂(pre-activations) of every step
        for t in range(T - 1, -1, -1):
            if cache.mask is None:
                dh_t, dc_t = d_fresh[:, t] + dh, dc
                dh_skip = dc_skip = 0.0
            else:
                m = cache.mask[:, t, None]
                dh_t, dc_t = d_fresh[:, t] + np.where(m, dh, 0), np.where(m, dc, 0)
                dh_skip, dc_skip = np.where(m, 0, dh), np.where(m, 0, dc)
            i, f, g, o, tanh_c = cache.i[:, t], cache.f[:, t], cache.g[:, t], cache.o[:, t], cache.tanh_c[:, t]
            do = dh_t * tanh_c
            dc_t = dc_t + dh_t * o * (1 - tanh_c**2)
            da[:, t, :H] = dc_t * g * i * (1 - i)
            da[:, t, H : 2 * H] = dc_t * cache.c_prev[:, t] * f * (1 - f)
            da[:, t, 2 * H : 3 * H] = dc_t * i * (1 - g**2)
            da[:, t, 3 * H :] = do * o * (1 - o)
            dh = da[:, t] @ U.T + dh_skip
            dc = dc_t * f + dc_skip
        grads = {
            "kernel": np.einsum("btd,btk->dk", cache.x, da),
            "recurrent_kernel": np.einsum("bth,btk->hk", cache.h_prev, da),
            "bias": da.sum(axis=(0, 1)),
        }
        return Gradients(params=grads, x=da @ W.T, state0=(dh, dc))

    @staticmethod
    def forget_products(f: np.ndarray) -> np.ndarray:
        """:math:`\\partial c_T / \\partial c_t` along the cell path alone: :math:`\\prod_{s=t+1}^{T} f_s`.

        ``f`` is the forget gate ``(B, T, H)`` from the cache; returns ``(B, T, H)`` whose entry
        ``t`` is the product of the forget gates after step ``t`` (1 at the last step). This is
        the Jacobian of :math:`c_T` w.r.t. :math:`c_t` when ``i``, ``f``, ``g`` are held fixed
        (the additive "constant error carousel"); the full Jacobian adds paths through
        :math:`h`.
        """
        rev = np.cumprod(f[:, :0:-1], axis=1)[:, ::-1]  # products f_{t+1} ... f_T for t = 0..T-2
        return np.concatenate([rev, np.ones_like(f[:, :1])], axis=1)


def cell_state_gradients(layer: LSTM, x: np.ndarray) -> np.ndarray:
    """∂(Σ_j c_{T,j}) / ∂c_t for every step ``t``: how much the final cell state depends on each earlier one.

    Computed through *all* paths (the cell path and the paths through :math:`h` and the gates) by
    restarting the layer from each step's state ``(h_t, c_t)`` and backpropagating
    ``d_final_state = (0, 1)``. ``x`` is ``(B, T, D)``; returns ``(B, T, H)`` whose entry ``t`` is
    the gradient w.r.t. the cell state after step ``t`` (the last entry is all ones). Costs
    ``T`` forward/backward passes: meant for short analyses, not training.
    """
    _, _, cache = layer.forward(x)
    B, T, H = cache.c.shape
    ones, zeros = np.ones((B, H), dtype=layer.dtype), np.zeros((B, H), dtype=layer.dtype)
    out = np.empty((B, T, H), dtype=layer.dtype)
    out[:, -1] = 1.0
    h_after = cache.o * cache.tanh_c
    for t in range(T - 1):
        outputs, _, sub = layer.forward(x[:, t + 1 :], (h_after[:, t], cache.c[:, t]))
        out[:, t] = layer.backward(np.zeros_like(outputs), sub, (zeros, ones)).state0[1]
    return out
