"""Decoding a sequence-to-sequence model: greedy search and beam search with length normalisation.

Both work with any decoder through one callable, ``step``, so the same code decodes a NumPy
decoder (chapter 7) and a Keras one (chapter 12)::

    log_probs, new_state = step(tokens, state)

- ``tokens``: ``(K,)`` int array, the last token of each of ``K`` live hypotheses;
- ``state``: whatever the decoder carries (an array, a tuple or a dict of arrays) whose arrays all
  have ``K`` rows, one per hypothesis;
- ``log_probs``: ``(K, V)`` float array of log-probabilities of the next token (log-softmax output);
- ``new_state``: the state after reading ``tokens``, ``K`` rows again.

Beam search keeps the ``beam_width`` best prefixes by total log-probability. Finished hypotheses
(those that emitted ``eos_id``) are ranked by the length-normalised score of Wu et al. (2016),

.. math:: s(y) = \\frac{\\log p(y \\mid x)}{\\mathrm{lp}(y)}, \\qquad
          \\mathrm{lp}(y) = \\left(\\frac{5 + |y|}{6}\\right)^{\\alpha},

so that ``alpha = 0`` ranks by raw log-probability (which favours short outputs) and larger
``alpha`` favours longer ones. ``|y|`` counts the emitted tokens including ``eos``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .checks import check_int, check_real

__all__ = ["Hypothesis", "beam_search", "beam_search_batch", "greedy_decode", "length_penalty"]

StepFn = Callable[[np.ndarray, Any], tuple[np.ndarray, Any]]


@dataclass(frozen=True)
class Hypothesis:
    """One decoded output: ``tokens`` (without the start token, with ``eos`` if it finished),
    its total ``log_prob``, its length-normalised ``score`` and whether it ``finished``."""

    tokens: tuple[int, ...]
    log_prob: float
    score: float
    finished: bool


def _check_alpha(alpha: object) -> float:
    return check_real("alpha", alpha, minimum=0.0)


def length_penalty(length: int | np.ndarray, alpha: float) -> np.ndarray | float:
    """Wu et al.'s :math:`((5 + |y|) / 6)^{\\alpha}`; 1 for ``alpha = 0``."""
    return ((5.0 + np.asarray(length, dtype=np.float64)) / 6.0) ** _check_alpha(alpha)


def _select(state: Any, rows: np.ndarray) -> Any:
    """The decoder state restricted (and reordered) to ``rows``: arrays, tuples, lists and dicts."""
    if isinstance(state, np.ndarray):
        return state[rows]
    if isinstance(state, tuple):
        return tuple(_select(s, rows) for s in state)
    if isinstance(state, list):
        return [_select(s, rows) for s in state]
    if isinstance(state, dict):
        return {k: _select(v, rows) for k, v in state.items()}
    if state is None:
        return None
    if hasattr(state, "numpy"):  # a TensorFlow tensor
        return state.numpy()[rows]
    raise TypeError(f"state must be an array or a tuple/list/dict of arrays, got {type(state).__name__}")


def _num_rows(state: Any) -> int:
    """The number of rows shared by every array in ``state`` (see :func:`_select`)."""
    if isinstance(state, np.ndarray) or hasattr(state, "numpy"):
        if np.ndim(state) == 0:
            raise ValueError("state arrays must have one row per sentence, got a 0-d array")
        return int(np.shape(state)[0])
    parts = list(state.values()) if isinstance(state, dict) else state
    if not isinstance(parts, (tuple, list)) or not parts:
        raise TypeError(f"state must be an array or a non-empty tuple/list/dict of arrays, got {type(state).__name__}")
    rows = {_num_rows(part) for part in parts if part is not None}
    if len(rows) != 1:
        raise ValueError(f"every array in state must have the same number of rows, got {sorted(rows)}")
    return rows.pop()


def _call_step(step: StepFn, tokens: np.ndarray, state: Any, vocab_size: int | None) -> tuple[np.ndarray, Any]:
    out = step(tokens, state)
    if not (isinstance(out, tuple) and len(out) == 2):
        raise TypeError("step must return a pair (log_probs, new_state)")
    log_probs = np.asarray(out[0], dtype=np.float64)
    if log_probs.ndim != 2 or log_probs.shape[0] != tokens.shape[0]:
        raise ValueError(f"step returned log_probs of shape {log_probs.shape}; expected (K, V) with K = {tokens.shape[0]}")
    if vocab_size is not None and log_probs.shape[1] != vocab_size:
        raise ValueError(f"step changed the vocabulary size from {vocab_size} to {log_probs.shape[1]}")
    if np.isnan(log_probs).any():
        raise ValueError("step returned NaN log-probabilities")
    if (log_probs > 1e-6).any():
        raise ValueError("step must return log-probabilities (<= 0), e.g. a log-softmax output")
    return log_probs, out[1]


def _top_k_stable(values: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` largest entries of 1-D ``values``, largest first, ties in index order:
    ``np.argsort(-values, kind="stable")[:k]`` without sorting the whole array (a beam search
    step ranks beam_width x vocabulary candidates to keep beam_width of them)."""
    if k >= values.size:
        return np.argsort(-values, kind="stable")
    kth = np.partition(values, values.size - k)[values.size - k]  # the k-th largest value
    candidates = np.flatnonzero(values >= kth)  # every entry at least as large, ties included
    return candidates[np.argsort(-values[candidates], kind="stable")][:k]


def _top_k_stable_rows(values: np.ndarray, k: int) -> np.ndarray:
    """:func:`_top_k_stable` of every row of 2-D ``values`` at once: ``(R, N) -> (R, min(k, N))``."""
    n_rows, n = values.shape
    if k >= n:
        return np.argsort(-values, axis=1, kind="stable")
    kth = np.partition(values, n - k, axis=1)[:, n - k]  # each row's k-th largest value
    r, c = np.nonzero(values >= kth[:, None])  # at least k per row, ties included
    order = np.lexsort((c, -values[r, c], r))  # by row, then value (largest first), then index
    r, c = r[order], c[order]
    rank = np.arange(r.size) - np.searchsorted(r, np.arange(n_rows))[r]  # rank within its row
    keep = rank < k
    out = np.empty((n_rows, k), dtype=np.int64)
    out[r[keep], rank[keep]] = c[keep]
    return out


def greedy_decode(step: StepFn, state: Any, bos_id: int, eos_id: int, max_len: int) -> Hypothesis:
    """The most probable next token at each step, for one source sentence.

    ``state`` is the decoder's initial state for that sentence (one row). Stops at ``eos_id`` or
    after ``max_len`` tokens. Returns a :class:`Hypothesis` (score = log-probability).
    """
    bos_id, eos_id = check_int("bos_id", bos_id, 0), check_int("eos_id", eos_id, 0)
    max_len = check_int("max_len", max_len, 1)
    tokens, total, last = [], 0.0, np.array([bos_id])
    vocab = None
    for _ in range(max_len):
        log_probs, state = _call_step(step, last, state, vocab)
        vocab = log_probs.shape[1]
        if eos_id >= vocab:
            raise ValueError(f"eos_id {eos_id} is outside the vocabulary of size {vocab}")
        best = int(np.argmax(log_probs[0]))
        total += float(log_probs[0, best])
        tokens.append(best)
        if best == eos_id:
            return Hypothesis(tuple(tokens), total, total, True)
        last = np.array([best])
    return Hypothesis(tuple(tokens), total, total, False)


def beam_search(
    step: StepFn,
    state: Any,
    bos_id: int,
    eos_id: int,
    max_len: int,
    beam_width: int = 4,
    alpha: float = 0.6,
) -> list[Hypothesis]:
    """Beam search for one source sentence; returns up to ``beam_width`` hypotheses, best first.

    ``state`` is the decoder's initial state for that sentence (one row); it is repeated for the
    live beams. At each step every live prefix is extended by every token, the ``beam_width`` best
    extensions by total log-probability are kept, and those that end in ``eos_id`` leave the beam
    as finished. The search stops when ``beam_width`` hypotheses have finished and no live prefix
    can still beat the worst of them (under ``alpha = 0`` a live log-probability only falls), or
    after ``max_len`` tokens. Finished hypotheses come first, best first; live prefixes, marked
    unfinished, fill the list only when fewer than ``beam_width`` have finished. With
    ``beam_width = 1`` and ``alpha = 0`` this is :func:`greedy_decode`.
    """
    bos_id, eos_id = check_int("bos_id", bos_id, 0), check_int("eos_id", eos_id, 0)
    max_len, beam_width = check_int("max_len", max_len, 1), check_int("beam_width", beam_width, 1)
    alpha = _check_alpha(alpha)

    prefixes: list[tuple[int, ...]] = [()]
    scores = np.zeros(1)  # total log-probability of each live prefix
    last = np.array([bos_id])
    finished: list[Hypothesis] = []
    vocab = None
    for t in range(1, max_len + 1):
        log_probs, state = _call_step(step, last, state, vocab)
        vocab = log_probs.shape[1]
        if eos_id >= vocab:
            raise ValueError(f"eos_id {eos_id} is outside the vocabulary of size {vocab}")
        total = scores[:, None] + log_probs  # (K, V)
        flat = total.reshape(-1)
        order = _top_k_stable(flat, beam_width)
        order = order[np.isfinite(flat[order])]
        rows, toks = np.divmod(order, vocab)
        keep_rows, keep_toks, keep_scores = [], [], []
        for r, tok, s in zip(rows, toks, flat[order]):
            if tok == eos_id:
                finished.append(Hypothesis(prefixes[r] + (int(tok),), float(s), float(s / length_penalty(t, alpha)), True))
            else:
                keep_rows.append(r), keep_toks.append(int(tok)), keep_scores.append(float(s))
        if not keep_rows:
            prefixes, scores = [], np.zeros(0)
            break
        prefixes = [prefixes[r] + (tok,) for r, tok in zip(keep_rows, keep_toks)]
        scores = np.array(keep_scores)
        last = np.array(keep_toks)
        state = _select(state, np.array(keep_rows))
        if len(finished) >= beam_width:
            worst = sorted(h.score for h in finished)[-beam_width]
            # the best any live prefix can still reach: its log-probability only falls, and the
            # length penalty is at most lp(max_len)
            best_possible = scores.max() / length_penalty(max_len, alpha)
            if best_possible <= worst:
                break
    live = [Hypothesis(p, float(s), float(s / length_penalty(len(p), alpha)), False) for p, s in zip(prefixes, scores)]
    by_score = lambda hs: sorted(hs, key=lambda h: -h.score)
    return (by_score(finished) + by_score(live))[:beam_width]


def beam_search_batch(
    step: StepFn,
    state: Any,
    bos_id: int,
    eos_id: int,
    max_len: int,
    beam_width: int = 4,
    alpha: float = 0.6,
) -> list[list[Hypothesis]]:
    """:func:`beam_search` for ``B`` source sentences at once: ``state`` has one row per sentence,
    and the result is one list of hypotheses per sentence, each what :func:`beam_search` returns
    for that sentence alone.

    The live beams of every sentence share one array (each row remembers its sentence), so each
    output position costs one ``step`` call for the whole batch instead of one per sentence; the
    ``beam_width`` best extensions are chosen per sentence with the same tie-breaking as
    :func:`beam_search`. A sentence leaves the batch when its own search stops.
    """
    bos_id, eos_id = check_int("bos_id", bos_id, 0), check_int("eos_id", eos_id, 0)
    max_len, beam_width = check_int("max_len", max_len, 1), check_int("beam_width", beam_width, 1)
    alpha = _check_alpha(alpha)
    n = _num_rows(state)
    if n == 0:
        raise ValueError("state must have at least one row (one per sentence)")

    # the live prefixes of every sentence, one row each; a sentence's rows are contiguous and in
    # the order beam_search keeps them
    owner = np.arange(n)  # the sentence of each row
    prefixes: list[tuple[int, ...]] = [()] * n
    scores = np.zeros(n)
    last = np.full(n, bos_id)
    finished: list[list[Hypothesis]] = [[] for _ in range(n)]
    stopped: list[list[tuple[tuple[int, ...], float]]] = [[] for _ in range(n)]  # live when stopped
    vocab = None
    for t in range(1, max_len + 1):
        log_probs, state = _call_step(step, last, state, vocab)
        vocab = log_probs.shape[1]
        if eos_id >= vocab:
            raise ValueError(f"eos_id {eos_id} is outside the vocabulary of size {vocab}")
        # each sentence's candidates (its rows x vocabulary) side by side, padded with -inf
        sents, first, counts = np.unique(owner, return_index=True, return_counts=True)
        slot = np.arange(owner.size) - np.repeat(first, counts)  # a row's place within its sentence
        table = np.full((sents.size, counts.max(), vocab), -np.inf)
        table[np.repeat(np.arange(sents.size), counts), slot] = scores[:, None] + log_probs
        flat = table.reshape(sents.size, -1)
        picks = _top_k_stable_rows(flat, beam_width)
        values = np.take_along_axis(flat, picks, axis=1)
        rows, toks = np.divmod(picks, vocab)
        rows += first[:, None]
        lp_t = length_penalty(t, alpha)
        keep_rows, keep_toks, keep_scores = [], [], []
        for i, sent in enumerate(sents):
            keep = []
            for r, tok, s in zip(rows[i], toks[i], values[i]):
                if not np.isfinite(s):
                    continue
                if tok == eos_id:
                    finished[sent].append(Hypothesis(prefixes[r] + (int(tok),), float(s), float(s / lp_t), True))
                else:
                    keep.append((r, int(tok), float(s)))
            if not keep:
                continue
            if len(finished[sent]) >= beam_width:
                worst = sorted(h.score for h in finished[sent])[-beam_width]
                best_possible = max(s for _, _, s in keep) / length_penalty(max_len, alpha)
                if best_possible <= worst:  # this sentence's search is over
                    stopped[sent] = [(prefixes[r] + (tok,), s) for r, tok, s in keep]
                    continue
            for r, tok, s in keep:
                keep_rows.append(r), keep_toks.append(tok), keep_scores.append(s)
        if not keep_rows:
            owner = owner[:0]
            break
        keep_rows_arr = np.array(keep_rows)
        prefixes = [prefixes[r] + (tok,) for r, tok in zip(keep_rows, keep_toks)]
        owner, scores, last = owner[keep_rows_arr], np.array(keep_scores), np.array(keep_toks)
        state = _select(state, keep_rows_arr)
    for r, sent in enumerate(owner):  # still live after max_len tokens
        stopped[sent].append((prefixes[r], float(scores[r])))
    by_score = lambda hs: sorted(hs, key=lambda h: -h.score)
    results = []
    for sent in range(n):
        live = [Hypothesis(p, s, float(s / length_penalty(len(p), alpha)), False) for p, s in stopped[sent]]
        results.append((by_score(finished[sent]) + by_score(live))[:beam_width])
    return results
