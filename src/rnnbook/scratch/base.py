"""The contract every from-scratch recurrent layer follows.

A layer owns its parameters in ``self.params`` (name → array, Keras layout and Keras names where a
Keras layer exists: ``kernel`` ``(D, k·H)``, ``recurrent_kernel`` ``(H, k·H)``, ``bias``). Its methods
are pure functions of their arguments plus ``self.params``, which makes gradient checking simple:

- ``forward(x, state0=None, mask=None) -> (outputs, final_state, cache)``
  with ``x`` of shape ``(B, T, D)``, ``outputs`` ``(B, T, H)`` (every step's hidden state), and
  ``state0``/``final_state`` the layer's recurrent state: one ``(B, H)`` array for the vanilla RNN
  and the GRU, an ``(h, c)`` tuple of ``(B, H)`` arrays for the LSTM. ``mask`` of shape ``(B, T)``
  (``True`` = real step) makes padded steps copy the previous state and repeat the previous output
  (zeros before the first real step), as Keras does by default (``zero_output_for_mask=False``;
  Keras outputs zeros instead only with ``zero_output_for_mask=True``, e.g. inside ``Bidirectional``).
- ``backward(d_outputs, cache, d_final_state=None) -> Gradients``
  with ``d_outputs`` of shape ``(B, T, H)`` (∂loss/∂outputs) and optionally ∂loss/∂final_state;
  returns the gradients of every parameter, of the inputs and of the initial state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, Union

import numpy as np

__all__ = ["Gradients", "RecurrentLayer", "State"]

#: A recurrent state: ``(B, H)`` for RNN/GRU, ``(h, c)`` for LSTM.
State = Union[np.ndarray, tuple[np.ndarray, np.ndarray]]


@dataclass
class Gradients:
    """What ``backward`` returns.

    Attributes
    ----------
    params:
        ∂loss/∂parameter for every key of the layer's ``params``, same shapes.
    x:
        ∂loss/∂x, shape ``(B, T, D)``.
    state0:
        ∂loss/∂(initial state), same structure and shapes as the state.
    """

    params: dict[str, np.ndarray]
    x: np.ndarray
    state0: State


class RecurrentLayer(Protocol):
    """Structural type of the from-scratch recurrent layers (see the module docstring)."""

    params: dict[str, np.ndarray]

    def forward(
        self, x: np.ndarray, state0: State | None = None, mask: np.ndarray | None = None
    ) -> tuple[np.ndarray, State, Any]: ...

    def backward(self, d_outputs: np.ndarray, cache: Any, d_final_state: State | None = None) -> Gradients: ...
