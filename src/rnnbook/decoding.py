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

__all__ = ["Hypothesis", "beam_search", "greedy_decode", "length_penalty"]

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
