"""The NumPy Bidirectional wrapper: gradient checks, agreement with keras.layers.Bidirectional, errors."""

from __future__ import annotations

import numpy as np
import pytest

from rnnbook.scratch import GRU, LSTM, SimpleRNN
from rnnbook.scratch.bidirectional import Bidirectional
from rnnbook.scratch.gradcheck import gradcheck
from rnnbook.testing import random_mask

KINDS = {"SimpleRNN": SimpleRNN, "LSTM": LSTM, "GRU": GRU}


def _make(kind, D, H, rng, dtype=np.float64, merge_mode="concat"):
    layers = []
    for _ in range(2):
        layer = KINDS[kind](D, H, rng=rng, dtype=dtype)
        for p in layer.params.values():
            p += (0.3 * rng.standard_normal(p.shape)).astype(dtype)
        layers.append(layer)
    return Bidirectional(*layers, merge_mode=merge_mode)


def _state(kind, B, H, rng, dtype=np.float64):
    if kind == "LSTM":
        return tuple((0.5 * rng.standard_normal((B, H))).astype(dtype) for _ in range(2))
    return (0.5 * rng.standard_normal((B, H))).astype(dtype)


def _flat(state):
    return list(state) if isinstance(state, tuple) else [state]


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("merge_mode", ["concat", "sum", "ave", "mul", None])
@pytest.mark.parametrize("masked", [False, True])
def test_gradients(kind, merge_mode, masked):
    rng = np.random.default_rng(0)
    B, T, D, H = 3, 5, 2, 3
    bi = _make(kind, D, H, rng, merge_mode=merge_mode)
    x = rng.standard_normal((B, T, D))
    s0 = (_state(kind, B, H, rng), _state(kind, B, H, rng))
    mask = random_mask(rng, B, T) if masked else None
    out, fin, _ = bi.forward(x, s0, mask)
    R = [rng.standard_normal(o.shape) for o in out] if merge_mode is None else rng.standard_normal(out.shape)
    S = tuple(tuple(rng.standard_normal(a.shape) for a in _flat(f)) for f in fin)

    def loss():
        o, f, _ = bi.forward(x, s0, mask)
        value = sum(float((r * a).sum()) for r, a in zip(R, o)) if merge_mode is None else float((R * o).sum())
        for sd, fd in zip(S, f):
            value += sum(float((a * b).sum()) for a, b in zip(sd, _flat(fd)))
        return value

    _, _, cache = bi.forward(x, s0, mask)
    d_fin = tuple(s if kind == "LSTM" else s[0] for s in S)
    g = bi.backward(R, cache, d_fin)
    arrays, analytic = dict(bi.params), dict(g.params)
    arrays["x"], analytic["x"] = x, g.x
    for d, (s, gs) in enumerate(zip(s0, g.state0)):
        for k, (a, ga) in enumerate(zip(_flat(s), _flat(gs))):
            arrays[f"s{d}{k}"], analytic[f"s{d}{k}"] = a, ga
    errors = gradcheck(loss, arrays, analytic, eps=1e-3, points=4)
    assert max(errors.values()) < 1e-6, errors


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("merge_mode", ["concat", "mul", None])
@pytest.mark.parametrize("masked", [False, True])
def test_agrees_with_keras(kind, merge_mode, masked):
    import keras
    import tensorflow as tf

    rng = np.random.default_rng(1)
    B, T, D, H = 3, 6, 2, 4
    bi = _make(kind, D, H, rng, np.float32, merge_mode)
    x = rng.standard_normal((B, T, D)).astype(np.float32)
    s0 = (_state(kind, B, H, rng, np.float32), _state(kind, B, H, rng, np.float32))
    mask = random_mask(rng, B, T) if masked else None
    inner = getattr(keras.layers, kind)(H, return_sequences=True, return_state=True)
    kb = keras.layers.Bidirectional(inner, merge_mode=merge_mode)
    flat0 = _flat(s0[0]) + _flat(s0[1])
    kb(x, initial_state=flat0)  # build
    kb.set_weights([bi.forward_layer.params[k] for k in ("kernel", "recurrent_kernel", "bias")]
                   + [bi.backward_layer.params[k] for k in ("kernel", "recurrent_kernel", "bias")])
    out, fin, cache = bi.forward(x, s0, mask)
    outs = list(out) if merge_mode is None else [out]
    R = [rng.standard_normal(o.shape).astype(np.float32) for o in outs]
    fin_flat = _flat(fin[0]) + _flat(fin[1])
    S = [rng.standard_normal(f.shape).astype(np.float32) for f in fin_flat]

    tx = tf.constant(x)
    ts = [tf.constant(s) for s in flat0]
    with tf.GradientTape() as tape:
        tape.watch([tx, *ts])
        res = kb(tx, initial_state=ts, mask=None if mask is None else tf.constant(mask))
        k_outs, k_fin = list(res[: len(outs)]), list(res[len(outs) :])
        loss = sum(tf.reduce_sum(r * o) for r, o in zip(R, k_outs))
        loss += sum(tf.reduce_sum(s * f) for s, f in zip(S, k_fin))
    tg = tape.gradient(loss, [tx, *ts, *kb.trainable_variables])

    for a, b in zip(outs, k_outs):
        np.testing.assert_allclose(a, b.numpy(), atol=1e-5)
    for a, b in zip(fin_flat, k_fin):
        np.testing.assert_allclose(a, b.numpy(), atol=1e-5)
    n = 2 if kind == "LSTM" else 1
    d_fin = (tuple(S[:n]), tuple(S[n:])) if kind == "LSTM" else (S[0], S[1])
    g = bi.backward(R if merge_mode is None else R[0], cache, d_fin)
    np.testing.assert_allclose(g.x, tg[0].numpy(), atol=1e-4)
    for a, b in zip(_flat(g.state0[0]) + _flat(g.state0[1]), tg[1 : 1 + 2 * n]):
        np.testing.assert_allclose(a, b.numpy(), atol=1e-4)
    names = [f"{d}_{k}" for d in ("forward", "backward") for k in ("kernel", "recurrent_kernel", "bias")]
    for name, t in zip(names, tg[1 + 2 * n :]):
        np.testing.assert_allclose(g.params[name], t.numpy(), atol=1e-4, err_msg=name)


def test_right_context_reaches_early_positions():
    """The backward half of the output at t = 0 depends on x at the last step; the forward half does not."""
    rng = np.random.default_rng(2)
    bi = _make("GRU", 2, 3, rng)
    x = rng.standard_normal((1, 4, 2))
    out, _, _ = bi.forward(x)
    x2 = x.copy()
    x2[0, -1] += 1.0
    out2, _, _ = bi.forward(x2)
    assert np.allclose(out[0, 0, :3], out2[0, 0, :3])
    assert not np.allclose(out[0, 0, 3:], out2[0, 0, 3:])


def test_padded_positions_output_zeros():
    rng = np.random.default_rng(3)
    bi = _make("LSTM", 2, 3, rng)
    x = rng.standard_normal((2, 5, 2))
    mask = np.array([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]], bool)
    out, _, _ = bi.forward(x, mask=mask)
    assert np.all(out[1, 3:] == 0)
    # what lies in the padding does not matter
    x2 = x.copy()
    x2[1, 3:] = 99.0
    np.testing.assert_allclose(bi.forward(x2, mask=mask)[0], out)


def test_bad_input():
    rng = np.random.default_rng(4)
    a, b = GRU(2, 3, rng=rng), GRU(2, 3, rng=rng)
    with pytest.raises(ValueError, match="merge_mode"):
        Bidirectional(a, b, merge_mode="max")
    with pytest.raises(ValueError, match="two different layers"):
        Bidirectional(a, a)
    with pytest.raises(TypeError, match="same kind"):
        Bidirectional(a, LSTM(2, 3, rng=rng))
    with pytest.raises(ValueError, match="same units"):
        Bidirectional(a, GRU(2, 4, rng=rng))
    bi = Bidirectional(a, b)
    with pytest.raises(ValueError, match="rank 3"):
        bi.forward(np.ones((4, 2)))
    with pytest.raises(ValueError, match="state0 must be a pair"):
        bi.forward(np.ones((1, 4, 2)), np.zeros((1, 3)))
    _, _, cache = bi.forward(np.ones((1, 4, 2)))
    with pytest.raises(ValueError, match="d_outputs must have shape"):
        bi.backward(np.ones((1, 4, 3)), cache)
