"""The character-level language model: gradient check, streams, training and sampling."""

from __future__ import annotations

import numpy as np
import pytest

from rnnbook.data import CharVocab, load_tinyshakespeare
from rnnbook.scratch import CharLM, evaluate_charlm, make_streams, train_charlm
from rnnbook.scratch.gradcheck import gradcheck
from rnnbook.scratch.minchar import MinCharRNN, _loss_fun, minchar_to_charlm, train_minchar


@pytest.mark.parametrize("embed_dim", [None, 4])
def test_full_model_gradcheck(embed_dim):
    rng = np.random.default_rng(0)
    lm = CharLM(7, 6, rng=rng, embed_dim=embed_dim)
    ids, targets = rng.integers(0, 7, (3, 5)), rng.integers(0, 7, (3, 5))
    state0 = rng.normal(0, 0.5, (3, 6))
    _loss, grads, _ = lm.loss_and_grads(ids, targets, state0)
    assert set(grads) == set(lm.params)
    # A mean loss (~2 nats) has round-off ~1e-16·2/eps, comparable to its smallest gradient entries
    # at eps=1e-6; the O(eps⁴) five-point stencil allows eps=1e-3 and keeps both errors ~1e-12.
    errors = gradcheck(lambda: lm.loss(ids, targets, state0)[0], lm.params, grads, eps=1e-3, points=4)
    assert max(errors.values()) < 1e-6, errors


def test_make_streams():
    ids = np.arange(23)
    x, y = make_streams(ids, 4)  # L = 22 // 4 = 5
    assert x.shape == y.shape == (4, 5)
    np.testing.assert_array_equal(x[1], [5, 6, 7, 8, 9])
    np.testing.assert_array_equal(y, x + 1)
    with pytest.raises(ValueError, match="at least batch_size"):
        make_streams(np.arange(3), 4)


def test_state_carrying_equals_one_long_pass():
    """Evaluating in chunks with the state carried gives the loss of one pass over the whole stream."""
    rng = np.random.default_rng(1)
    lm = CharLM(5, 4, rng=rng, embed_dim=3)
    ids = rng.integers(0, 5, 101)
    x, y = make_streams(ids, 2)
    full, _ = lm.loss(x, y)
    assert evaluate_charlm(lm, ids, batch_size=2, seq_len=7) == pytest.approx(full, rel=1e-12)


def test_minchar_matches_charlm():
    """The min-char-rnn baseline and the one-hot CharLM compute the same loss and gradients."""
    rng = np.random.default_rng(2)
    m = MinCharRNN.init(6, 5, rng)
    for w in (m.Wxh, m.Whh, m.Why):
        w *= 30  # away from the tiny init so the comparison is not trivial
    ids = list(rng.integers(0, 6, 9))
    loss, (_dWxh, dWhh, _dWhy, _dbh, dby), h = _loss_fun(m, ids[:-1], ids[1:], np.zeros((5, 1)))
    lm = minchar_to_charlm(m)
    lm_loss, g, state = lm.loss_and_grads(np.array([ids[:-1]]), np.array([ids[1:]]))
    assert lm_loss * 8 == pytest.approx(loss, rel=1e-12)  # min-char sums, CharLM averages
    np.testing.assert_allclose(state[0], h[:, 0], atol=1e-12)
    np.testing.assert_allclose(8 * g["rnn/recurrent_kernel"], np.clip(dWhh, -5, 5).T, atol=1e-10)
    np.testing.assert_allclose(8 * g["head/bias"], dby[:, 0], atol=1e-10)


def test_training_learns_shakespeare_quickly():
    text = load_tinyshakespeare()[:60_000]
    vocab = CharVocab.from_text(text)
    ids = vocab.encode(text)
    train, val = ids[:54_000], ids[54_000:]
    rng = np.random.default_rng(0)
    lm = CharLM(vocab.size, 32, rng=rng, embed_dim=16)
    before = evaluate_charlm(lm, val, batch_size=8, seq_len=64)
    assert before == pytest.approx(np.log(vocab.size), abs=0.05)  # near-uniform at init
    log = train_charlm(lm, train, steps=300, batch_size=16, seq_len=32, val_ids=val, eval_every=150,
                       eval_kwargs={"batch_size": 8, "seq_len": 64})
    # 53,999 // 16 = 3,374 characters per stream = 105 chunks of 32 and one of 14 (106 updates per
    # pass); 300 updates = two passes and 88 chunks of the third
    assert log.chars == 16 * (2 * 3374 + 88 * 32) and len(log.train_loss) == 300
    assert log.eval_step == [150, 300] and log.eval_loss[1] < log.eval_loss[0]
    assert log.eval_loss[-1] < 2.6  # a unigram model of these 54,000 characters scores 3.27 nats on `val`
    assert all(np.isfinite(log.grad_norm))
    out = lm.sample(vocab.encode("ROMEO:"), 50, rng=np.random.default_rng(0), temperature=0.5)
    assert out.shape == (50,) and out.min() >= 0 and out.max() < vocab.size
    again = lm.sample(vocab.encode("ROMEO:"), 50, rng=np.random.default_rng(0), temperature=0.5)
    np.testing.assert_array_equal(out, again)


def test_temperature_extremes():
    rng = np.random.default_rng(3)
    lm = CharLM(4, 3, rng=rng)
    lm.head.params["bias"][...] = [0.0, 3.0, 0.0, 0.0]
    lm.head.params["kernel"][...] = 0.0
    cold = lm.sample([0], 200, rng=np.random.default_rng(0), temperature=0.05)
    assert np.all(cold == 1)  # → greedy
    hot = lm.sample([0], 4000, rng=np.random.default_rng(0), temperature=100.0)
    assert np.all(np.abs(np.bincount(hot, minlength=4) / 4000 - 0.25) < 0.04)  # → uniform
    greedy = lm.sample([0], 20, rng=np.random.default_rng(0), temperature=0.0)
    assert np.all(greedy == 1)  # temperature 0 is greedy decoding, as in rnnbook.sampling.sample
    with pytest.raises(ValueError, match="temperature"):
        lm.sample([0], 1, rng=rng, temperature=-1.0)
    with pytest.raises(TypeError, match="n must be an integer"):
        lm.sample([0], 2.5, rng=rng)


def test_train_minchar_runs_and_reduces_loss():
    text = load_tinyshakespeare()[:20_000]
    vocab = CharVocab.from_text(text)
    ids = vocab.encode(text)
    m = MinCharRNN.init(vocab.size, 16, np.random.default_rng(0))
    before = evaluate_charlm(minchar_to_charlm(m), ids[-2000:], batch_size=4, seq_len=100)
    chars, secs = train_minchar(m, ids[:-2000], seconds=1.0)
    assert chars > 0 and secs >= 1.0
    assert evaluate_charlm(minchar_to_charlm(m), ids[-2000:], batch_size=4, seq_len=100) < before


def test_five_point_stencil_is_more_accurate():
    from rnnbook.scratch.gradcheck import numerical_gradient

    x = np.array([0.3, -1.2, 2.0])
    f = lambda: float(np.sum(np.sin(x) * np.exp(x)))
    exact = np.exp(x) * (np.sin(x) + np.cos(x))
    two = numerical_gradient(f, x, 1e-3)
    four = numerical_gradient(f, x, 1e-3, points=4)
    assert np.max(np.abs(four - exact)) < 1e-10 < np.max(np.abs(two - exact))
    with pytest.raises(ValueError, match="points must be 2 or 4"):
        numerical_gradient(f, x, points=3)
