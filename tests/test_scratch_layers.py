"""Dense, Embedding, softmax cross-entropy and the optimisers: gradient checks and behaviour."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnnbook.scratch import SGD, Adagrad, Adam, Dense, Embedding, clip_grad_norm, global_norm, softmax_cross_entropy
from rnnbook.scratch.gradcheck import gradcheck

TOL = 1e-6


def test_dense_gradcheck():
    rng = np.random.default_rng(0)
    layer = Dense(4, 3, rng=rng)
    layer.params["bias"][...] = rng.standard_normal(3)
    x = rng.standard_normal((2, 5, 4))
    W = rng.standard_normal((2, 5, 3))
    y, cache = layer.forward(x)
    np.testing.assert_allclose(y[1, 2], x[1, 2] @ layer.params["kernel"] + layer.params["bias"])
    g = layer.backward(W, cache)
    errors = gradcheck(lambda: float(np.sum(layer.forward(x)[0] * W)), {**layer.params, "x": x}, {**g.params, "x": g.x}, eps=1e-5)
    assert max(errors.values()) < TOL, errors


def test_embedding_gradcheck_with_repeated_ids():
    rng = np.random.default_rng(1)
    layer = Embedding(6, 3, rng=rng)
    ids = np.array([[0, 2, 2, 5], [2, 0, 1, 1]])  # repeats must accumulate; id 3 and 4 get zero gradient
    W = rng.standard_normal((2, 4, 3))
    out, cache = layer.forward(ids)
    np.testing.assert_array_equal(out[1, 2], layer.params["embeddings"][1])
    g = layer.backward(W, cache)
    assert g.x is None and g.state0 is None
    grads = g.params
    np.testing.assert_array_equal(grads["embeddings"][[3, 4]], 0.0)
    np.testing.assert_allclose(grads["embeddings"][2], W[0, 1] + W[0, 2] + W[1, 0])
    errors = gradcheck(lambda: float(np.sum(layer.forward(ids)[0] * W)), layer.params, grads, eps=1e-5)
    assert max(errors.values()) < TOL, errors


@pytest.mark.parametrize("masked", [False, True])
def test_softmax_cross_entropy_gradcheck(masked):
    rng = np.random.default_rng(2)
    logits = rng.normal(0, 2, (3, 4, 5))
    targets = rng.integers(0, 5, (3, 4))
    mask = rng.random((3, 4)) < 0.6 if masked else None
    if masked:
        mask[0, 0] = True
    loss, d = softmax_cross_entropy(logits, targets, mask)
    # reference: plain per-step formula
    p = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    nll = -np.log(np.take_along_axis(p, targets[..., None], -1)[..., 0])
    ref = nll.mean() if mask is None else nll[mask].mean()
    assert loss == pytest.approx(ref, rel=1e-12)
    if masked:
        np.testing.assert_array_equal(d[~mask], 0.0)
    loss_fn = lambda: softmax_cross_entropy(logits, targets, mask)[0]
    errors = gradcheck(loss_fn, {"logits": logits}, {"logits": d}, eps=1e-3, points=4)
    assert errors["logits"] < TOL, errors


def test_softmax_cross_entropy_is_stable_for_huge_logits():
    logits = np.array([[[1000.0, 0.0, -1000.0], [-1e5, 1e5, 0.0]]])
    loss, d = softmax_cross_entropy(logits, np.array([[0, 0]]))
    assert loss == pytest.approx(1e5, rel=1e-12)  # first step costs 0, second 2e5; mean 1e5
    assert np.all(np.isfinite(d))


def test_layer_bad_inputs():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match=r"x must have shape \(\?, \?, 4\) = \(B, T, D=4\)"):
        Dense(4, 2, rng=rng).forward(np.zeros((2, 3, 5)))
    with pytest.raises(ValueError, match=r"x must have rank 3 with layout \(B, T, D\)"):
        Dense(4, 2, rng=rng).forward(np.zeros((2, 4)))
    with pytest.raises(ValueError, match="x contains 1 non-finite"):
        Dense(1, 2, rng=rng).forward(np.array([[[np.inf]]]))
    emb = Embedding(5, 2, rng=rng)
    with pytest.raises(ValueError, match=r"ids must lie in \[0, 5\)"):
        emb.forward(np.array([[0, 5]]))
    with pytest.raises(ValueError, match="ids must hold integer ids"):
        emb.forward(np.array([[0.0, 1.0]]))
    with pytest.raises(ValueError, match=r"ids must have rank 2 with layout \(B, T\)"):
        emb.forward(np.array([0, 1]))
    with pytest.raises(ValueError, match=r"targets must have shape \(2, 3\) = \(B=2, T=3\)"):
        softmax_cross_entropy(np.zeros((2, 3, 4)), np.zeros((2, 2), int))
    with pytest.raises(ValueError, match="mask selects no step"):
        softmax_cross_entropy(np.zeros((1, 2, 4)), np.zeros((1, 2), int), np.zeros((1, 2), bool))


@settings(max_examples=10, deadline=None)
@given(B=st.integers(1, 3), T=st.integers(1, 4), K=st.integers(2, 6), seed=st.integers(0, 2**16))
def test_property_cross_entropy(B, T, K, seed):
    rng = np.random.default_rng(seed)
    logits, targets = rng.normal(0, 3, (B, T, K)), rng.integers(0, K, (B, T))
    loss, d = softmax_cross_entropy(logits, targets)
    assert loss >= 0
    np.testing.assert_allclose(d.sum(-1), 0.0, atol=1e-12)  # softmax − one-hot sums to zero per step
    shifted, _ = softmax_cross_entropy(logits + rng.normal(0, 10, (B, T, 1)), targets)  # shift invariance
    assert shifted == pytest.approx(loss, rel=1e-9, abs=1e-12)


# ------------------------------------------------------------------------------------------ optimisers
def _quadratic(seed=0):
    """f(θ) = ½ Σ_k a_k θ_k² over two named arrays, minimum 0 at θ = 0."""
    rng = np.random.default_rng(seed)
    params = {"w": rng.normal(0, 3, (4, 3)), "b": rng.normal(0, 3, (3,))}
    scale = {"w": rng.uniform(0.5, 2.0, (4, 3)), "b": rng.uniform(0.5, 2.0, (3,))}
    f = lambda: 0.5 * sum(float(np.sum(scale[k] * params[k] ** 2)) for k in params)
    grad = lambda: {k: scale[k] * params[k] for k in params}
    return params, f, grad


@pytest.mark.parametrize(
    "opt", [SGD(0.1), SGD(0.05, momentum=0.9), Adagrad(0.5), Adam(0.1)], ids=["sgd", "momentum", "adagrad", "adam"]
)
def test_optimisers_minimise_a_quadratic(opt):
    params, f, grad = _quadratic()
    w_id = id(params["w"])
    f0 = f()
    for _ in range(300):
        opt.step(params, grad())
    assert id(params["w"]) == w_id  # updated in place
    assert f() < 1e-3 * f0, (f0, f())


def test_sgd_and_momentum_first_steps_by_hand():
    p = {"w": np.array([1.0])}
    opt = SGD(0.1, momentum=0.5)
    opt.step(p, {"w": np.array([2.0])})  # v = -0.2
    assert p["w"][0] == pytest.approx(0.8)
    opt.step(p, {"w": np.array([2.0])})  # v = 0.5·(-0.2) - 0.2 = -0.3
    assert p["w"][0] == pytest.approx(0.5)


def test_adam_first_step_is_lr_times_sign():
    p = {"w": np.array([1.0, -1.0, 3.0])}
    Adam(0.01).step(p, {"w": np.array([5.0, -0.1, 1e-3])})  # bias correction: first step ≈ lr·sign(g)
    np.testing.assert_allclose(p["w"], [0.99, -0.99, 2.99], atol=1e-7)


def test_optimiser_bad_inputs():
    with pytest.raises(ValueError, match="same names"):
        SGD(0.1).step({"w": np.zeros(2)}, {"v": np.zeros(2)})
    with pytest.raises(ValueError, match=r"parameter's shape \(2,\)"):
        Adam().step({"w": np.zeros(2)}, {"w": np.zeros(3)})


def test_clip_rescales_to_max_norm_exactly():
    rng = np.random.default_rng(0)
    grads = {"a": rng.normal(0, 10, (5, 4)), "b": rng.normal(0, 10, (4,))}
    before = {k: v.copy() for k, v in grads.items()}
    norm = np.sqrt(sum(np.sum(v**2) for v in before.values()))
    returned = clip_grad_norm(grads, 1.5)
    assert returned == pytest.approx(norm, rel=1e-12)
    assert global_norm(grads) == pytest.approx(1.5, rel=1e-12)
    for k, g in grads.items():  # same direction
        np.testing.assert_allclose(g, before[k] * (1.5 / norm), rtol=1e-12)


def test_clip_leaves_small_gradients_unchanged():
    grads = {"a": np.array([0.3, -0.4])}  # norm 0.5
    assert clip_grad_norm(grads, 1.0) == pytest.approx(0.5)
    np.testing.assert_array_equal(grads["a"], [0.3, -0.4])
    with pytest.raises(ValueError, match="NaN or inf"):
        clip_grad_norm({"a": np.array([np.nan])}, 1.0)


def test_relative_error_is_scale_aware():
    """Round-off on an entry near zero does not fail the check; a wrong entry of any size does."""
    from rnnbook.scratch.gradcheck import relative_error

    a = np.array([0.7, 2e-6, -0.3])
    assert relative_error(a, a + np.array([0.0, 1e-11, 0.0])) < 1e-7  # round-off ~1e-11 on a tiny entry
    assert relative_error(a, a * np.array([1.0, -1.0, 1.0])) > 1e-3  # tiny entry with the wrong sign
    assert relative_error(a, a * np.array([1.0, 1.0, 1.01])) > 1e-3  # 1 % off on a large entry
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    with pytest.raises(ValueError, match="finite"):
        relative_error(a, np.array([0.7, np.nan, -0.3]))
