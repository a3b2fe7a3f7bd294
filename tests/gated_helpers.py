"""Shared checks for the gated from-scratch layers (LSTM, GRU): gradient checks and Keras agreement."""

from __future__ import annotations

import numpy as np

from rnnbook.scratch.gradcheck import gradcheck
from rnnbook.utils import silence_tensorflow

silence_tensorflow()


def as_tuple(state):
    return state if isinstance(state, tuple) else (state,)


def random_mask(rng: np.random.Generator, B: int, T: int) -> np.ndarray:
    """A (B, T) mask with padded steps at the end, at the start and in the middle (Keras allows all)."""
    mask = rng.random((B, T)) > 0.3
    mask[0, :] = True
    if B > 1:
        mask[1, -2:] = False  # trailing padding
    return mask


def check_gradients(layer, B: int, T: int, rng: np.random.Generator, *, mask=None, with_final=True) -> dict[str, float]:
    """Max relative errors of ``layer.backward`` against central differences, for every param, x and state0.

    The loss is ``sum(R ⊙ outputs) + sum(S ⊙ final_state)`` with fixed random ``R``, ``S``, so that
    every output and state entry carries a different weight.
    """
    H, D = layer.units, layer.input_dim
    x = rng.standard_normal((B, T, D))
    n_state = 2 if layer.__class__.__name__ == "LSTM" else 1
    state0 = tuple(0.5 * rng.standard_normal((B, H)) for _ in range(n_state))
    R = rng.standard_normal((B, T, H))
    S = tuple(rng.standard_normal((B, H)) for _ in range(n_state)) if with_final else None
    s0 = state0 if n_state == 2 else state0[0]

    def loss() -> float:
        out, final, _ = layer.forward(x, s0, mask)
        value = float(np.sum(R * out))
        if S is not None:
            value += sum(float(np.sum(s * f)) for s, f in zip(S, as_tuple(final)))
        return value

    _, _, cache = layer.forward(x, s0, mask)
    d_final = None if S is None else (S if n_state == 2 else S[0])
    g = layer.backward(R, cache, d_final)
    arrays = dict(layer.params)
    arrays["x"] = x
    analytic = dict(g.params)
    analytic["x"] = g.x
    for k, (s, gs) in enumerate(zip(state0, as_tuple(g.state0))):
        arrays[f"state0[{k}]"] = s
        analytic[f"state0[{k}]"] = gs
    # eps = 1e-5 balances truncation (∝ eps²) and round-off (∝ 1e-16 · |loss| / eps) in float64
    return gradcheck(loss, arrays, analytic, eps=1e-5)


def keras_agreement(layer, keras_layer, B: int, T: int, rng: np.random.Generator, *, mask=None) -> dict[str, float]:
    """Max absolute differences between the NumPy layer (float32) and a Keras layer with the same weights.

    Compares outputs, final states and the gradients (via ``tf.GradientTape``) of
    ``sum(R ⊙ outputs) + sum(S ⊙ final states)`` w.r.t. inputs, initial states and every weight.
    """
    import tensorflow as tf

    D, H = layer.input_dim, layer.units
    x = rng.standard_normal((B, T, D)).astype(np.float32)
    n_state = 2 if layer.__class__.__name__ == "LSTM" else 1
    state0 = [0.5 * rng.standard_normal((B, H)).astype(np.float32) for _ in range(n_state)]
    R = rng.standard_normal((B, T, H)).astype(np.float32)
    S = [rng.standard_normal((B, H)).astype(np.float32) for _ in range(n_state)]
    keras_layer(x[:, :1], initial_state=state0)  # build
    keras_layer.set_weights([layer.params["kernel"], layer.params["recurrent_kernel"], layer.params["bias"]])

    xv = tf.Variable(x)
    sv = [tf.Variable(s) for s in state0]
    with tf.GradientTape() as tape:
        res = keras_layer(xv, initial_state=list(sv), mask=None if mask is None else tf.constant(mask))
        out, finals = res[0], res[1:]
        loss = tf.reduce_sum(R * out) + sum(tf.reduce_sum(s * f) for s, f in zip(S, finals))
    weights = [keras_layer.cell.kernel, keras_layer.cell.recurrent_kernel, keras_layer.cell.bias]
    tg = tape.gradient(loss, [xv, *sv, *weights])

    s0 = tuple(state0) if n_state == 2 else state0[0]
    out_np, final_np, cache = layer.forward(x, s0, mask)
    g = layer.backward(R, cache, tuple(S) if n_state == 2 else S[0])
    diffs = {"outputs": np.abs(out_np - out.numpy()).max()}
    for k, (a, b) in enumerate(zip(as_tuple(final_np), finals)):
        diffs[f"final[{k}]"] = np.abs(a - b.numpy()).max()
    diffs["d_x"] = np.abs(g.x - tg[0].numpy()).max()
    for k, gs in enumerate(as_tuple(g.state0)):
        diffs[f"d_state0[{k}]"] = np.abs(gs - tg[1 + k].numpy()).max()
    for name, t in zip(("kernel", "recurrent_kernel", "bias"), tg[1 + n_state :]):
        diffs[f"d_{name}"] = np.abs(g.params[name] - t.numpy()).max()
    return {k: float(v) for k, v in diffs.items()}
