"""Chapter 6's NumPy pieces: variational (per-sequence) dropout in the LSTM and the layer-normalised LSTM."""

from __future__ import annotations

import numpy as np
import pytest

from rnnbook.scratch import LSTM
from rnnbook.scratch.dropout import VariationalLSTM, dropout_masks
from rnnbook.scratch.gradcheck import gradcheck
from rnnbook.scratch.layernorm_lstm import LayerNormLSTM, layer_norm
from rnnbook.utils import silence_tensorflow

silence_tensorflow()


def perturb(layer, rng, scale=0.3):
    for p in layer.params.values():
        p += scale * rng.standard_normal(p.shape).astype(p.dtype)
    return layer


def run_gradcheck(forward, backward, params, B, T, D, H, rng):
    """Gradient check of loss = sum(R*outputs) + sum(S_h*h_T) + sum(S_c*c_T) w.r.t. params, x, h0, c0."""
    x = rng.standard_normal((B, T, D))
    h0, c0 = 0.5 * rng.standard_normal((B, H)), 0.5 * rng.standard_normal((B, H))
    R = rng.standard_normal((B, T, H))
    Sh, Sc = rng.standard_normal((B, H)), rng.standard_normal((B, H))

    def loss():
        out, (h, c), _ = forward(x, (h0, c0))
        return float(np.sum(R * out) + np.sum(Sh * h) + np.sum(Sc * c))

    _, _, cache = forward(x, (h0, c0))
    g = backward(R, cache, (Sh, Sc))
    arrays = {**params, "x": x, "h0": h0, "c0": c0}
    analytic = {**g.params, "x": g.x, "h0": g.state0[0], "c0": g.state0[1]}
    return gradcheck(loss, arrays, analytic, eps=1e-5)


# ---------------------------------------------------------------- dropout masks


def test_dropout_masks_values_and_rate():
    m = dropout_masks(np.random.default_rng(0), 4, (200, 50), 0.25)
    assert m.shape == (4, 200, 50)
    assert set(np.unique(m)) == {0.0, 1 / 0.75}
    assert abs((m == 0).mean() - 0.25) < 0.01  # 40,000 draws
    assert abs(m.mean() - 1.0) < 0.02  # inverted dropout keeps the expectation
    np.testing.assert_array_equal(dropout_masks(np.random.default_rng(0), 2, (3, 4), 0.0), 1.0)


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"rate": 1.0}, ValueError, "rate"),
        ({"rate": -0.1}, ValueError, "rate"),
        ({"count": 0}, ValueError, "count"),
        ({"shape": (0, 3)}, ValueError, "shape"),
        ({"rng": 0}, TypeError, "rng"),
    ],
)
def test_dropout_masks_bad_input(kwargs, exc, match):
    args = {"rng": np.random.default_rng(0), "count": 4, "shape": (2, 3), "rate": 0.5} | kwargs
    with pytest.raises(exc, match=match):
        dropout_masks(**args)


# ---------------------------------------------------------------- variational LSTM


def test_variational_lstm_without_masks_is_the_lstm():
    rng = np.random.default_rng(1)
    layer = perturb(LSTM(3, 4, rng=rng), rng)
    x = rng.standard_normal((2, 5, 3))
    out, state, _ = layer.forward(x)
    out_v, state_v, _ = VariationalLSTM(layer).forward(x)
    np.testing.assert_allclose(out_v, out, atol=1e-13)
    np.testing.assert_allclose(state_v[1], state[1], atol=1e-13)


def test_variational_lstm_same_mask_at_every_step():
    """A dropped input unit has no effect at any step: the masks are fixed over time."""
    rng = np.random.default_rng(2)
    layer = perturb(LSTM(3, 4, rng=rng), rng)
    vl = VariationalLSTM(layer)
    x = rng.standard_normal((1, 6, 3))
    m = np.ones((4, 1, 3))
    m[:, :, 1] = 0.0  # drop input unit 1 for every gate
    out, _, _ = vl.forward(x, in_masks=m)
    x2 = x.copy()
    x2[:, :, 1] = rng.standard_normal(6)  # change unit 1 at every step
    out2, _, _ = vl.forward(x2, in_masks=m)
    np.testing.assert_allclose(out2, out, atol=1e-14)


def test_variational_lstm_gradients():
    rng = np.random.default_rng(3)
    B, T, D, H = 3, 6, 3, 4
    layer = perturb(LSTM(D, H, rng=rng), rng)
    vl = VariationalLSTM(layer)
    m = dropout_masks(rng, 4, (B, D), 0.3)
    r = dropout_masks(rng, 4, (B, H), 0.4)
    errors = run_gradcheck(
        lambda x, s: vl.forward(x, m, r, s), vl.backward, layer.params, B, T, D, H, rng
    )
    assert set(errors) == {"kernel", "recurrent_kernel", "bias", "x", "h0", "c0"}
    assert max(errors.values()) < 1e-6, errors


def test_variational_lstm_matches_keras_recurrent_dropout():
    """Keras' LSTM(dropout, recurrent_dropout) in training mode, with its masks replaced by ours."""
    import keras
    import tensorflow as tf

    rng = np.random.default_rng(4)
    B, T, D, H = 3, 7, 3, 5
    layer = perturb(LSTM(D, H, rng=rng, dtype=np.float32), rng)
    m = dropout_masks(rng, 4, (B, D), 0.3, np.float32)
    r = dropout_masks(rng, 4, (B, H), 0.4, np.float32)
    k = keras.layers.LSTM(H, return_sequences=True, dropout=0.3, recurrent_dropout=0.4, seed=1)
    k.build((B, T, D))
    k.set_weights([layer.params[n] for n in ("kernel", "recurrent_kernel", "bias")])
    drawn = []

    def fixed_masks(step_input, rate):  # Keras calls this once per mask family, before the loop
        drawn.append((tuple(step_input.shape), rate))
        masks = m if rate == pytest.approx(0.3) else r
        return [tf.constant(mk) for mk in masks]

    k.cell._create_dropout_mask = fixed_masks
    x = rng.standard_normal((B, T, D)).astype(np.float32)
    out_keras = k(x, training=True).numpy()
    out_np, _, _ = VariationalLSTM(layer).forward(x, m, r)
    assert sorted(drawn, key=lambda d: d[1]) == [((B, D), pytest.approx(0.3)), ((B, H), pytest.approx(0.4))]
    np.testing.assert_allclose(out_np, out_keras, atol=1e-5)
    # and the unpatched layer draws 4 masks per family, shared by all steps
    k2 = keras.layers.LSTM(H, dropout=0.3, recurrent_dropout=0.4, seed=1)
    k2.build((B, T, D))
    assert k2.cell.implementation == 1 and k2.cell.dropout_mask_count == 4


def test_variational_lstm_bad_input():
    rng = np.random.default_rng(5)
    vl = VariationalLSTM(LSTM(3, 4, rng=rng))
    x = rng.standard_normal((2, 5, 3))
    with pytest.raises(ValueError, match="in_masks"):
        vl.forward(x, in_masks=np.ones((3, 2, 3)))  # 3 masks, LSTM needs 4
    with pytest.raises(ValueError, match="rec_masks"):
        vl.forward(x, rec_masks=np.ones((4, 2, 5)))
    with pytest.raises(ValueError, match="non-negative"):
        vl.forward(x, in_masks=-np.ones((4, 2, 3)))
    with pytest.raises(ValueError, match="x"):
        vl.forward(rng.standard_normal((2, 5)))
    with pytest.raises(TypeError, match="LSTM"):
        VariationalLSTM("not a layer")
    # The (h, c) state pair is checked as in LSTM: a bare array is not a pair.
    with pytest.raises(ValueError, match=r"state0 must be a tuple \(h0, c0\)"):
        vl.forward(x, state0=np.zeros((2, 4)))
    out, _, cache = vl.forward(x)
    with pytest.raises(ValueError, match=r"d_final_state must be a tuple \(dh, dc\)"):
        vl.backward(np.ones_like(out), cache, np.zeros((2, 4)))
    with pytest.raises(ValueError, match=r"dc must have shape \(2, 4\)"):
        vl.backward(np.ones_like(out), cache, (np.zeros((2, 4)), np.zeros((2, 3))))


# ---------------------------------------------------------------- layer-normalised LSTM


def test_layer_norm_statistics():
    z = np.random.default_rng(6).standard_normal((4, 8)) * 5 + 3
    zhat, inv = layer_norm(z, 1e-5)
    np.testing.assert_allclose(zhat.mean(-1), 0, atol=1e-12)
    np.testing.assert_allclose(zhat.var(-1), 1, atol=1e-5)
    np.testing.assert_allclose(inv, 1 / np.sqrt(z.var(-1) + 1e-5))


@pytest.mark.parametrize("seed", [7, 8])
def test_layernorm_lstm_gradients(seed):
    rng = np.random.default_rng(seed)
    B, T, D, H = 3, 5, 3, 4
    layer = perturb(LayerNormLSTM(D, H, rng=rng), rng)
    errors = run_gradcheck(layer.forward, layer.backward, layer.params, B, T, D, H, rng)
    assert set(errors) == set(layer.params) | {"x", "h0", "c0"}
    assert max(errors.values()) < 1e-6, errors


def test_layernorm_lstm_invariant_to_weight_scale():
    """LN makes the cell invariant to rescaling W and U (up to the eps in the variance)."""
    rng = np.random.default_rng(9)
    layer = LayerNormLSTM(3, 4, rng=rng, eps=1e-12)
    x = rng.standard_normal((2, 6, 3))
    out, _, _ = layer.forward(x)
    layer.params["kernel"] *= 10.0
    layer.params["recurrent_kernel"] *= 0.1
    out2, _, _ = layer.forward(x)
    np.testing.assert_allclose(out2, out, atol=1e-6)


def test_layernorm_lstm_bad_input():
    rng = np.random.default_rng(10)
    layer = LayerNormLSTM(3, 4, rng=rng)
    with pytest.raises(ValueError, match="x"):
        layer.forward(rng.standard_normal((2, 5, 2)))
    with pytest.raises(ValueError, match="x"):
        layer.forward(np.full((2, 5, 3), np.nan))
    with pytest.raises(ValueError, match="state0"):
        layer.forward(rng.standard_normal((2, 5, 3)), state0=np.zeros((2, 4)))
    with pytest.raises(ValueError, match="h0"):
        layer.forward(rng.standard_normal((2, 5, 3)), state0=(np.zeros((3, 4)), np.zeros((2, 4))))
    with pytest.raises(ValueError, match="eps"):
        LayerNormLSTM(3, 4, rng=rng, eps=0.0)
    with pytest.raises(ValueError, match="input_dim must be an integer >= 1"):
        LayerNormLSTM(0, 4, rng=rng)
    layer.params["gamma_c"] = np.ones(5)
    with pytest.raises(ValueError, match="gamma_c"):
        layer.forward(rng.standard_normal((2, 5, 3)))


def _torch_layer_norm(z, eps):
    mu = z.mean(-1, keepdim=True)
    return (z - mu) / (((z - mu) ** 2).mean(-1, keepdim=True) + eps).sqrt()


def _torch_lnlstm_grads(layer, x, h0, c0, R, Sh, Sc):
    """The same loss as run_gradcheck, differentiated by PyTorch's autograd in float64."""
    torch = pytest.importorskip("torch")
    P = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in layer.params.items()}
    X, H0, C0 = (torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in (x, h0, c0))
    H, eps, h, c = layer.units, layer.eps, H0, C0
    xin = P["gamma_x"] * _torch_layer_norm(X @ P["kernel"], eps) + P["bias"]
    loss = 0.0
    for t in range(x.shape[1]):
        a = xin[:, t] + P["gamma_h"] * _torch_layer_norm(h @ P["recurrent_kernel"], eps)
        i, f = torch.sigmoid(a[:, :H]), torch.sigmoid(a[:, H : 2 * H])
        g, o = torch.tanh(a[:, 2 * H : 3 * H]), torch.sigmoid(a[:, 3 * H :])
        c = f * c + i * g
        h = o * torch.tanh(P["gamma_c"] * _torch_layer_norm(c, eps) + P["beta_c"])
        loss = loss + (torch.tensor(R[:, t]) * h).sum()
    loss = loss + (torch.tensor(Sh) * h).sum() + (torch.tensor(Sc) * c).sum()
    loss.backward()
    grads = {k: v.grad.numpy() for k, v in P.items()}
    return {**grads, "x": X.grad.numpy(), "h0": H0.grad.numpy(), "c0": C0.grad.numpy()}


@pytest.mark.parametrize("B, T, D, H", [(3, 5, 3, 4), (2, 4, 1, 2), (2, 4, 2, 1), (1, 3, 1, 1)])
def test_layernorm_lstm_matches_autograd(B, T, D, H):
    """Backward pass equal to PyTorch autograd, also where finite differences are unreliable.

    With one input feature (D = 1) the normalised projection LN(x_t W) depends on x_t only through
    its sign and eps, so dloss/dx is ~1e-9 or smaller; a central difference of that derivative is
    round-off (its relative error grows as the step shrinks, about 1e-3 at step 1e-5 with
    eps = 1e-12). With H = 1 the cell-state normalisation has zero variance. The analytic gradient
    is checked here against autograd instead of finite differences.
    """
    rng = np.random.default_rng(100 + B + T + D + H)
    layer = perturb(LayerNormLSTM(D, H, rng=rng), rng)
    x = rng.standard_normal((B, T, D))
    h0, c0 = 0.5 * rng.standard_normal((B, H)), 0.5 * rng.standard_normal((B, H))
    R = rng.standard_normal((B, T, H))
    Sh, Sc = rng.standard_normal((B, H)), rng.standard_normal((B, H))
    _, _, cache = layer.forward(x, (h0, c0))
    g = layer.backward(R, cache, (Sh, Sc))
    ours = {**g.params, "x": g.x, "h0": g.state0[0], "c0": g.state0[1]}
    ref = _torch_lnlstm_grads(layer, x, h0, c0, R, Sh, Sc)
    assert set(ours) == set(ref)
    for name in ref:
        np.testing.assert_allclose(ours[name], ref[name], rtol=1e-9, atol=1e-12 * (1 + np.abs(ref[name]).max()), err_msg=name)
