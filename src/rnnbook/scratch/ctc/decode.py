"""Decoding CTC outputs: best-path (greedy) decoding and prefix beam search (Hannun et al., 2014).

Conventions as in :mod:`.loss`: ``logits`` ``(B, T, K)`` with ``K`` classes including the blank,
``input_lengths`` ``(B,)`` limits the frames read.
"""

from __future__ import annotations

import math

import numpy as np

from ...checks import as_float_array, check_finite, check_int, check_rank, check_real
from ...numerics import log_softmax
from .loss import _resolve_blank, ctc_collapse

__all__ = ["ctc_greedy_decode", "ctc_prefix_beam_search"]


def _check_logits_lengths(logits: object, input_lengths: object, blank: int) -> tuple[np.ndarray, np.ndarray, int]:
    """``logits`` as a finite ``(B, T, K)`` float array, ``input_lengths`` as ``(B,)`` ints in ``[0, T]``."""
    x = as_float_array("logits", logits)
    check_rank("logits", x, 3, "(B, T, K)")
    check_finite("logits", x)
    B, T, K = x.shape
    blank = _resolve_blank(blank, K)
    tl = np.full(B, T) if input_lengths is None else np.asarray(input_lengths)
    if tl.shape != (B,) or not np.issubdtype(tl.dtype, np.integer) or np.any(tl < 0) or np.any(tl > T):
        raise ValueError(f"input_lengths must be integers of shape ({B},) with values in [0, {T}], got {tl!r}.")
    return x, tl.astype(np.int64), blank


def ctc_greedy_decode(logits: np.ndarray, input_lengths: np.ndarray | None = None, blank: int = 0) -> list[list[int]]:
    """Best-path decoding: the most probable class at every frame, collapsed by :func:`ctc_collapse`.

    ``logits`` (or log-probabilities; argmax is the same) has shape ``(B, T, K)``; ``input_lengths``
    (``(B,)``, default all ``T``) limits the frames read. Returns one label list per example.
    Note that the best *path* need not collapse to the most probable *labelling*; see
    :func:`ctc_prefix_beam_search`.
    """
    x, tl, blank = _check_logits_lengths(logits, input_lengths, blank)
    best = np.argmax(x, axis=-1)  # (B, T)
    return [ctc_collapse(best[b, : tl[b]], blank) for b in range(x.shape[0])]


def _lse(a: float, b: float) -> float:
    if a == -math.inf:
        return b
    if b == -math.inf:
        return a
    m = max(b, a)
    return m + math.log1p(math.exp(-abs(a - b)))


def ctc_prefix_beam_search(
    logits: np.ndarray,
    input_lengths: np.ndarray | None = None,
    beam_width: int = 8,
    blank: int = 0,
    prune: float | None = None,
) -> list[list[tuple[list[int], float]]]:
    """CTC prefix beam search (Hannun et al., 2014), without a language model.

    Each hypothesis is a collapsed *prefix* :math:`\\ell` carrying two log-probabilities, of all
    paths so far that map to :math:`\\ell` and end in a blank (:math:`p_b`) or in the prefix's last
    symbol (:math:`p_{nb}`). Extending by symbol :math:`c` at frame :math:`t`:

    - blank: :math:`p_b(\\ell) \\mathrel{+}= (p_b + p_{nb})(\\ell)\\, y_t(\\varnothing)`;
    - :math:`c` equal to the last symbol: :math:`p_{nb}(\\ell) \\mathrel{+}= p_{nb}(\\ell)\\, y_t(c)` (a
      repeat that merges) and :math:`p_{nb}(\\ell c) \\mathrel{+}= p_b(\\ell)\\, y_t(c)` (a new symbol
      after a blank);
    - any other :math:`c`: :math:`p_{nb}(\\ell c) \\mathrel{+}= (p_b + p_{nb})(\\ell)\\, y_t(c)`.

    After each frame the ``beam_width`` prefixes with the largest :math:`p_b + p_{nb}` are kept.
    Unlike best-path decoding this sums over alignments, so with a wide enough beam it returns the
    most probable labelling.

    Parameters
    ----------
    logits:
        Shape ``(B, T, K)``; log-softmax is applied inside (so log-probabilities work as well).
    input_lengths:
        Shape ``(B,)``; default all ``T``.
    beam_width:
        Prefixes kept per frame (>= 1).
    blank:
        Index of the blank class.
    prune:
        Optional log-probability threshold: symbols with :math:`\\log y_t(c) <` ``prune`` are not
        tried at frame ``t`` (Hannun et al.'s pruning; speeds up large alphabets).

    Returns
    -------
    list
        For each example, up to ``beam_width`` pairs ``(labels, log_prob)`` sorted best first;
        ``log_prob`` is the prefix's total :math:`\\log (p_b + p_{nb})`.
    """
    x, tl, blank = _check_logits_lengths(logits, input_lengths, blank)
    B, _T, K = x.shape
    beam_width = check_int("beam_width", beam_width, 1)
    if prune is not None:
        prune = check_real("prune", prune)
    logp_all = log_softmax(x.astype(np.float64), axis=-1)
    results = []
    ninf = -math.inf
    for b in range(B):
        beams: dict[tuple[int, ...], tuple[float, float]] = {(): (0.0, ninf)}
        for t in range(int(tl[b])):
            lp = logp_all[b, t].tolist()
            symbols = [c for c in range(K) if c != blank and (prune is None or lp[c] >= prune)]
            nxt: dict[tuple[int, ...], list[float]] = {}

            def add(key: tuple[int, ...], pb: float, pnb: float) -> None:
                if pb == ninf and pnb == ninf:
                    return  # zero probability (e.g. a repeat with no blank before it yet)
                cur = nxt.get(key)
                if cur is None:
                    nxt[key] = [pb, pnb]
                else:
                    cur[0] = _lse(cur[0], pb)
                    cur[1] = _lse(cur[1], pnb)

            for prefix, (pb, pnb) in beams.items():
                total = _lse(pb, pnb)
                add(prefix, total + lp[blank], ninf)
                last = prefix[-1] if prefix else None
                for c in symbols:
                    if c == last:
                        add(prefix, ninf, pnb + lp[c])
                        add(prefix + (c,), ninf, pb + lp[c])
                    else:
                        add(prefix + (c,), ninf, total + lp[c])
            ranked = sorted(nxt.items(), key=lambda kv: _lse(kv[1][0], kv[1][1]), reverse=True)
            beams = {k: (v[0], v[1]) for k, v in ranked[:beam_width]}
        final = sorted(((list(k), _lse(*v)) for k, v in beams.items()), key=lambda kv: kv[1], reverse=True)
        results.append(final)
    return results
