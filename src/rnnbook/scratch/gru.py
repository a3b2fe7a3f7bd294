"""The gated recurrent unit (Cho et al. 2014) in NumPy, in both of Keras' variants, with Keras'
parameter layout so weights copy one-to-one into ``keras.layers.GRU``.

Blocks of ``H`` columns in Keras' order **(z, r, h)**: update gate, reset gate, candidate. There is
no output gate and no separate cell state: the state is ``h``.

``reset_after=True`` (Keras' default, the cuDNN form; ``bias`` is ``(2, 3H)``: input bias, recurrent bias):

.. math::

    u_t = U^\\top h_{t-1} + b_{\\text{rec}},\\qquad
    z_t = \\sigma(W_z^\\top x_t + b_z + u^z_t),\\quad r_t = \\sigma(W_r^\\top x_t + b_r + u^r_t),\\\\
    \\tilde h_t = \\tanh(W_h^\\top x_t + b_h + r_t \\odot u^h_t),\\qquad
    h_t = z_t \\odot h_{t-1} + (1 - z_t) \\odot \\tilde h_t.

``reset_after=False`` (Cho et al.'s original; ``bias`` is ``(3H,)``): the reset gate scales
:math:`h_{t-1}` *before* the recurrent product, :math:`\\tilde h_t = \\tanh(W_h^\\top x_t + b_h +
U_h^\\top (r_t \\odot h_{t-1}))`.

Convention: Keras (and this module) keep the old state with weight :math:`z_t`. Cho et al. (2014)
write :math:`h_t = z_t \\odot h_{t-1} + (1 - z_t) \\odot \\tilde h_t` as well, but Chung et al.
(2014) and many texts write :math:`h_t = (1 - z_t) \\odot h_{t-1} + z_t \\odot \\tilde h_t`; the two
differ only by :math:`z \\leftrightarrow 1 - z` (equivalently, by negating the update gate's
weights and bias).
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
    validate_state,
)
from .init import recurrent_weights

__all__ = ["GRU", "GRUCache"]


@dataclass
class GRUCache:
    """What :meth:`GRU.forward` keeps; every array is ``(B, T, H)`` unless noted.

    ``z``, ``r``, ``n`` are the update gate, reset gate and candidate :math:`\\tilde h`; ``h_prev``
    the state each step started from; ``u_h`` the recurrent term that the reset gate multiplies
    (``U_h^T h_{t-1} + b_rec,h`` when ``reset_after``, else unused and empty). ``x`` is
    ``(B, T, D)``, ``mask`` ``(B, T)`` or ``None``; ``reset_after`` the variant that made it.
    """

    x: np.ndarray
    mask: np.ndarray | None
    h_prev: np.ndarray
    z: np.ndarray
    r: np.ndarray
    n: np.ndarray
    u_h: np.ndarray
    reset_after: bool = True

    def activations(self) -> dict[str, np.ndarray]:
        """Gate activations over time for plotting: ``{"z", "r", "n", "h"}``, each ``(B, T, H)``.

        ``h`` is the freshly computed state :math:`z \\odot h_{t-1} + (1 - z) \\odot \\tilde h`.
        """
        h = self.z * self.h_prev + (1 - self.z) * self.n
        return {"z": self.z, "r": self.r, "n": self.n, "h": h}


class GRU:
    """A GRU layer that follows :mod:`rnnbook.scratch.base` and Keras' layout.

    Parameters
    ----------
    input_dim, units:
        ``D`` and ``H``.
    rng:
        Generator for the initial weights (Glorot-uniform ``kernel``, orthogonal
        ``recurrent_kernel``, zero ``bias``, as Keras).
    dtype:
        Parameter and computation dtype; inputs are converted to it.
    reset_after:
        ``True``: Keras/cuDNN variant, ``bias`` ``(2, 3H)``, reset gate applied to the recurrent
        product. ``False``: Cho et al. (2014), ``bias`` ``(3H,)``, reset gate applied to
        :math:`h_{t-1}` before the product.
    zero_output_for_mask:
        Output zeros at padded steps instead of repeating the previous output (as Keras).

    Attributes
    ----------
    params:
        ``kernel`` ``(D, 3H)``, ``recurrent_kernel`` ``(H, 3H)``, ``bias`` ``(2, 3H)`` or ``(3H,)``;
        column blocks in the order (z, r, h).
    """

    gate_names: tuple[str, ...] = ("z", "r", "h")

    def __init__(
        self,
        input_dim: int,
        units: int,
        *,
        rng: np.random.Generator,
        dtype: type | np.dtype = np.float64,
        reset_after: bool = True,
        zero_output_for_mask: bool = False,
    ) -> None:
        self.input_dim, self.units = check_sizes(input_dim, units)
        self.dtype = np.dtype(dtype)
        self.reset_after = bool(reset_after)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.params = recurrent_weights(rng, self.input_dim, self.units, 3, self.dtype, self._bias_shape())

    def _bias_shape(self) -> tuple[int, ...]:
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def _check_params(self) -> None:
        D, H = self.input_dim, self.units
        check_param_shapes(self.params, {"kernel": (D, 3 * H), "recurrent_kernel": (H, 3 * H), "bias": self._bias_shape()})

    def forward(
        self, x: np.ndarray, state0: np.ndarray | None = None, mask: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray, GRUCache]:
        """Run the layer over ``x`` ``(B, T, D)`` from ``state0`` ``(B, H)`` (zeros if ``None``).

        Returns ``outputs`` ``(B, T, H)``, the final state ``(B, H)`` and the cache.
        """
        self._check_params()
        x, mask = validate_inputs(x, mask, self.input_dim, self.dtype)
        B, T, _ = x.shape
        H = self.units
        h = validate_state("state0", state0, B, H, self.dtype)
        W, U, b = self.params["kernel"], self.params["recurrent_kernel"], self.params["bias"]
        b_in, b_rec = (b[0], b[1]) if self.reset_after else (b, None)

        xw = x @ W + b_in  # (B, T, 3H)
        keys = ("h_prev", "z", "r", "n", "u_h")
        arrays = {k: np.empty((B, T, H), dtype=self.dtype) for k in keys}
        if not self.reset_after:
            arrays["u_h"] = np.empty((B, T, 0), dtype=self.dtype)
        fresh_h = np.empty((B, T, H), dtype=self.dtype)
        for t in range(T):
            if self.reset_after:
                u = h @ U + b_rec  # one (H, 3H) product for all three blocks, as cuDNN does
                z = sigmoid(xw[:, t, :H] + u[:, :H])
                r = sigmoid(xw[:, t, H : 2 * H] + u[:, H : 2 * H])
                u_h = u[:, 2 * H :]
                n = np.tanh(xw[:, t, 2 * H :] + r * u_h)
                arrays["u_h"][:, t] = u_h
            else:
                u = h @ U[:, : 2 * H]
                z = sigmoid(xw[:, t, :H] + u[:, :H])
                r = sigmoid(xw[:, t, H : 2 * H] + u[:, H:])
                n = np.tanh(xw[:, t, 2 * H :] + (r * h) @ U[:, 2 * H :])
            h_new = z * h + (1 - z) * n
            for k, v in (("h_prev", h), ("z", z), ("r", r), ("n", n)):
                arrays[k][:, t] = v
            fresh_h[:, t] = h_new
            h = h_new if mask is None else np.where(mask[:, t, None], h_new, h)
        outputs = masked_outputs(fresh_h, mask, self.zero_output_for_mask)
        return outputs, h, GRUCache(x=x, mask=mask, **arrays, reset_after=self.reset_after)

    def backward(self, d_outputs: np.ndarray, cache: GRUCache, d_final_state: np.ndarray | None = None) -> Gradients:
        """Backpropagation through time.

        ``d_outputs`` ``(B, T, H)`` is ∂loss/∂outputs, ``d_final_state`` optionally ∂loss/∂h_T
        ``(B, H)``. Returns the gradients of ``kernel``, ``recurrent_kernel``, ``bias``, of ``x``
        ``(B, T, D)`` and of ``h0`` ``(B, H)``.
        """
        check_cache(cache, GRUCache, "GRU", reset_after=self.reset_after)
        B, T, H = cache.z.shape
        d_out = validate_d_outputs(d_outputs, (B, T, H), self.dtype)
        d_fresh = masked_output_grads(d_out, cache.mask, self.zero_output_for_mask)
        dh = validate_state("d_final_state", d_final_state, B, H, self.dtype)
        W, U = self.params["kernel"], self.params["recurrent_kernel"]

        dxa = np.empty((B, T, 3 * H), dtype=self.dtype)  # ∂loss/∂(input projections x W + b_in)
        dua = np.empty((B, T, 3 * H), dtype=self.dtype)  # ∂loss/∂(recurrent products)
        for t in range(T - 1, -1, -1):
            if cache.mask is None:
                dh_t, dh_skip = d_fresh[:, t] + dh, 0.0
            else:
                m = cache.mask[:, t, None]
                dh_t, dh_skip = d_fresh[:, t] + np.where(m, dh, 0), np.where(m, 0, dh)
            z, r, n, h_prev = cache.z[:, t], cache.r[:, t], cache.n[:, t], cache.h_prev[:, t]
            dz = dh_t * (h_prev - n)
            dn_pre = dh_t * (1 - z) * (1 - n**2)  # ∂/∂(argument of tanh)
            dh_prev = dh_t * z
            dz_pre = dz * z * (1 - z)
            if self.reset_after:
                dr_pre = dn_pre * cache.u_h[:, t] * r * (1 - r)
                dxa[:, t] = np.concatenate([dz_pre, dr_pre, dn_pre], axis=1)
                dua[:, t] = np.concatenate([dz_pre, dr_pre, dn_pre * r], axis=1)
                dh_prev = dh_prev + dua[:, t] @ U.T
            else:
                d_rh = dn_pre @ U[:, 2 * H :].T  # ∂/∂(r ⊙ h_prev)
                dr_pre = d_rh * h_prev * r * (1 - r)
                dxa[:, t] = np.concatenate([dz_pre, dr_pre, dn_pre], axis=1)
                dua[:, t] = dxa[:, t]
                dh_prev = dh_prev + d_rh * r + dua[:, t, : 2 * H] @ U[:, : 2 * H].T
            dh = dh_prev + dh_skip
        if self.reset_after:
            dU = np.einsum("bth,btk->hk", cache.h_prev, dua)
            db = np.stack([dxa.sum(axis=(0, 1)), dua.sum(axis=(0, 1))])
        else:
            dU = np.concatenate(
                [
                    np.einsum("bth,btk->hk", cache.h_prev, dua[:, :, : 2 * H]),
                    np.einsum("bth,btk->hk", cache.r * cache.h_prev, dua[:, :, 2 * H :]),
                ],
                axis=1,
            )
            db = dxa.sum(axis=(0, 1))
        grads = {"kernel": np.einsum("btd,btk->dk", cache.x, dxa), "recurrent_kernel": dU, "bias": db}
        return Gradients(params=grads, x=dxa @ W.T, state0=dh)
