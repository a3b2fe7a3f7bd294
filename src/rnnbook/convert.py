"""Weights of recurrent layers between Keras and PyTorch, as NumPy arrays (no framework imported).

Layouts (``D`` inputs, ``H`` units):

=========  ==========================================  =============================================
layer      Keras (``layer.get_weights()``)             PyTorch (``module.state_dict()``, layer 0)
=========  ==========================================  =============================================
LSTM       ``kernel (D, 4H)``, ``recurrent_kernel       ``weight_ih_l0 (4H, D)``, ``weight_hh_l0
           (H, 4H)``, ``bias (4H,)``; gates            (4H, H)``, ``bias_ih_l0 (4H,)``,
           ``(i, f, c, o)``                            ``bias_hh_l0 (4H,)``; gates ``(i, f, g, o)``
GRU        ``kernel (D, 3H)``, ``recurrent_kernel       ``weight_ih_l0 (3H, D)``, ``weight_hh_l0
           (H, 3H)``, ``bias (2, 3H)`` (input,         (3H, H)``, ``bias_ih_l0 (3H,)``,
           recurrent) with ``reset_after=True``;       ``bias_hh_l0 (3H,)``; blocks ``(r, z, n)``
           blocks ``(z, r, h)``
=========  ==========================================  =============================================

PyTorch multiplies ``W x`` with ``W`` of shape ``(out, in)``; Keras computes ``x @ kernel`` with
``kernel`` of shape ``(in, out)``: the matrices are transposes. The LSTM's gate order is the same
in both; PyTorch has two bias vectors that only ever appear summed, so Keras' single bias is their
sum. The GRU's blocks are reordered, and only Keras' ``reset_after=True`` variant (its default)
has PyTorch's equations, :math:`n_t = \\tanh(W_{in} x_t + b_{in} + r_t \\odot (W_{hn} h_{t-1} +
b_{hn}))`; the ``reset_after=False`` variant has no PyTorch counterpart and is rejected.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

__all__ = ["keras_gru_to_torch", "keras_lstm_to_torch", "torch_gru_to_keras", "torch_lstm_to_keras"]

_TORCH_KEYS = ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")


def _as_matrix(name: str, value: object) -> np.ndarray:
    if hasattr(value, "detach"):  # a torch tensor
        value = value.detach().cpu().numpy()
    arr = np.asarray(value)
    if arr.dtype.kind not in "fiu":
        raise TypeError(f"{name} must be a real numeric array, got dtype {arr.dtype}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinity")
    return arr.astype(np.float32) if arr.dtype.kind != "f" else arr


def _keras_weights(weights: Sequence[object], gates: int, bias_shape: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, int]:
    if isinstance(weights, (str, bytes)) or not isinstance(weights, Sequence) or len(weights) != 3:
        raise TypeError("weights must be the list [kernel, recurrent_kernel, bias] of layer.get_weights()")
    kernel, recurrent, bias = (_as_matrix(n, w) for n, w in zip(("kernel", "recurrent_kernel", "bias"), weights))
    if kernel.ndim != 2 or kernel.shape[1] % gates:
        raise ValueError(f"kernel must have shape (D, {gates}H), got {kernel.shape}")
    D, H = kernel.shape[0], kernel.shape[1] // gates
    if recurrent.shape != (H, gates * H):
        raise ValueError(f"recurrent_kernel must have shape (H, {gates}H) = {(H, gates * H)}, got {recurrent.shape}")
    expected = {"lstm": (gates * H,), "gru": (2, gates * H)}[bias_shape]
    if bias.shape != expected:
        hint = " (a GRU with reset_after=False has no PyTorch equivalent)" if bias_shape == "gru" else ""
        raise ValueError(f"bias must have shape {expected}, got {bias.shape}{hint}")
    return kernel, recurrent, bias, D, H


def _torch_weights(state: Mapping[str, object], gates: int) -> tuple[np.ndarray, ...]:
    if not isinstance(state, Mapping):
        raise TypeError("state must be a mapping such as module.state_dict()")
    missing = [k for k in _TORCH_KEYS if k not in state]
    if missing:
        raise ValueError(f"state lacks {missing}; expected a one-layer, unidirectional module with bias=True")
    w_ih, w_hh, b_ih, b_hh = (_as_matrix(k, state[k]) for k in _TORCH_KEYS)
    if w_ih.ndim != 2 or w_ih.shape[0] % gates:
        raise ValueError(f"weight_ih_l0 must have shape ({gates}H, D), got {w_ih.shape}")
    H = w_ih.shape[0] // gates
    for name, arr, shape in (("weight_hh_l0", w_hh, (gates * H, H)), ("bias_ih_l0", b_ih, (gates * H,)), ("bias_hh_l0", b_hh, (gates * H,))):
        if arr.shape != shape:
            raise ValueError(f"{name} must have shape {shape}, got {arr.shape}")
    return w_ih, w_hh, b_ih, b_hh


def keras_lstm_to_torch(weights: Sequence[object]) -> dict[str, np.ndarray]:
    """Keras LSTM ``[kernel, recurrent_kernel, bias]`` → PyTorch ``state_dict`` arrays (layer 0)."""
    kernel, recurrent, bias, _, _ = _keras_weights(weights, 4, "lstm")
    return {
        "weight_ih_l0": np.ascontiguousarray(kernel.T),
        "weight_hh_l0": np.ascontiguousarray(recurrent.T),
        "bias_ih_l0": bias.copy(),
        "bias_hh_l0": np.zeros_like(bias),  # only the sum of the two biases matters
    }


def torch_lstm_to_keras(state: Mapping[str, object]) -> list[np.ndarray]:
    """PyTorch LSTM ``state_dict`` (layer 0) → Keras ``[kernel, recurrent_kernel, bias]``."""
    w_ih, w_hh, b_ih, b_hh = _torch_weights(state, 4)
    return [np.ascontiguousarray(w_ih.T), np.ascontiguousarray(w_hh.T), b_ih + b_hh]


def _swap_first_two_blocks(a: np.ndarray, H: int) -> np.ndarray:
    """Reorder the last axis' blocks (z, r, h) ↔ (r, z, n): swap the first two blocks of ``H``."""
    return np.concatenate([a[..., H : 2 * H], a[..., :H], a[..., 2 * H :]], axis=-1)


def keras_gru_to_torch(weights: Sequence[object]) -> dict[str, np.ndarray]:
    """Keras GRU (``reset_after=True``) ``[kernel, recurrent_kernel, bias]`` → PyTorch arrays."""
    kernel, recurrent, bias, _, H = _keras_weights(weights, 3, "gru")
    return {
        "weight_ih_l0": np.ascontiguousarray(_swap_first_two_blocks(kernel, H).T),
        "weight_hh_l0": np.ascontiguousarray(_swap_first_two_blocks(recurrent, H).T),
        "bias_ih_l0": _swap_first_two_blocks(bias[0], H),
        "bias_hh_l0": _swap_first_two_blocks(bias[1], H),
    }


def torch_gru_to_keras(state: Mapping[str, object]) -> list[np.ndarray]:
    """PyTorch GRU ``state_dict`` (layer 0) → Keras ``[kernel, recurrent_kernel, bias (2, 3H)]``."""
    w_ih, w_hh, b_ih, b_hh = _torch_weights(state, 3)
    H = w_hh.shape[1]
    return [
        np.ascontiguousarray(_swap_first_two_blocks(w_ih.T, H)),
        np.ascontiguousarray(_swap_first_two_blocks(w_hh.T, H)),
        np.stack([_swap_first_two_blocks(b_ih, H), _swap_first_two_blocks(b_hh, H)]),
    ]
