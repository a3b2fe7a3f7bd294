"""Spelled-out numbers to digits, a seeded sequence-to-sequence task (inverse text normalisation).

The source is an English number name, one token per word ("three hundred forty two thousand five
hundred seventeen"), the target its digits ("342517"). Speech recognisers emit the first form and
text needs the second; text-to-speech needs the reverse (Sproat & Jaitly 2017 train sequence-to-
sequence RNNs on exactly such normalisations). For a recurrent encoder–decoder the task has the
property that matters in chapter 7: the amount of information grows with the source length (up to
nine digits for fifteen words), so a fixed-size summary vector has to hold more for longer inputs,
while each output digit is determined by one or two source words that attention can look up.

Numbers are drawn with a uniform number of digits (1 to ``max_digits``) and then uniformly among
the numbers with that many digits; the train, validation and test splits hold disjoint numbers.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "MAGNITUDES",
    "NUMBER_WORDS",
    "SOURCE_VOCAB",
    "TARGET_VOCAB",
    "encode_number_pairs",
    "magnitude_labels",
    "make_number_words",
    "number_to_words",
]

_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
         "nineteen"]  # fmt: skip
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
#: Every word a source can contain.
NUMBER_WORDS: tuple[str, ...] = tuple(_ONES + _TENS[2:] + ["hundred", "thousand", "million"])
#: Source tokens: 0 is padding, then the words.
SOURCE_VOCAB: tuple[str, ...] = ("<pad>", *NUMBER_WORDS)
#: Target tokens: padding, start, end, then the ten digits.
TARGET_VOCAB: tuple[str, ...] = ("<pad>", "<s>", "</s>", *"0123456789")
MAX_VALUE = 10**9


def _below_thousand(n: int) -> list[str]:
    words: list[str] = []
    if n >= 100:
        words += [_ONES[n // 100], "hundred"]
        n %= 100
    if n >= 20:
        words.append(_TENS[n // 10])
        n %= 10
        if n:
            words.append(_ONES[n])
    elif n:
        words.append(_ONES[n])
    return words


def number_to_words(n: int) -> str:
    """The English name of ``0 <= n < 10**9``, words separated by single spaces, e.g.
    ``number_to_words(2015) == "two thousand fifteen"``."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"n must be an integer, got {type(n).__name__}")
    if not 0 <= n < MAX_VALUE:
        raise ValueError(f"n must be in [0, {MAX_VALUE}), got {n}")
    n = int(n)
    if n == 0:
        return "zero"
    words: list[str] = []
    for size, name in ((10**6, "million"), (10**3, "thousand")):
        if n >= size:
            words += _below_thousand(n // size) + [name]
            n %= size
    return " ".join(words + _below_thousand(n))


def _positive_int(name: str, value: object, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def make_number_words(
    n_train: int, n_val: int, n_test: int, *, seed: int, max_digits: int = 9
) -> dict[str, list[tuple[str, str]]]:
    """Disjoint splits of ``(words, digits)`` pairs; the same ``seed`` gives the same splits.

    Returns ``{"train": [...], "val": [...], "test": [...]}``; no number occurs in two splits.
    ``max_digits`` (1 to 9) bounds the numbers; there must be enough distinct numbers for the
    three splits together (at most half of ``10**max_digits``).
    """
    sizes = [_positive_int(name, v) for name, v in (("n_train", n_train), ("n_val", n_val), ("n_test", n_test))]
    max_digits = _positive_int("max_digits", max_digits)
    if max_digits > 9:
        raise ValueError(f"max_digits must be at most 9, got {max_digits}")
    total = sum(sizes)
    if total > 10**max_digits // 2:
        raise ValueError(f"{total} distinct numbers requested but max_digits={max_digits} allows only {10**max_digits}")
    rng = np.random.default_rng(_positive_int("seed", seed, 0))
    seen: dict[int, None] = {}  # insertion-ordered set
    while len(seen) < total:
        digits = rng.integers(1, max_digits + 1, size=total)
        low = np.where(digits == 1, 0, 10 ** (digits - 1))
        values = low + (rng.random(total) * (10**digits - low)).astype(np.int64)
        for v in values.tolist():
            seen.setdefault(int(v), None)
            if len(seen) == total:
                break
    order = list(seen)
    out, start = {}, 0
    for name, size in zip(("train", "val", "test"), sizes):
        out[name] = [(number_to_words(v), str(v)) for v in order[start : start + size]]
        start += size
    return out


def encode_number_pairs(pairs: list[tuple[str, str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Token ids for a list of ``(words, digits)`` pairs, padded with 0.

    Returns ``source`` ``(N, 15)`` (word ids), ``decoder_input`` ``(N, 10)`` (``<s>`` then the
    digits: teacher forcing) and ``target`` ``(N, 10)`` (the digits then ``</s>``).
    """
    if not isinstance(pairs, (list, tuple)) or not pairs:
        raise ValueError("pairs must be a non-empty list of (words, digits) pairs")
    s_index = {w: i for i, w in enumerate(SOURCE_VOCAB)}
    t_index = {c: i for i, c in enumerate(TARGET_VOCAB)}
    n, ts, tt = len(pairs), 15, 10
    src = np.zeros((n, ts), np.int32)
    dec_in = np.zeros((n, tt), np.int32)
    tgt = np.zeros((n, tt), np.int32)
    for i, pair in enumerate(pairs):
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2):
            raise ValueError(f"pairs[{i}] must be a (words, digits) pair, got {pair!r}")
        words, digits = pair[0].split(), pair[1]
        unknown = [w for w in words if w not in s_index]
        if unknown or not words or len(words) > ts:
            raise ValueError(f"pairs[{i}]: source must be 1 to {ts} number words, got {pair[0]!r}")
        if not digits.isdigit() or not digits.isascii() or len(digits) > tt - 1:
            raise ValueError(f"pairs[{i}]: target must be 1 to {tt - 1} digits, got {digits!r}")
        src[i, : len(words)] = [s_index[w] for w in words]
        ids = [t_index[c] for c in digits]
        dec_in[i, : len(ids) + 1] = [t_index["<s>"], *ids]
        tgt[i, : len(ids) + 1] = [*ids, t_index["</s>"]]
    return src, dec_in, tgt


#: Labels of :func:`magnitude_labels`.
MAGNITUDES: tuple[str, ...] = ("units", "thousands", "millions")


def magnitude_labels(words: str) -> list[int]:
    """For each word of a number name, the group it belongs to: 0 units, 1 thousands, 2 millions.

    ``"three hundred forty two thousand five hundred"`` → ``[1, 1, 1, 1, 1, 0, 0]``. The label of a
    word depends on the words to its *right* (is a "thousand" still to come?), which makes this a
    labelling task for a bidirectional RNN.
    """
    tokens = words.split() if isinstance(words, str) else None
    if not tokens or any(w not in NUMBER_WORDS for w in tokens):
        raise ValueError(f"words must be a non-empty string of number words, got {words!r}")
    labels, group = [], 0
    for w in reversed(tokens):
        if w == "thousand":
            group = 1
        elif w == "million":
            group = 2
        labels.append(group)
    return labels[::-1]
