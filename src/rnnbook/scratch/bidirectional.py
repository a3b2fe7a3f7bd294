"""A bidirectional wrapper around two from-scratch recurrent layers, with Keras 3's semantics.

``keras.layers.Bidirectional(layer)`` runs a copy of ``layer`` left to right and another one with
``go_backwards=True``: the backward layer reads the sequence *and its mask* reversed, and its
output sequence is flipped back so that position ``t`` holds
:math:`[\\overrightarrow{h}_t; \\overleftarrow{h}_t]`, the left context up to ``t`` and the right
context from ``t`` on. Inside ``Bidirectional`` Keras forces ``zero_output_for_mask = True`` when
sequences are returned, so padded positions output zeros in both directions; the wrapper sets the
same attribute on both layers. The merge modes are Keras': ``"concat"`` (default, ``(B, T, 2H)``),
``"sum"``, ``"ave"``, ``"mul"`` (``(B, T, H)``) and ``None`` (the pair of sequences).

Each wrapped layer follows :mod:`rnnbook.scratch.base` (``SimpleRNN``, ``LSTM``, ``GRU``); the
wrapper follows it as well, with the state a pair ``(forward_state, backward_state)`` and the
parameters named ``forward_<name>`` and ``backward_<name>`` (the layers' own arrays, not copies).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .base import Gradients, RecurrentLayer, State

__all__ = ["MERGE_MODES", "Bidirectional"]

MERGE_MODES = ("concat", "sum", "ave", "mul", None)


@dataclass
class BidirectionalCache:
    """The two layers' caches and outputs (the backward outputs already flipped to input order)."""

    forward: Any
    backward: Any
    y_forward: np.ndarray
    y_backward: np.ndarray


class Bidirectional:
    """Run ``forward_layer`` left to right and ``backward_layer`` right to left and merge.

    Parameters
    ----------
    forward_layer, backward_layer:
        Two distinct layers of the same kind, ``input_dim`` and ``units`` (Keras makes the second
        one a copy of the first with fresh weights).
    merge_mode:
        One of ``"concat"``, ``"sum"``, ``"ave"``, ``"mul"``, ``None``.
    """

    def __init__(self, forward_layer: RecurrentLayer, backward_layer: RecurrentLayer, merge_mode: str | None = "concat") -> None:
        if merge_mode not in MERGE_MODES:
            raise ValueError(f"merge_mode must be one of {MERGE_MODES}, got {merge_mode!r}")
        if forward_layer is backward_layer:
            raise ValueError("forward_layer and backward_layer must be two different layers (own weights)")
        if type(forward_layer) is not type(backward_layer):
            raise TypeError(
                f"both layers must be of the same kind, got {type(forward_layer).__name__} and {type(backward_layer).__name__}"
            )
        for attr in ("input_dim", "units"):
            a, b = getattr(forward_layer, attr), getattr(backward_layer, attr)
            if a != b:
                raise ValueError(f"forward and backward layers must have the same {attr}, got {a} and {b}")
        for layer in (forward_layer, backward_layer):
            layer.zero_output_for_mask = True  # as Keras' Bidirectional does when returning sequences
        self.forward_layer, self.backward_layer, self.merge_mode = forward_layer, backward_layer, merge_mode
        self.input_dim, self.units = forward_layer.input_dim, forward_layer.units

    @property
    def params(self) -> dict[str, np.ndarray]:
        """``forward_<name>`` and ``backward_<name>`` for each parameter of the two layers."""
        out = {f"forward_{k}": v for k, v in self.forward_layer.params.items()}
        out.update({f"backward_{k}": v for k, v in self.backward_layer.params.items()})
        return out

    def forward(
        self, x: np.ndarray, state0: tuple[State, State] | None = None, mask: np.ndarray | None = None
    ) -> tuple[np.ndarray | tuple[np.ndarray, np.ndarray], tuple[State, State], BidirectionalCache]:
        """Run both directions over ``x`` ``(B, T, D)``; ``mask`` ``(B, T)``, ``True`` = real step.

        Returns the merged outputs (``(B, T, 2H)`` for ``"concat"``, ``(B, T, H)`` for the others, a
        pair for ``None``), the pair of final states (the backward one is its state after reading
        position 0) and the cache.
        """
        s_f, s_b = self._split_state(state0)
        x_arr = np.asarray(x)
        if x_arr.ndim != 3:
            raise ValueError(f"x must have rank 3 with layout (B, T, D), got shape {x_arr.shape}.")
        m_rev = None if mask is None else np.asarray(mask)[:, ::-1]
        y_f, fin_f, c_f = self.forward_layer.forward(x_arr, s_f, mask)
        y_b_rev, fin_b, c_b = self.backward_layer.forward(x_arr[:, ::-1], s_b, m_rev)
        y_b = y_b_rev[:, ::-1]
        cache = BidirectionalCache(c_f, c_b, y_f, y_b)
        return self._merge(y_f, y_b), (fin_f, fin_b), cache

    def backward(
        self,
        d_outputs: np.ndarray | tuple[np.ndarray, np.ndarray],
        cache: BidirectionalCache,
        d_final_state: tuple[State | None, State | None] | None = None,
    ) -> Gradients:
        """Gradients of both layers' parameters (``forward_*``, ``backward_*``), of ``x`` and of the
        pair of initial states, from ∂loss/∂(merged outputs) and optionally ∂loss/∂(final states)."""
        y_f, y_b = cache.y_forward, cache.y_backward
        d_f, d_b = self._unmerge(d_outputs, y_f, y_b)
        dfin_f, dfin_b = (None, None) if d_final_state is None else self._pair("d_final_state", d_final_state)
        g_f = self.forward_layer.backward(d_f, cache.forward, dfin_f)
        g_b = self.backward_layer.backward(np.ascontiguousarray(d_b[:, ::-1]), cache.backward, dfin_b)
        params = {f"forward_{k}": v for k, v in g_f.params.items()}
        params.update({f"backward_{k}": v for k, v in g_b.params.items()})
        return Gradients(params=params, x=g_f.x + g_b.x[:, ::-1], state0=(g_f.state0, g_b.state0))

    # -- merging -------------------------------------------------------------------------------

    def _merge(self, y_f: np.ndarray, y_b: np.ndarray) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        mode = self.merge_mode
        if mode == "concat":
            return np.concatenate([y_f, y_b], axis=-1)
        if mode == "sum":
            return y_f + y_b
        if mode == "ave":
            return (y_f + y_b) / 2
        if mode == "mul":
            return y_f * y_b
        return (y_f, y_b)

    def _unmerge(self, d_out: Any, y_f: np.ndarray, y_b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        mode, H = self.merge_mode, self.units
        if mode is None:
            d_f, d_b = self._pair("d_outputs", d_out)
            return np.asarray(d_f), np.asarray(d_b)
        d = np.asarray(d_out)
        want = (*y_f.shape[:2], 2 * H if mode == "concat" else H)
        if d.shape != want:
            raise ValueError(f"d_outputs must have shape {want} (the merged outputs), got {d.shape}")
        if mode == "concat":
            return d[..., :H], d[..., H:]
        if mode == "sum":
            return d, d
        if mode == "ave":
            return d / 2, d / 2
        return d * y_b, d * y_f

    @staticmethod
    def _pair(name: str, value: Any) -> tuple[Any, Any]:
        if not (isinstance(value, (tuple, list)) and len(value) == 2):
            raise ValueError(f"{name} must be a pair (forward, backward), got {type(value).__name__}")
        return value[0], value[1]

    def _split_state(self, state0: Any) -> tuple[Any, Any]:
        return (None, None) if state0 is None else self._pair("state0", state0)
