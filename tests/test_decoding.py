"""Greedy and beam search (rnnbook.decoding) against exhaustive search on a small Markov decoder."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from rnnbook.decoding import beam_search, beam_search_batch, greedy_decode, length_penalty

V, EOS, BOS = 4, 0, 3


def markov_step(seed: int):
    """A decoder whose next-token distribution depends on the last token and on the step count."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(6, V, V)) * 2.0

    def step(tokens, state):
        t = state[:, 0].astype(int)
        z = logits[np.minimum(t, 5), tokens]
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return logp, state + 1

    def seq_logp(seq):
        total, last = 0.0, BOS
        for t, tok in enumerate(seq):
            z = logits[min(t, 5), last]
            total += z[tok] - np.log(np.exp(z).sum())
            last = tok
        return total

    return step, seq_logp


def exhaustive_best(seq_logp, max_len, alpha):
    """Best finished sequence (ending in EOS, EOS only at the end) by length-normalised score."""
    best = None
    for n in range(1, max_len + 1):
        for body in itertools.product(range(1, V), repeat=n - 1):
            seq = body + (EOS,)
            s = seq_logp(seq) / length_penalty(n, alpha)
            if best is None or s > best[1]:
                best = (seq, s)
    return best


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("alpha", [0.0, 0.6, 1.5])
def test_wide_beam_finds_the_exhaustive_optimum(seed, alpha):
    step, seq_logp = markov_step(seed)
    max_len = 4
    hyps = beam_search(step, np.zeros((1, 1)), BOS, EOS, max_len, beam_width=V**max_len, alpha=alpha)
    seq, score = exhaustive_best(seq_logp, max_len, alpha)
    assert hyps[0].finished and hyps[0].tokens == seq
    assert hyps[0].score == pytest.approx(score, abs=1e-12)
    assert hyps[0].log_prob == pytest.approx(seq_logp(seq), abs=1e-12)
    done = [h.score for h in hyps if h.finished]
    assert done == sorted(done, reverse=True) and hyps[: len(done)] == [h for h in hyps if h.finished]


@pytest.mark.parametrize("seed", range(5))
def test_beam_of_one_is_greedy(seed):
    step, seq_logp = markov_step(seed)
    g = greedy_decode(step, np.zeros((1, 1)), BOS, EOS, max_len=6)
    b = beam_search(step, np.zeros((1, 1)), BOS, EOS, max_len=6, beam_width=1, alpha=0.0)[0]
    assert b.tokens == g.tokens and b.log_prob == pytest.approx(g.log_prob)
    assert g.log_prob == pytest.approx(seq_logp(g.tokens))


@pytest.mark.parametrize("seed", range(5))
def test_wider_beam_is_never_worse_in_log_prob_at_alpha_zero(seed):
    step, _ = markov_step(seed)
    best = [beam_search(step, np.zeros((1, 1)), BOS, EOS, 5, beam_width=k, alpha=0.0)[0] for k in (1, 2, 4, 16, 1024)]
    assert best[-1].finished
    assert best[-1].score >= max(h.score for h in best if h.finished) - 1e-12


def test_state_structures_are_reordered_with_the_beams():
    step, _ = markov_step(0)

    def dict_step(tokens, state):
        logp, new = step(tokens, state["t"])
        assert state["pair"][0].shape[0] == tokens.shape[0] and state["pair"][1][0].shape[0] == tokens.shape[0]
        return logp, {"t": new, "pair": (new * 2, [new])}

    init = {"t": np.zeros((1, 1)), "pair": (np.zeros((1, 1)), [np.zeros((1, 1))])}
    a = beam_search(dict_step, init, BOS, EOS, 4, beam_width=3)
    b = beam_search(step, np.zeros((1, 1)), BOS, EOS, 4, beam_width=3)
    assert [h.tokens for h in a] == [h.tokens for h in b]


def test_unfinished_hypotheses_are_returned_when_nothing_ends():
    def never_ends(tokens, state):
        logp = np.full((tokens.shape[0], V), np.log(1.0 / 3))
        logp[:, EOS] = -np.inf
        return logp, state

    hyps = beam_search(never_ends, np.zeros((1, 1)), BOS, EOS, 3, beam_width=2)
    assert len(hyps) == 2 and not any(h.finished for h in hyps) and all(len(h.tokens) == 3 for h in hyps)
    g = greedy_decode(never_ends, np.zeros((1, 1)), BOS, EOS, 3)
    assert not g.finished and len(g.tokens) == 3


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"beam_width": 0}, ValueError),
        ({"beam_width": 2.5}, TypeError),
        ({"max_len": 0}, ValueError),
        ({"alpha": -1.0}, ValueError),
        ({"alpha": float("nan")}, ValueError),
        ({"eos_id": 9}, ValueError),
        ({"bos_id": "x"}, TypeError),
    ],
)
def test_bad_arguments_are_named(kwargs, error):
    step, _ = markov_step(0)
    args = {"bos_id": BOS, "eos_id": EOS, "max_len": 3, "beam_width": 2, "alpha": 0.6} | kwargs
    with pytest.raises(error, match=next(iter(kwargs))):
        beam_search(step, np.zeros((1, 1)), **args)


def test_bad_step_outputs_are_rejected():
    with pytest.raises(ValueError, match="log-probabilities"):
        beam_search(lambda t, s: (np.ones((t.shape[0], V)), s), np.zeros((1, 1)), BOS, EOS, 3)
    with pytest.raises(ValueError, match="NaN"):
        greedy_decode(lambda t, s: (np.full((t.shape[0], V), np.nan), s), np.zeros((1, 1)), BOS, EOS, 3)
    with pytest.raises(ValueError, match="shape"):
        greedy_decode(lambda t, s: (np.zeros((5, V)), s), np.zeros((1, 1)), BOS, EOS, 3)
    with pytest.raises(TypeError, match="pair"):
        greedy_decode(lambda t, s: np.zeros((1, V)), np.zeros((1, 1)), BOS, EOS, 3)


@pytest.mark.parametrize("seed", range(5))
def test_top_k_selection_matches_a_full_stable_sort(seed):
    # beam search keeps its beam_width best extensions with a partial sort; with many ties and
    # -inf entries it must pick and order exactly what a full stable argsort picks
    from rnnbook.decoding import _top_k_stable

    rng = np.random.default_rng(seed)
    values = -rng.integers(0, 6, size=200).astype(float)  # six distinct values: many ties
    values[rng.choice(200, 20, replace=False)] = -np.inf
    for k in (1, 2, 4, 7, 50, 199, 200, 300):
        expected = np.argsort(-values, kind="stable")[:k]
        np.testing.assert_array_equal(_top_k_stable(values, k), expected)


def sentence_step(seed: int, n_sentences: int, ties: bool = False):
    """A decoder over several sentences: row ``i`` of the state holds ``(step count, sentence)``,
    and each sentence has its own Markov table. ``ties=True`` rounds the logits (many equal
    log-probabilities) and forbids some tokens (-inf), to exercise tie-breaking."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(n_sentences, 6, V, V)) * 2.0
    if ties:
        logits = np.round(logits)
        logits[rng.random(logits.shape) < 0.15] = -np.inf
        logits[..., 1] = np.maximum(logits[..., 1], 0.0)  # every row keeps a finite token

    def step(tokens, state):
        t, sent = state[:, 0].astype(int), state[:, 1].astype(int)
        z = logits[sent, np.minimum(t, 5), tokens]
        zmax = z.max(axis=1, keepdims=True)
        logp = z - zmax - np.log(np.exp(z - zmax).sum(axis=1, keepdims=True))
        return logp, state + np.array([1, 0])

    init = np.stack([np.zeros(n_sentences), np.arange(n_sentences)], axis=1)
    return step, init


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("beam_width, alpha, max_len", [(1, 0.0, 6), (2, 0.6, 5), (3, 1.5, 6), (5, 0.0, 4), (4, 0.6, 1)])
def test_batched_beam_search_is_beam_search_sentence_by_sentence(seed, ties, beam_width, alpha, max_len):
    step, init = sentence_step(seed, n_sentences=7, ties=ties)
    batched = beam_search_batch(step, init, BOS, EOS, max_len, beam_width, alpha)
    assert len(batched) == 7
    for i in range(7):
        alone = beam_search(step, init[i : i + 1], BOS, EOS, max_len, beam_width, alpha)
        assert batched[i] == alone  # same tokens, log-probabilities, scores, order


def test_batched_beam_search_on_a_seq2seq_decoder():
    # a NumPy encoder-decoder with random weights: all the sentences of a batch at once give what
    # each gives alone (the state is a tuple whose rows are reordered with the beams)
    from rnnbook.seq2seq_numpy import NumpySeq2Seq

    rng = np.random.default_rng(0)
    units, emb, vs, vt = 8, 6, 20, 30
    w = lambda *shape: rng.normal(scale=0.5, size=shape)
    gru = lambda n_in: [w(n_in, 3 * units), w(units, 3 * units), w(2, 3 * units)]
    net = NumpySeq2Seq(
        {
            "src_embedding": [w(vs, emb)],
            "encoder_gru": gru(emb),
            "tgt_embedding": [w(vt, emb)],
            "decoder_gru": gru(emb),
            "attention": [w(units)],
            "combine": [w(2 * units, units), w(units)],
            "logits": [w(units, vt) * 3, w(vt)],
        }
    )
    src = rng.integers(1, vs, size=(12, 5))
    src[::3, 3:] = 0  # some shorter sentences
    h, e, m = net.encode(src)
    batched = beam_search_batch(net, (h, e, m), 1, 2, 8, beam_width=3, alpha=0.6)
    for i in range(len(src)):
        alone = beam_search(net, (h[i : i + 1], e[i : i + 1], m[i : i + 1]), 1, 2, 8, beam_width=3, alpha=0.6)
        assert [x.tokens for x in batched[i]] == [x.tokens for x in alone]
        np.testing.assert_allclose([x.score for x in batched[i]], [x.score for x in alone], rtol=1e-12)


def test_batched_beam_search_rejects_bad_states_and_arguments():
    step, init = sentence_step(0, 3)
    with pytest.raises(ValueError, match="same number of rows"):
        beam_search_batch(lambda t, s: (step(t, s[0])[0], s), (init, np.zeros((2, 1))), BOS, EOS, 3)
    with pytest.raises(ValueError, match="at least one row"):
        beam_search_batch(step, init[:0], BOS, EOS, 3)
    with pytest.raises(TypeError, match="state"):
        beam_search_batch(step, "abc", BOS, EOS, 3)
    with pytest.raises(ValueError, match="beam_width"):
        beam_search_batch(step, init, BOS, EOS, 3, beam_width=0)
    with pytest.raises(ValueError, match="eos_id"):
        beam_search_batch(step, init, BOS, 9, 3)


@pytest.mark.parametrize("seed", range(3))
def test_top_k_of_every_row_matches_the_one_row_version(seed):
    from rnnbook.decoding import _top_k_stable, _top_k_stable_rows

    rng = np.random.default_rng(seed)
    values = -rng.integers(0, 4, size=(9, 40)).astype(float)
    values[rng.random(values.shape) < 0.3] = -np.inf
    values[0] = -np.inf  # a row with nothing finite
    for k in (1, 3, 39, 40, 41):
        got = _top_k_stable_rows(values, k)
        np.testing.assert_array_equal(got, np.stack([_top_k_stable(row, k) for row in values]))
