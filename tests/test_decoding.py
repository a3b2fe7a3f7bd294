"""Greedy and beam search (rnnbook.decoding) against exhaustive search on a small Markov decoder."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from rnnbook.decoding import beam_search, greedy_decode, length_penalty

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
