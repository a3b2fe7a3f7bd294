"""Linear-chain CRF: brute force on tiny inputs, gradient check, TensorFlow and Keras agreement."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from rnnbook.numerics import logsumexp
from rnnbook.scratch.crf import (
    crf_log_partition,
    crf_marginals,
    crf_nll,
    crf_nll_and_grad,
    crf_sequence_score,
    viterbi_decode,
)
from rnnbook.scratch.gradcheck import gradcheck


def make_problem(seed: int = 0, B: int = 3, T: int = 4, K: int = 3):
    rng = np.random.default_rng(seed)
    e = rng.normal(size=(B, T, K))
    A = rng.normal(size=(K, K))
    s0 = rng.normal(size=K)
    sL = rng.normal(size=K)
    lengths = np.array([T, 1, T - 1][:B] + [T] * max(0, B - 3))
    mask = np.arange(T)[None] < lengths[:, None]
    tags = rng.integers(0, K, size=(B, T))
    return e, tags, mask, A, s0, sL


def brute_force(e, mask, A, s0, sL):
    """log Z, best path and best score of each row by enumerating every tag sequence."""
    out = []
    K = e.shape[2]
    for b in range(e.shape[0]):
        L = int(mask[b].sum())
        paths = list(itertools.product(range(K), repeat=L))
        scores = []
        for y in paths:
            s = s0[y[0]] + sL[y[-1]] + sum(e[b, t, y[t]] for t in range(L))
            s += sum(A[y[t - 1], y[t]] for t in range(1, L))
            scores.append(s)
        scores = np.array(scores)
        out.append((logsumexp(scores), paths[int(scores.argmax())], scores.max()))
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_brute_force(seed: int) -> None:
    e, tags, mask, A, s0, sL = make_problem(seed)
    log_z = crf_log_partition(e, mask, A, s0, sL)
    best, best_score = viterbi_decode(e, mask, A, s0, sL)
    unary, pairwise = crf_marginals(e, mask, A, s0, sL)
    for b, (lz, path, score) in enumerate(brute_force(e, mask, A, s0, sL)):
        L = len(path)
        np.testing.assert_allclose(log_z[b], lz, rtol=1e-12)
        assert tuple(best[b, :L]) == path and (best[b, L:] == 0).all()
        np.testing.assert_allclose(best_score[b], score, rtol=1e-12)
    # marginals are distributions on real steps and zero on padding
    np.testing.assert_allclose(unary.sum(-1), mask.astype(float), atol=1e-12)
    np.testing.assert_allclose(pairwise.sum((-1, -2)), mask[:, 1:].astype(float), atol=1e-12)
    np.testing.assert_allclose(pairwise.sum(-1), unary[:, :-1] * mask[:, 1:, None], atol=1e-12)
    # the score of the Viterbi path is its max score
    np.testing.assert_allclose(crf_sequence_score(e, best, mask, A, s0, sL), best_score)
    # NLL of the observed tags = log Z - s(y) >= 0
    assert (crf_nll(e, tags, mask, A, s0, sL) > 0).all()


def test_padding_changes_nothing() -> None:
    e, tags, mask, A, s0, sL = make_problem(3)
    rng = np.random.default_rng(9)
    e2 = np.where(mask[:, :, None], e, rng.normal(size=e.shape) * 100)
    tags2 = np.where(mask, tags, 2)
    np.testing.assert_allclose(crf_nll(e2, tags2, mask, A, s0, sL), crf_nll(e, tags, mask, A, s0, sL))
    L = int(mask[2].sum())
    alone = crf_log_partition(e[2:3, :L], mask[2:3, :L], A, s0, sL)
    np.testing.assert_allclose(crf_log_partition(e, mask, A, s0, sL)[2], alone[0])


@pytest.mark.parametrize("seed", [0, 1])
def test_gradient_check(seed: int) -> None:
    e, tags, mask, A, s0, sL = make_problem(seed, B=3, T=5, K=4)
    e = np.where(mask[:, :, None], e, 0.0)
    _, grads = crf_nll_and_grad(e, tags, mask, A, s0, sL)
    assert np.all(grads["emissions"][~mask] == 0)
    arrays = {"emissions": e, "transitions": A, "start": s0, "end": sL}
    errors = gradcheck(lambda: float(crf_nll(e, tags, mask, A, s0, sL).sum()), arrays, grads)
    assert max(errors.values()) < 1e-6, errors


def test_stable_with_large_scores() -> None:
    e, tags, mask, A, s0, sL = make_problem(4)
    loss, grads = crf_nll_and_grad(e * 1e3, tags, mask, A * 1e3, s0, sL)
    assert np.isfinite(loss) and all(np.isfinite(g).all() for g in grads.values())


def test_bad_input() -> None:
    e, tags, mask, A, s0, sL = make_problem(0)
    with pytest.raises(ValueError, match="rank 3"):
        crf_log_partition(e[0], mask, A, s0, sL)
    with pytest.raises(TypeError, match="mask must be a boolean"):
        crf_log_partition(e, mask.astype(int), A, s0, sL)
    with pytest.raises(ValueError, match="mask must have shape"):
        crf_log_partition(e, mask[:, :2], A, s0, sL)
    bad = mask.copy()
    bad[0, 0] = False
    with pytest.raises(ValueError, match="position 0"):
        crf_log_partition(e, bad, A, s0, sL)
    bad = mask.copy()
    bad[0, 1] = False
    with pytest.raises(ValueError, match="prefix"):
        viterbi_decode(e, bad, A, s0, sL)
    with pytest.raises(ValueError, match=r"transitions must have shape \(3, 3\)"):
        crf_log_partition(e, mask, A[:2], s0, sL)
    with pytest.raises(ValueError, match="non-finite"):
        crf_log_partition(e * np.nan, mask, A, s0, sL)
    with pytest.raises(ValueError, match=r"tags must lie in \[0, 3\)"):
        crf_nll(e, tags + 3, mask, A, s0, sL)
    with pytest.raises(TypeError, match="tags must be an integer"):
        crf_nll(e, tags.astype(float), mask, A, s0, sL)
    with pytest.raises(TypeError, match="emissions must be floating"):
        crf_log_partition(e.astype(int), mask, A, s0, sL)
    with pytest.raises(ValueError, match="positive sizes"):
        crf_log_partition(e[:, :0], mask[:, :0], A, s0, sL)


def test_tensorflow_loss_and_gradient_agree() -> None:
    import tensorflow as tf

    from rnnbook.crf_keras import crf_log_partition_tf, crf_nll_tf

    e, tags, mask, A, s0, sL = make_problem(5, B=4, T=6, K=5)
    np.testing.assert_allclose(
        crf_log_partition_tf(e, mask, A, s0, sL).numpy(), crf_log_partition(e, mask, A, s0, sL), rtol=1e-12
    )
    variables = [tf.Variable(x) for x in (e, A, s0, sL)]
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(crf_nll_tf(variables[0], tags, mask, *variables[1:]))
    tf_grads = tape.gradient(loss, variables)
    np_loss, np_grads = crf_nll_and_grad(e, tags, mask, A, s0, sL)
    np.testing.assert_allclose(loss.numpy(), np_loss, rtol=1e-12)
    for g, name in zip(tf_grads, ["emissions", "transitions", "start", "end"]):
        np.testing.assert_allclose(g.numpy(), np_grads[name], atol=1e-10, err_msg=name)
    # a single-step batch (the forward fold has no steps)
    np.testing.assert_allclose(
        crf_log_partition_tf(e[:, :1], mask[:, :1], A, s0, sL).numpy(),
        crf_log_partition(e[:, :1], mask[:, :1], A, s0, sL),
        rtol=1e-12,
    )


def test_keras_layer_matches_numpy() -> None:
    from rnnbook.crf_keras import CRF

    e, tags, mask, A, s0, sL = make_problem(6, B=3, T=5, K=4)
    layer = CRF(4, dtype="float64")
    layer.transitions.assign(A)
    layer.start.assign(s0)
    layer.end.assign(sL)
    np.testing.assert_allclose(layer.nll(e, tags, mask).numpy(), crf_nll(e, tags, mask, A, s0, sL), rtol=1e-12)
    np.testing.assert_array_equal(layer.decode(e, mask), viterbi_decode(e, mask, A, s0, sL)[0])
    np.testing.assert_array_equal(np.asarray(layer(e)), e)
    with pytest.raises(ValueError, match="K = 4"):
        layer.nll(e[:, :, :3], tags, mask)
    with pytest.raises(ValueError, match="num_tags must be a positive int"):
        CRF(0)
    with pytest.raises(ValueError, match="mask must be a boolean"):
        layer.nll(e, tags, mask.astype(np.int32))
