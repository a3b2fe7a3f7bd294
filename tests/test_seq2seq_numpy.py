"""The NumPy inference copy of chapter 12's encoder-decoder agrees with the Keras models."""

from __future__ import annotations

import numpy as np
import pytest

from rnnbook.decoding import beam_search, greedy_decode
from rnnbook.seq2seq import build_seq2seq
from rnnbook.seq2seq_numpy import NumpySeq2Seq

SRC = np.array([[4, 5, 6, 2, 0], [7, 2, 0, 0, 0]], dtype=np.int32)
TGT_IN = np.array([[1, 5, 9, 3], [1, 12, 2, 0]], dtype=np.int32)


def _models(attention):
    import keras

    keras.utils.set_random_seed(0)
    return build_seq2seq(11, 13, units=8, emb=4, attention=attention)


@pytest.mark.parametrize("attention", [False, True])
def test_numpy_copy_matches_keras(attention):
    train, encoder, _ = _models(attention)
    net = NumpySeq2Seq.from_keras(train)
    assert net.attention is attention
    enc_out, h = (np.asarray(a) for a in encoder(SRC))
    h_np, enc_np, mask = net.encode(SRC)
    np.testing.assert_allclose(h_np, h, atol=1e-5)
    np.testing.assert_allclose(enc_np[SRC != 0], enc_out[SRC != 0], atol=1e-5)
    logits = np.asarray(train([SRC, TGT_IN]))
    expected = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    state = (h_np, enc_np, mask)
    for t in range(TGT_IN.shape[1]):
        log_probs, state = net.step(TGT_IN[:, t], state)
        real = TGT_IN[:, t] != 0
        np.testing.assert_allclose(log_probs[real], expected[real, t], atol=1e-5)
        if attention:
            np.testing.assert_allclose(net.last_weights.sum(-1), 1.0, atol=1e-12)
            assert np.all(net.last_weights[1, 2:] == 0)  # padding gets no weight


@pytest.mark.parametrize("attention", [False, True])
def test_loss_matches_keras_masked_cross_entropy(attention):
    import keras

    train, _, _ = _models(attention)
    net = NumpySeq2Seq.from_keras(train)
    tgt = np.concatenate([TGT_IN, np.array([[2], [0]], dtype=np.int32)], axis=1)
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0)
    expected = float(loss(tgt[:, 1:], train([SRC, tgt[:, :-1]])))
    assert net.loss(SRC, tgt) == pytest.approx(expected, abs=1e-5)
    # brute force: the mean negative log-probability of the real target tokens
    logits = np.asarray(train([SRC, tgt[:, :-1]]), dtype=np.float64)
    logp = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    real = tgt[:, 1:] != 0
    b, t = np.nonzero(real)
    assert net.loss(SRC, tgt) == pytest.approx(-logp[b, t, tgt[:, 1:][b, t]].mean(), abs=1e-5)


def test_greedy_batch_equals_greedy_decode():
    train, _, _ = _models(True)
    net = NumpySeq2Seq.from_keras(train)
    batched = net.greedy_batch(SRC, max_len=6)
    h, e, m = net.encode(SRC)
    for i in range(len(SRC)):
        hyp = greedy_decode(net, (h[i : i + 1], e[i : i + 1], m[i : i + 1]), 1, 2, 6)
        n = len(hyp.tokens)
        assert list(batched[i, :n]) == list(hyp.tokens)
    # beam width 1 without length normalisation is greedy decoding
    beam = beam_search(net, (h[:1], e[:1], m[:1]), 1, 2, 6, beam_width=1, alpha=0.0)
    assert beam[0].tokens == greedy_decode(net, (h[:1], e[:1], m[:1]), 1, 2, 6).tokens


def test_rejects_bad_input():
    train, _, _ = _models(False)
    net = NumpySeq2Seq.from_keras(train)
    with pytest.raises(ValueError, match="src must have rank 2"):
        net.encode(SRC[0])
    with pytest.raises(TypeError, match="integer token ids"):
        net.encode(SRC.astype(float))
    with pytest.raises(ValueError, match=r"ids in \[0, 11\)"):
        net.encode(SRC + 20)
    with pytest.raises(ValueError, match="at least one real token"):
        net.encode(np.zeros((1, 3), dtype=np.int32))
    state = net.encode(SRC)
    with pytest.raises(ValueError, match="same number of rows"):
        net.step(np.array([1]), state)
    with pytest.raises(TypeError, match="state must be the tuple"):
        net.step(np.array([1, 1]), state[0])
    with pytest.raises(ValueError, match="max_len"):
        net.greedy_batch(SRC, 0)
    with pytest.raises(ValueError, match="one row per src row"):
        net.loss(SRC, TGT_IN[:1])
    with pytest.raises(ValueError, match="no real target tokens"):
        net.loss(SRC, np.ones((2, 2), dtype=np.int32) * np.array([1, 0]))
    with pytest.raises(ValueError, match="missing the layers"):
        NumpySeq2Seq({"logits": []})
