"""A layer-normalised LSTM (Ba, Kiros & Hinton 2016, section 3.1 / appendix) in NumPy.

Layer normalisation rescales a vector to zero mean and unit variance over its features, then applies
a learned gain: :math:`\\mathrm{LN}(z; \\gamma) = \\gamma \\odot (z - \\mu(z)) / \\sqrt{\\sigma^2(z) +
\\epsilon}`. In the LSTM the input and recurrent contributions to the ``4H`` pre-activations are
normalised separately, and so is the cell state before its ``tanh``:

.. math::

    a_t = \\mathrm{LN}(x_t W; \\gamma_x) + \\mathrm{LN}(h_{t-1} U; \\gamma_h) + b,\\\\
    c_t = \\sigma(a^f_t) \\odot c_{t-1} + \\sigma(a^i_t) \\odot \\tanh(a^c_t),\\qquad
    h_t = \\sigma(a^o_t) \\odot \\tanh(\\gamma_c \\odot \\hat c_t + \\beta_c),

with :math:`\\hat c_t` the normalised cell state. The shift terms of the two first normalisations
are folded into ``b``. Gates in Keras' order (i, f, c, o). No padding masks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..numerics import sigmoid
from .base import Gradients, check_param_shapes, check_sizes, validate_d_outputs, validate_inputs, validate_state_pair
from .init import recurrent_weights

__all__ = ["LayerNormLSTM", "LayerNormLSTMCache", "layer_norm", "layer_norm_backward"]


def layer_norm(z: np.ndarray, eps: float) -> tuple[np.ndarray, np.ndarray]:
    """Normalise over the last axis: returns ``(ẑ, 1/σ)`` with ``ẑ`` of ``z``'s shape, ``1/σ`` one axis less."""
    mu = z.mean(axis=-1, keepdims=True)
    inv = 1.0 / np.sqrt(z.var(axis=-1, keepdims=True) + eps)
    return (z - mu) * inv, inv[..., 0]


def layer_norm_backward(d_zhat: np.ndarray, zhat: np.ndarray, inv: np.ndarray) -> np.ndarray:
    """∂loss/∂z from ∂loss/∂ẑ for ``ẑ = (z - μ)/σ`` (all over the last axis)."""
    mean_d = d_zhat.mean(axis=-1, keepdims=True)
    mean_dz = (d_zhat * zhat).mean(axis=-1, keepdims=True)
    return inv[..., None] * (d_zhat - mean_d - zhat * mean_dz)


@dataclass
class LayerNormLSTMCache:
    """Forward quantities: normalised projections ``(B, T, 4H)`` and their ``1/σ`` ``(B, T)``, the rest ``(B, T, H)``."""

    x: np.ndarray
    xhat: np.ndarray
    inv_x: np.ndarray
    hhat: np.ndarray
    inv_h: np.ndarray
    h_prev: np.ndarray
    c_prev: np.ndarray
    i: np.ndarray
    f: np.ndarray
    g: np.ndarray
    o: np.ndarray
    chat: np.ndarray
    inv_c: np.ndarray
    tanh_y: np.ndarray


class LayerNormLSTM:
    """LN-LSTM layer with the :mod:`rnnbook.scratch.base` contract (no ``mask`` argument).

    ``params``: ``kernel`` ``(D, 4H)``, ``recurrent_kernel`` ``(H, 4H)``, ``bias`` ``(4H,)`` (forget
    block 1), gains ``gamma_x``, ``gamma_h`` ``(4H,)`` (ones), ``gamma_c`` ``(H,)`` (ones) and shift
    ``beta_c`` ``(H,)`` (zeros). ``eps`` is added to the variance.
    """

    def __init__(
        self,
        input_dim: int,
        units: int,
        *,
        rng: np.random.Generator,
        dtype: type | np.dtype = np.float64,
        eps: float = 1e-5,
    ) -> None:
        input_dim, units = check_sizes(input_dim, units)
        if not eps > 0:
            raise ValueError(f"eps must be positive, got {eps!r}")
        self.input_dim, self.units, self.dtype = int(input_dim), int(units), np.dtype(dtype)
        self.eps = float(eps)
        H = self.units
        self.params = recurrent_weights(rng, self.input_dim, H, 4, self.dtype)
        self.params["bias"][H : 2 * H] = 1.0  # as the LSTM's unit_forget_bias
        self.params |= {
            "gamma_x": np.ones(4 * H, dtype=self.dtype),
            "gamma_h": np.ones(4 * H, dtype=self.dtype),
            "gamma_c": np.ones(H, dtype=self.dtype),
            "beta_c": np.zeros(H, dtype=self.dtype),
        }

    def _check_params(self) -> None:
        D, H = self.input_dim, self.units
        shapes = {"kernel": (D, 4 * H), "recurrent_kernel": (H, 4 * H), "bias": (4 * H,)}
        shapes |= {"gamma_x": (4 * H,), "gamma_h": (4 * H,), "gamma_c": (H,), "beta_c": (H,)}
        check_param_shapes(self.params, shapes)

    def forward(
        self,
        x: np.ndarray,
        state0: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray], LayerNormLSTMCache]:
        """Run over ``x`` ``(B, T, D)`` from ``(h0, c0)`` (zeros if ``None``); returns outputs ``(B, T, H)``, final state, cache."""
        self._check_params()
        x, _ = validate_inputs(x, None, self.input_dim, self.dtype)
        B, T, _ = x.shape
        H, p = self.units, self.params
        h, c = validate_state_pair("state0", state0, B, H, self.dtype, ("h0", "c0"))
        xhat, inv_x = layer_norm(x @ p["kernel"], self.eps)  # all steps at once
        xin = p["gamma_x"] * xhat + p["bias"]
        a4 = {k: np.empty((B, T, 4 * H), dtype=self.dtype) for k in ("hhat",)}
        a1 = {k: np.empty((B, T, H), dtype=self.dtype) for k in ("h_prev", "c_prev", "i", "f", "g", "o", "chat", "tanh_y")}
        inv_h = np.empty((B, T), dtype=self.dtype)
        inv_c = np.empty((B, T), dtype=self.dtype)
        outputs = np.empty((B, T, H), dtype=self.dtype)
        for t in range(T):
            a1["h_prev"][:, t], a1["c_prev"][:, t] = h, c
            hhat, inv_h[:, t] = layer_norm(h @ p["recurrent_kernel"], self.eps)
            a = xin[:, t] + p["gamma_h"] * hhat
            i, f = sigmoid(a[:, :H]), sigmoid(a[:, H : 2 * H])
            g, o = np.tanh(a[:, 2 * H : 3 * H]), sigmoid(a[:, 3 * H :])
            c = f * c + i * g
            chat, inv_c[:, t] = layer_norm(c, self.eps)
            tanh_y = np.tanh(p["gamma_c"] * chat + p["beta_c"])
            h = o * tanh_y
            a4["hhat"][:, t] = hhat
            for k, v in (("i", i), ("f", f), ("g", g), ("o", o), ("chat", chat), ("tanh_y", tanh_y)):
                a1[k][:, t] = v
            outputs[:, t] = h
        cache = LayerNormLSTMCache(x=x, xhat=xhat, inv_x=inv_x, inv_h=inv_h, inv_c=inv_c, **a4, **a1)
        return outputs, (h, c), cache

    def backward(
        self,
        d_outputs: np.ndarray,
        cache: LayerNormLSTMCache,
        d_final_state: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> Gradients:
        """Backpropagation through time; gradients of every parameter, of ``x`` and of ``(h0, c0)``."""
        B, T, H = cache.i.shape
        p = self.params
        d_out = validate_d_outputs(d_outputs, (B, T, H), self.dtype)
        dh, dc = validate_state_pair("d_final_state", d_final_state, B, H, self.dtype, ("dh", "dc"))
        g_ = {k: np.zeros_like(v) for k, v in p.items()}
        da = np.empty((B, T, 4 * H), dtype=self.dtype)
        for t in range(T - 1, -1, -1):
            i, f, g, o = cache.i[:, t], cache.f[:, t], cache.g[:, t], cache.o[:, t]
            tanh_y, chat = cache.tanh_y[:, t], cache.chat[:, t]
            dh_t = d_out[:, t] + dh
            dy = dh_t * o * (1 - tanh_y**2)
            g_["gamma_c"] += (dy * chat).sum(axis=0)
            g_["beta_c"] += dy.sum(axis=0)
            dc_t = dc + layer_norm_backward(dy * p["gamma_c"], chat, cache.inv_c[:, t])
            da[:, t, :H] = dc_t * g * i * (1 - i)
            da[:, t, H : 2 * H] = dc_t * cache.c_prev[:, t] * f * (1 - f)
            da[:, t, 2 * H : 3 * H] = dc_t * i * (1 - g**2)
            da[:, t, 3 * H :] = dh_t * tanh_y * o * (1 - o)
            hhat = cache.hhat[:, t]
            g_["gamma_h"] += (da[:, t] * hhat).sum(axis=0)
            d_hu = layer_norm_backward(da[:, t] * p["gamma_h"], hhat, cache.inv_h[:, t])
            g_["recurrent_kernel"] += cache.h_prev[:, t].T @ d_hu
            dh = d_hu @ p["recurrent_kernel"].T
            dc = dc_t * f
        g_["bias"] = da.sum(axis=(0, 1))
        g_["gamma_x"] = (da * cache.xhat).sum(axis=(0, 1))
        d_xw = layer_norm_backward(da * p["gamma_x"], cache.xhat, cache.inv_x)
        g_["kernel"] = np.einsum("btd,btk->dk", cache.x, d_xw)
        return Gradients(params=g_, x=d_xw @ p["kernel"].T, state0=(dh, dc))
