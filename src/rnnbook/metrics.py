"""Scores for predicted sequences: edit distance, error rate (character/word/digit error rate) and
sequence accuracy. One implementation, used by the speech and the CRNN chapters alike.

A *sequence* is any 1-D sequence of hashable symbols: a string (its characters), a list of ids or
a 1-D integer array.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["edit_distance", "error_rate", "sequence_accuracy"]


def _as_symbols(name: str, seq: object) -> list:
    """``seq`` as a list of symbols; rejects ``None``, scalars and arrays of rank other than 1."""
    if isinstance(seq, str):
        return list(seq)
    if seq is None or np.isscalar(seq):
        raise TypeError(f"{name} must be a string or a 1-D sequence of symbols, got {seq!r}.")
    if isinstance(seq, np.ndarray):
        if seq.ndim != 1:
            raise ValueError(f"{name} must be 1-D, got shape {seq.shape}.")
        return seq.tolist()
    try:
        return list(seq)  # type: ignore[call-overload]
    except TypeError:
        raise TypeError(f"{name} must be a string or a 1-D sequence of symbols, got {type(seq).__name__}.") from None


def _levenshtein(ref: list, hyp: list) -> int:
    """Substitutions + insertions + deletions turning ``ref`` into ``hyp`` (Wagner–Fischer, one row)."""
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        cur = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h))
        prev = cur
    return prev[-1]


def edit_distance(ref: Sequence, hyp: Sequence) -> int:
    """Levenshtein distance (substitutions + insertions + deletions) between two sequences."""
    return _levenshtein(_as_symbols("ref", ref), _as_symbols("hyp", hyp))


def _check_pairs(refs: Sequence, hyps: Sequence) -> tuple[list[list], list[list]]:
    if isinstance(refs, str) or isinstance(hyps, str):
        raise TypeError("refs and hyps must be sequences of sequences (e.g. lists of strings), not one string.")
    r = [_as_symbols(f"refs[{i}]", s) for i, s in enumerate(refs)]
    h = [_as_symbols(f"hyps[{i}]", s) for i, s in enumerate(hyps)]
    if len(r) != len(h):
        raise ValueError(f"refs and hyps must have the same length, got {len(r)} and {len(h)}.")
    if not r:
        raise ValueError("refs and hyps must hold at least one pair.")
    return r, h


def error_rate(refs: Sequence[Sequence], hyps: Sequence[Sequence]) -> float:
    """Corpus error rate: total edit distance divided by the total reference length.

    With strings this is the character error rate (CER); with lists of words, the word error rate;
    with digit ids, the digit error rate. It can exceed 1 (many insertions).
    """
    r, h = _check_pairs(refs, hyps)
    total = sum(len(x) for x in r)
    if total == 0:
        raise ValueError("the references are all empty: the error rate is undefined.")
    return sum(_levenshtein(a, b) for a, b in zip(r, h)) / total


def sequence_accuracy(refs: Sequence[Sequence], hyps: Sequence[Sequence]) -> float:
    """Fraction of pairs whose hypothesis equals the reference exactly."""
    r, h = _check_pairs(refs, hyps)
    return sum(a == b for a, b in zip(r, h)) / len(r)
