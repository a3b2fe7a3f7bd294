"""Test harnesses for recurrent layers that follow :mod:`rnnbook.scratch.base`: a gradient check of
every parameter, input and initial state, and agreement with the Keras layer of the same kind.

Both use the loss :math:`\\sum R \\odot \\text{outputs} + \\sum S \\odot \\text{final state}` with
fixed random ``R`` and ``S``, so that every output and state entry carries a different weight.
Works for one-array states (SimpleRNN, GRU) and ``(h, c)`` states (LSTM) alike.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .checks import check_generator, check_int
from .scratch.base import RecurrentLayer
from .scratch.gradcheck import gradcheck

__all__ = ["check_layer_gradients", "keras_agreement", "random_mask"]


def _n_state(layer: RecurrentLayer) -> int:
    """1 for a ``(B, H)`` state, 2 for an ``(h, c)`` tuple (found by a one-step forward pass)."""
    _, final, _ = layer.forward(np.zeros((1, 1, layer.input_dim), dtype=layer.dtype))
    return len(final) if isinstance(final, tuple) else 1


def _as_tuple(state: Any) -> tuple:
    return state if isinstance(state, tuple) else (state,)


def random_mask(rng: np.random.Generator, batch: int, steps: int) -> np.ndarray:
    """A ``(B, T)`` mask with padded steps at the end, the start and the middle (Keras allows all);
    row 0 is all real steps and row 1 ends with two padded steps."""
    check_generator("rng", rng)
    mask = rng.random((check_int("batch", batch, 1), check_int("steps", steps, 1))) > 0.3
    mask[0, :] = True
    if batch > 1:
        mask[1, -2:] = False
    return mask


def check_layer_gradients(
    layer: RecurrentLayer,
    batch: int,
    steps: int,
    rng: np.random.Generator,
    *,
    mask: np.ndarray | None = None,
    with_final: bool = True,
    eps: float = 1e-5,
) -> dict[str, float]:
    """Max relative errors (:func:`~rnnbook.scratch.gradcheck.relative_error`) of ``layer.backward``
    against central differences, for every parameter, ``x`` and each initial-state array.

    ``layer`` must use float64. ``eps = 1e-5`` balances truncation (∝ ε²) and round-off
    (∝ 1e-16·|loss|/ε) in float64. Returns name → error; a correct layer gives < 1e-6.
    """
    check_generator("rng", rng)
    if layer.dtype != np.float64:
        raise ValueError(f"gradient checks need a float64 layer, got dtype {layer.dtype}.")
    B, T = check_int("batch", batch, 1), check_int("steps", steps, 1)
    H, D, n = layer.units, layer.input_dim, _n_state(layer)
    x = rng.standard_normal((B, T, D))
    state0 = tuple(0.5 * rng.standard_normal((B, H)) for _ in range(n))
    R = rng.standard_normal((B, T, H))
    S = tuple(rng.standard_normal((B, H)) for _ in range(n)) if with_final else None
    s0 = state0 if n == 2 else state0[0]

    def loss() -> float:
        out, final, _ = layer.forward(x, s0, mask)
        value = float(np.sum(R * out))
        if S is not None:
            value += sum(float(np.sum(s * f)) for s, f in zip(S, _as_tuple(final)))
        return value

    _, _, cache = layer.forward(x, s0, mask)
    g = layer.backward(R, cache, None if S is None else (S if n == 2 else S[0]))
    arrays, analytic = {**layer.params, "x": x}, {**g.params, "x": g.x}
    for k, (s, gs) in enumerate(zip(state0, _as_tuple(g.state0))):
        arrays[f"state0[{k}]"], analytic[f"state0[{k}]"] = s, gs
    return gradcheck(loss, arrays, analytic, eps=eps)


def keras_agreement(
    layer: RecurrentLayer, keras_layer: Any, batch: int, steps: int, rng: np.random.Generator, *, mask=None
) -> dict[str, float]:
    """Max absolute differences between ``layer`` (float32) and ``keras_layer`` given the same weights.

    ``keras_layer`` is an unbuilt ``keras.layers.SimpleRNN``/``LSTM``/``GRU`` with
    ``return_sequences=True, return_state=True`` and the same options. Compares outputs, final
    states and the gradients (``tf.GradientTape``) w.r.t. inputs, initial states and every weight.
    """
    import tensorflow as tf  # heavy and optional: only this harness needs it

    check_generator("rng", rng)
    B, T = check_int("batch", batch, 1), check_int("steps", steps, 1)
    D, H, n = layer.input_dim, layer.units, _n_state(layer)
    x = rng.standard_normal((B, T, D)).astype(np.float32)
    state0 = [0.5 * rng.standard_normal((B, H)).astype(np.float32) for _ in range(n)]
    R = rng.standard_normal((B, T, H)).astype(np.float32)
    S = [rng.standard_normal((B, H)).astype(np.float32) for _ in range(n)]
    keras_layer(x[:, :1], initial_state=state0)  # build
    keras_layer.set_weights([layer.params["kernel"], layer.params["recurrent_kernel"], layer.params["bias"]])

    xv, sv = tf.Variable(x), [tf.Variable(s) for s in state0]
    with tf.GradientTape() as tape:
        res = keras_layer(xv, initial_state=list(sv), mask=None if mask is None else tf.constant(mask))
        out, finals = res[0], res[1:]
        loss = tf.reduce_sum(R * out) + sum(tf.reduce_sum(s * f) for s, f in zip(S, finals))
    weights = [keras_layer.cell.kernel, keras_layer.cell.recurrent_kernel, keras_layer.cell.bias]
    tg = tape.gradient(loss, [xv, *sv, *weights])

    out_np, final_np, cache = layer.forward(x, tuple(state0) if n == 2 else state0[0], mask)
    g = layer.backward(R, cache, tuple(S) if n == 2 else S[0])
    diffs = {"outputs": np.abs(out_np - out.numpy()).max()}
    for k, (a, b) in enumerate(zip(_as_tuple(final_np), finals)):
        diffs[f"final[{k}]"] = np.abs(a - b.numpy()).max()
    diffs["d_x"] = np.abs(g.x - tg[0].numpy()).max()
    for k, gs in enumerate(_as_tuple(g.state0)):
        diffs[f"d_state0[{k}]"] = np.abs(gs - tg[1 + k].numpy()).max()
    for name, t in zip(("kernel", "recurrent_kernel", "bias"), tg[1 + n :]):
        diffs[f"d_{name}"] = np.abs(g.params[name] - t.numpy()).max()
    return {k: float(v) for k, v in diffs.items()}
