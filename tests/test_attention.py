"""NumPy attention: gradient checks, agreement with keras.layers.Attention / AdditiveAttention, masks, errors."""

from __future__ import annotations

import numpy as np
import pytest

from rnnbook.scratch.attention import attention_backward, attention_forward
from rnnbook.scratch.gradcheck import gradcheck
from rnnbook.utils import silence_tensorflow

silence_tensorflow()

B, TQ, TV, D = 2, 3, 5, 4


def _inputs(rng, dtype=np.float64, separate_key=True):
    q = rng.standard_normal((B, TQ, D)).astype(dtype)
    v = rng.standard_normal((B, TV, D)).astype(dtype)
    k = rng.standard_normal((B, TV, D)).astype(dtype) if separate_key else None
    vm = np.ones((B, TV), bool)
    vm[1, -2:] = False
    vm[0, 1] = False
    qm = np.ones((B, TQ), bool)
    qm[1, -1] = False
    return q, v, k, qm, vm


def _scale(mode, rng):
    return 0.5 + rng.random(D) if mode == "additive" else np.asarray(0.7)


@pytest.mark.parametrize("mode", ["dot", "additive", "concat"])
@pytest.mark.parametrize("use_scale", [False, True])
@pytest.mark.parametrize("separate_key", [False, True])
@pytest.mark.parametrize("masked", [False, True])
def test_gradients(mode, use_scale, separate_key, masked):
    rng = np.random.default_rng(0)
    q, v, k, qm, vm = _inputs(rng, separate_key=separate_key)
    if not masked:
        qm = vm = None
    s = _scale(mode, rng) if use_scale else None
    c = np.asarray(1.3)
    R = rng.standard_normal((B, TQ, D))
    Rw = rng.standard_normal((B, TQ, TV))

    def loss():
        ctx, w, _ = attention_forward(
            q, v, k, score_mode=mode, scale=s, concat_weight=c, query_mask=qm, value_mask=vm
        )
        return float((R * ctx).sum() + (Rw * w).sum())

    _, _, cache = attention_forward(q, v, k, score_mode=mode, scale=s, concat_weight=c, query_mask=qm, value_mask=vm)
    g = attention_backward(R, cache, Rw)
    arrays = {"query": q, "value": v}
    if separate_key:
        arrays["key"] = k
    if use_scale:
        arrays["scale"] = s
    if mode == "concat":
        arrays["concat_weight"] = c
    assert set(g) == set(arrays)
    errors = gradcheck(loss, arrays, g, eps=1e-5)
    assert max(errors.values()) < 1e-6, errors


def test_masked_positions_get_zero_weight_and_zero_context():
    rng = np.random.default_rng(1)
    q, v, k, qm, vm = _inputs(rng)
    ctx, w, _ = attention_forward(q, v, k, score_mode="additive", query_mask=qm, value_mask=vm)
    assert np.all(w[~np.broadcast_to(vm[:, None, :], w.shape)] < 1e-300)
    np.testing.assert_allclose(w.sum(-1), 1.0)
    assert np.all(ctx[1, -1] == 0)
    # padding values do not change the context: replace them by garbage
    v2 = v.copy()
    v2[~vm] = 1e3
    ctx2, _, _ = attention_forward(q, v2, k, score_mode="additive", query_mask=qm, value_mask=vm)
    np.testing.assert_allclose(ctx, ctx2)


def test_dot_brute_force():
    rng = np.random.default_rng(2)
    q, v, k, _, _ = _inputs(rng)
    ctx, w, _ = attention_forward(q, v, k, score_mode="dot", scale=np.asarray(0.5))
    for b in range(B):
        for i in range(TQ):
            e = np.exp(0.5 * np.array([q[b, i] @ k[b, j] for j in range(TV)]))
            a = e / e.sum()
            np.testing.assert_allclose(w[b, i], a)
            np.testing.assert_allclose(ctx[b, i], a @ v[b])


def _keras_layer(mode, use_scale):
    import keras

    if mode == "additive":
        return keras.layers.AdditiveAttention(use_scale=use_scale)
    return keras.layers.Attention(use_scale=use_scale, score_mode=mode)


@pytest.mark.parametrize("mode", ["dot", "additive", "concat"])
@pytest.mark.parametrize("use_scale", [False, True])
@pytest.mark.parametrize("masked", [False, True])
def test_agrees_with_keras(mode, use_scale, masked):
    import tensorflow as tf

    rng = np.random.default_rng(3)
    q, v, k, qm, vm = _inputs(rng, np.float32)
    if not masked:
        qm = vm = None
    layer = _keras_layer(mode, use_scale)
    layer([q, v, k])  # build
    s = _scale(mode, rng).astype(np.float32) if use_scale else None
    c = np.asarray(1.3, np.float32)
    weights = []
    if use_scale:
        weights.append(s)
    if mode == "concat":
        weights.append(c)
    layer.set_weights(weights)
    R = rng.standard_normal((B, TQ, D)).astype(np.float32)
    Rw = rng.standard_normal((B, TQ, TV)).astype(np.float32)
    tq, tv, tk = tf.constant(q), tf.constant(v), tf.constant(k)
    mask = None if qm is None else [tf.constant(qm), tf.constant(vm)]
    with tf.GradientTape() as tape:
        tape.watch([tq, tv, tk])
        ctx_k, w_k = layer([tq, tv, tk], mask=mask, return_attention_scores=True)
        loss = tf.reduce_sum(R * ctx_k) + tf.reduce_sum(Rw * w_k)
    variables = [tq, tv, tk, *layer.trainable_variables]
    tg = tape.gradient(loss, variables)

    ctx, w, cache = attention_forward(
        q, v, k, score_mode=mode, scale=s, concat_weight=c, query_mask=qm, value_mask=vm
    )
    g = attention_backward(R, cache, Rw)
    assert ctx.dtype == np.float32
    np.testing.assert_allclose(ctx, ctx_k.numpy(), atol=1e-5)
    np.testing.assert_allclose(w, w_k.numpy(), atol=1e-5)
    names = ["query", "value", "key"] + (["scale"] if use_scale else []) + (["concat_weight"] if mode == "concat" else [])
    for name, t in zip(names, tg):
        np.testing.assert_allclose(g[name], t.numpy(), atol=2e-4, rtol=1e-4, err_msg=name)


def test_value_as_key_matches_keras_two_inputs():
    import keras

    rng = np.random.default_rng(4)
    q, v, _, qm, vm = _inputs(rng, np.float32, separate_key=False)
    layer = keras.layers.Attention()
    out = layer([q, v], mask=[qm, vm]).numpy()
    ctx, _, _ = attention_forward(q, v, query_mask=qm, value_mask=vm)
    np.testing.assert_allclose(ctx, out, atol=1e-5)


def test_bad_input():
    rng = np.random.default_rng(5)
    q, v, k, _, vm = _inputs(rng)
    with pytest.raises(ValueError, match="score_mode"):
        attention_forward(q, v, score_mode="general")
    with pytest.raises(ValueError, match="query must have rank 3"):
        attention_forward(q[0], v)
    with pytest.raises(ValueError, match="key must have shape"):
        attention_forward(q, v, k[:, :, :2])
    with pytest.raises(ValueError, match="value must have shape"):
        attention_forward(q, v[:1])
    with pytest.raises(ValueError, match="scale"):
        attention_forward(q, v, score_mode="additive", scale=1.0)
    with pytest.raises(ValueError, match="value_mask must have shape"):
        attention_forward(q, v, value_mask=vm[:, :2])
    with pytest.raises(ValueError, match="query_mask must hold booleans"):
        attention_forward(q, v, query_mask=np.full((B, TQ), 2))
    bad = q.copy()
    bad[0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="non-finite"):
        attention_forward(bad, v)
    _, _, cache = attention_forward(q, v)
    with pytest.raises(ValueError, match="d_context must have shape"):
        attention_backward(np.ones((B, TQ, D + 1)), cache)
    with pytest.raises(ValueError, match="d_weights must have shape"):
        attention_backward(np.ones((B, TQ, D)), cache, np.ones((B, TQ)))
