"""The contract every from-scratch recurrent layer follows.

A layer owns its parameters in ``self.params`` (name → array, Keras layout and Keras names where a
Keras layer exists: ``kernel`` ``(D, k·H)``, ``recurrent_kernel`` ``(H, k·H)``, ``bias``). Its methods
are pure functions of their arguments plus ``self.params``, which makes gradient checking simple:

- ``forward(x, state0=None, mask=None) -> (outputs, final_state, cache)``
  with ``x`` of shape ``(B, T, D)``, ``outputs`` ``(B, T, H)`` (every step's hidden state), and
  ``state0``/``final_state`` the layer's recurrent state: one ``(B, H)`` array for the vanilla RNN
  and the GRU, an ``(h, c)`` tuple of ``(B, H)`` arrays for the LSTM. ``mask`` of shape ``(B, T)``
  (``True`` = real step) makes padded steps copy the previous state and repeat the previous output
  (zeros before the first real step), as Keras does by default (``zero_output_for_mask=False``).
  Every layer takes ``zero_output_for_mask=True`` to output zeros at padded steps instead, as Keras
  does with the same argument (and forces inside ``Bidirectional``). Inputs and states are
  converted to the layer's ``dtype``.
- ``backward(d_outputs, cache, d_final_state=None) -> Gradients``
  with ``d_outputs`` of shape ``(B, T, H)`` (∂loss/∂outputs) and optionally ∂loss/∂final_state;
  returns the gradients of every parameter, of the inputs and of the initial state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from ..checks import as_float_array, check_finite, check_int, check_mask, check_rank, check_shape

__all__ = [
    "Gradients",
    "RecurrentLayer",
    "State",
    "check_cache",
    "check_param_shapes",
    "check_sizes",
    "masked_output_grads",
    "masked_outputs",
    "validate_d_outputs",
    "validate_inputs",
    "validate_state",
]

#: A recurrent state: ``(B, H)`` for RNN/GRU, ``(h, c)`` for LSTM.
State = np.ndarray | tuple[np.ndarray, np.ndarray]


@dataclass
class Gradients:
    """What every layer's ``backward`` returns (recurrent layers, ``Dense`` and ``Embedding``).

    Attributes
    ----------
    params:
        ∂loss/∂parameter for every key of the layer's ``params``, same shapes.
    x:
        ∂loss/∂x, shape ``(B, T, D)``; ``None`` when the input is not differentiable (integer ids
        of an ``Embedding``).
    state0:
        ∂loss/∂(initial state), same structure and shapes as the state; ``None`` for layers
        without a state (``Dense``, ``Embedding``).
    """

    params: dict[str, np.ndarray]
    x: np.ndarray | None = None
    state0: State | None = None


class RecurrentLayer(Protocol):
    """Structural type of the from-scratch recurrent layers (see the module docstring)."""

    params: dict[str, np.ndarray]

    def forward(
        self, x: np.ndarray, state0: State | None = None, mask: np.ndarray | None = None
    ) -> tuple[np.ndarray, State, Any]: ...

    def backward(self, d_outputs: np.ndarray, cache: Any, d_final_state: State | None = None) -> Gradients: ...


def check_sizes(input_dim: object, units: object) -> tuple[int, int]:
    """``input_dim`` and ``units`` as positive Python ints (``TypeError`` for ``3.5``, ``"8"``, ``True``)."""
    return check_int("input_dim", input_dim, 1), check_int("units", units, 1)


def check_param_shapes(params: dict[str, np.ndarray], shapes: dict[str, tuple[int, ...]]) -> None:
    """Raise ``ValueError`` unless every ``params[name]`` has ``shapes[name]`` (after a user edit)."""
    for name, shape in shapes.items():
        if params[name].shape != shape:
            raise ValueError(f"params[{name!r}] must have shape {shape}, got {params[name].shape}.")


def check_cache(cache: object, cache_type: type, layer: str, **expected: object) -> None:
    """Raise ``TypeError`` unless ``cache`` is a ``cache_type`` made by this layer's ``forward``.

    ``expected`` holds attributes that must match, e.g. ``reset_after=True`` for a GRU, so that a
    cache from another variant is rejected instead of silently giving wrong gradients.
    """
    if not isinstance(cache, cache_type):
        raise TypeError(f"cache must be the {cache_type.__name__} returned by {layer}.forward, got {type(cache).__name__}.")
    for key, value in expected.items():
        if getattr(cache, key) != value:
            raise ValueError(f"cache comes from a {layer} with {key}={getattr(cache, key)!r}, this layer has {key}={value!r}.")


def validate_inputs(
    x: object, mask: object | None, input_dim: int, dtype: np.dtype
) -> tuple[np.ndarray, np.ndarray | None]:
    """Check ``x`` ``(B, T, D)`` and ``mask`` ``(B, T)``; return them as ``dtype`` and bool arrays."""
    x = as_float_array("x", x)
    check_rank("x", x, 3, "(B, T, D)")
    check_shape("x", x, (None, None, input_dim), f"(B, T, D={input_dim})")
    check_finite("x", x)
    x = x.astype(dtype, copy=False)
    return x, (None if mask is None else check_mask("mask", mask, *x.shape[:2]))


def validate_state(name: str, value: object, batch: int, units: int, dtype: np.dtype) -> np.ndarray:
    """Check one ``(B, H)`` state array; zeros when ``value`` is ``None``."""
    if value is None:
        return np.zeros((batch, units), dtype=dtype)
    arr = as_float_array(name, value)
    check_shape(name, arr, (batch, units), f"(B={batch}, H={units})")
    check_finite(name, arr)
    return arr.astype(dtype, copy=False)


def validate_state_pair(
    name: str, value: object, batch: int, units: int, dtype: np.dtype, parts: tuple[str, str]
) -> tuple[np.ndarray, np.ndarray]:
    """Check an LSTM-style state ``(h, c)``, each ``(B, H)``; zeros for ``None`` (or for a ``None`` part).

    ``parts`` names the two entries in error messages, e.g. ``("h0", "c0")``.
    """
    if value is None:
        value = (None, None)
    elif not (isinstance(value, (tuple, list)) and len(value) == 2):
        raise ValueError(
            f"{name} must be a tuple ({parts[0]}, {parts[1]}) of two (B={batch}, H={units}) arrays, "
            f"got {type(value).__name__}."
        )
    h = validate_state(parts[0], value[0], batch, units, dtype)
    c = validate_state(parts[1], value[1], batch, units, dtype)
    return h, c


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
