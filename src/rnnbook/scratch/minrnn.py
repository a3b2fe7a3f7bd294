"""minGRU and minLSTM (Feng et al. 2024, "Were RNNs All We Needed?") in NumPy, forward and backward.

Both drop every dependence of the gates on :math:`h_{t-1}`, so the state update is the linear
recurrence :math:`h_t = a_t \\odot h_{t-1} + b_t` of :mod:`rnnbook.scan`, with coefficients computed
for all steps at once from the inputs:

- **minGRU**: :math:`z_t = \\sigma(W_z^\\top x_t + b_z)`, :math:`\\tilde h_t = W_h^\\top x_t + b_h`,
  :math:`h_t = (1 - z_t) \\odot h_{t-1} + z_t \\odot \\tilde h_t`
  (so :math:`a_t = 1 - z_t`, :math:`b_t = z_t \\odot \\tilde h_t`; the paper's convention: :math:`z`
  weights the *new* value, the opposite of Keras' GRU);
- **minLSTM**: :math:`f_t = \\sigma(W_f^\\top x_t + b_f)`, :math:`i_t = \\sigma(W_i^\\top x_t + b_i)`,
  :math:`\\tilde h_t = W_h^\\top x_t + b_h`, normalised gates :math:`f'_t = f_t / (f_t + i_t)`,
  :math:`i'_t = i_t / (f_t + i_t)`, and :math:`h_t = f'_t \\odot h_{t-1} + i'_t \\odot \\tilde h_t`.

Training runs the recurrence as a parallel scan (``parallel=True``); inference runs :meth:`step`
one token at a time with a state of fixed size. The backward pass is a linear recurrence too, run
backwards in time: with :math:`g_t = \\partial L / \\partial h_t` (total),
:math:`g_t = \\bar g_t + a_{t+1} \\odot g_{t+1}`, where :math:`\\bar g_t` is the gradient arriving from
the output at step :math:`t`; then :math:`\\partial L/\\partial a_t = g_t \\odot h_{t-1}` and
:math:`\\partial L/\\partial b_t = g_t`.

Parameters in Keras-like layout: ``kernel`` ``(D, kH)`` and ``bias`` ``(kH,)`` with blocks in the
order ``(z, h)`` for minGRU (``k = 2``) and ``(f, i, h)`` for minLSTM (``k = 3``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..checks import as_float_array, check_finite, check_rank, check_shape
from ..numerics import sigmoid
from ..scan import linear_recurrence_scan, linear_recurrence_sequential
from .base import Gradients
from .init import glorot_uniform

__all__ = ["MinGRU", "MinLSTM", "MinRNNCache"]


@dataclass
class MinRNNCache:
    """What ``forward`` keeps: ``x`` ``(B, T, D)``; ``h_prev`` ``(B, T, H)`` (the state each step
    started from); ``a``, ``b`` ``(B, T, H)`` the recurrence's coefficients; ``gates`` the named
    activations of the cell, each ``(B, T, H)``."""

    x: np.ndarray
    h_prev: np.ndarray
    a: np.ndarray
    b: np.ndarray
    gates: dict[str, np.ndarray]


def _reverse_recurrence(a: np.ndarray, d_out: np.ndarray, parallel: bool) -> np.ndarray:
    """:math:`g_t = \\bar g_t + a_{t+1} g_{t+1}` (with :math:`a_{T+1} = 0`), all ``(B, T, H)``."""
    a_next = np.concatenate([a[:, 1:], np.zeros_like(a[:, :1])], axis=1)
    run = linear_recurrence_scan if parallel else linear_recurrence_sequential
    g_rev = run(a_next[:, ::-1], d_out[:, ::-1], np.zeros_like(d_out[:, 0]))
    return np.ascontiguousarray(g_rev[:, ::-1])


class _MinRNN:
    """Shared machinery: parameters, validation, the scan, and the backward recurrence."""

    blocks: tuple[str, ...] = ()

    def __init__(self, input_dim: int, units: int, *, rng: np.random.Generator, dtype: type = np.float64) -> None:
        for name, value in (("input_dim", input_dim), ("units", units)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        self.input_dim, self.units, self.dtype = int(input_dim), int(units), np.dtype(dtype)
        if self.dtype.kind != "f":
            raise TypeError(f"dtype must be a floating-point type, got {self.dtype}")
        k = len(self.blocks)
        self.params: dict[str, np.ndarray] = {
            "kernel": glorot_uniform(rng, (self.input_dim, k * self.units), self.dtype),
            "bias": np.zeros(k * self.units, dtype=self.dtype),
        }

    # -- validation -------------------------------------------------------------------------
    def _check_params(self) -> None:
        k, D, H = len(self.blocks), self.input_dim, self.units
        check_shape("params['kernel']", self.params["kernel"], (D, k * H), f"(D, {k}H)")
        check_shape("params['bias']", self.params["bias"], (k * H,), f"({k}H,)")

    def _check_x(self, x: object) -> np.ndarray:
        if isinstance(x, np.ndarray) and np.iscomplexobj(x):
            raise TypeError("x must be real, got a complex array")
        x = as_float_array("x", x).astype(self.dtype, copy=False)
        check_rank("x", x, 3, "(B, T, D)")
        check_shape("x", x, (None, None, self.input_dim), "(B, T, D)")
        if x.shape[0] == 0 or x.shape[1] == 0:
            raise ValueError(f"x must have B >= 1 and T >= 1, got shape {x.shape}")
        check_finite("x", x)
        return x

    def _check_h(self, name: str, h: object | None, B: int) -> np.ndarray:
        if h is None:
            return np.zeros((B, self.units), dtype=self.dtype)
        h = as_float_array(name, h).astype(self.dtype, copy=False)
        check_shape(name, h, (B, self.units), "(B, H)")
        check_finite(name, h)
        return h

    # -- the cell-specific part ---------------------------------------------------------------
    def _coefficients(self, pre: np.ndarray) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
        raise NotImplementedError

    def _coefficient_grads(self, da: np.ndarray, db: np.ndarray, gates: dict[str, np.ndarray]) -> np.ndarray:
        raise NotImplementedError

    # -- public API -------------------------------------------------------------------------
    def forward(
        self, x: np.ndarray, state0: np.ndarray | None = None, *, parallel: bool = True
    ) -> tuple[np.ndarray, np.ndarray, MinRNNCache]:
        """Run over ``x`` ``(B, T, D)`` from ``state0`` ``(B, H)`` (zeros if ``None``).

        Returns ``outputs`` ``(B, T, H)`` (the states :math:`h_1..h_T`), the final state and the
        cache. ``parallel=True`` uses the scan, ``False`` a step-by-step loop; same numbers.
        """
        self._check_params()
        x = self._check_x(x)
        h0 = self._check_h("state0", state0, x.shape[0])
        pre = x @ self.params["kernel"] + self.params["bias"]  # (B, T, kH)
        a, b, gates = self._coefficients(pre)
        run = linear_recurrence_scan if parallel else linear_recurrence_sequential
        h = run(a, b, h0)  # (B, T, H)
        h_prev = np.concatenate([h0[:, None], h[:, :-1]], axis=1)
        return h, h[:, -1], MinRNNCache(x=x, h_prev=h_prev, a=a, b=b, gates=gates)

    def step(self, x_t: np.ndarray, h: np.ndarray) -> np.ndarray:
        """One step of inference: ``x_t`` ``(B, D)``, ``h`` ``(B, H)`` → the next state ``(B, H)``."""
        self._check_params()
        x_t = self._check_x(np.asarray(x_t)[:, None, :] if np.ndim(x_t) == 2 else x_t)
        if x_t.shape[1] != 1:
            raise ValueError(f"x_t must have shape (B, D), got {np.shape(x_t)}")
        h = self._check_h("h", h, x_t.shape[0])
        a, b, _ = self._coefficients(x_t @ self.params["kernel"] + self.params["bias"])
        return a[:, 0] * h + b[:, 0]

    def backward(
        self, d_outputs: np.ndarray, cache: MinRNNCache, d_final_state: np.ndarray | None = None, *, parallel: bool = True
    ) -> Gradients:
        """Gradients of a loss given ∂L/∂outputs ``(B, T, H)`` (and optionally ∂L/∂final state).

        Returns :class:`~rnnbook.scratch.base.Gradients`: ``params`` (``kernel``, ``bias``), ``x``
        ``(B, T, D)`` and ``state0`` ``(B, H)``.
        """
        if not isinstance(cache, MinRNNCache):
            raise TypeError(f"cache must be the MinRNNCache returned by forward, got {type(cache).__name__}")
        d_out = as_float_array("d_outputs", d_outputs).astype(self.dtype, copy=False)
        check_shape("d_outputs", d_out, cache.a.shape, "(B, T, H), the shape of the outputs")
        check_finite("d_outputs", d_out)
        if d_final_state is not None:
            d_fin = as_float_array("d_final_state", d_final_state)
            check_shape("d_final_state", d_fin, cache.a[:, 0].shape, "(B, H)")
            check_finite("d_final_state", d_fin)
            d_out = d_out.copy()
            d_out[:, -1] += d_fin
        g = _reverse_recurrence(cache.a, d_out, parallel)  # (B, T, H): total ∂L/∂h_t
        da, db = g * cache.h_prev, g
        d_pre = self._coefficient_grads(da, db, cache.gates)  # (B, T, kH)
        x2 = cache.x.reshape(-1, self.input_dim)
        params = {
            "kernel": x2.T @ d_pre.reshape(-1, d_pre.shape[-1]),
            "bias": d_pre.sum(axis=(0, 1)),
        }
        return Gradients(params=params, x=d_pre @ self.params["kernel"].T, state0=cache.a[:, 0] * g[:, 0])


class MinGRU(_MinRNN):
    """minGRU: :math:`h_t = (1 - z_t) h_{t-1} + z_t \\tilde h_t`, gates from :math:`x_t` only."""

    blocks = ("z", "h")

    def _coefficients(self, pre: np.ndarray) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
        H = self.units
        z = sigmoid(pre[..., :H])  # (B, T, H) update gate
        h_tilde = pre[..., H:]  # (B, T, H) candidate (linear, as in the paper)
        return 1.0 - z, z * h_tilde, {"z": z, "h_tilde": h_tilde}

    def _coefficient_grads(self, da: np.ndarray, db: np.ndarray, gates: dict[str, np.ndarray]) -> np.ndarray:
        z, h_tilde = gates["z"], gates["h_tilde"]
        dz = -da + db * h_tilde
        return np.concatenate([dz * z * (1.0 - z), db * z], axis=-1)


class MinLSTM(_MinRNN):
    """minLSTM: :math:`h_t = f'_t h_{t-1} + i'_t \\tilde h_t` with :math:`f' + i' = 1`."""

    blocks = ("f", "i", "h")

    def _coefficients(self, pre: np.ndarray) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
        H = self.units
        f, i = sigmoid(pre[..., :H]), sigmoid(pre[..., H : 2 * H])  # (B, T, H) each
        h_tilde = pre[..., 2 * H :]
        s = f + i
        return f / s, (i / s) * h_tilde, {"f": f, "i": i, "h_tilde": h_tilde}

    def _coefficient_grads(self, da: np.ndarray, db: np.ndarray, gates: dict[str, np.ndarray]) -> np.ndarray:
        f, i, h_tilde = gates["f"], gates["i"], gates["h_tilde"]
        s2 = (f + i) ** 2
        d_ip = db * h_tilde  # ∂L/∂i' ; ∂L/∂f' is da
        df = (da - d_ip) * i / s2  # f' = f/s, i' = i/s
        di = (d_ip - da) * f / s2
        return np.concatenate([df * f * (1.0 - f), di * i * (1.0 - i), db * i / (f + i)], axis=-1)
