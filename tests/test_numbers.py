"""The spelled-out numbers generator: words, determinism, disjoint splits, encoding, bad input."""

from __future__ import annotations

import pytest

from rnnbook.data.numbers import (
    SOURCE_VOCAB,
    TARGET_VOCAB,
    encode_number_pairs,
    magnitude_labels,
    make_number_words,
    number_to_words,
)


@pytest.mark.parametrize(
    "n, words",
    [
        (0, "zero"),
        (7, "seven"),
        (13, "thirteen"),
        (40, "forty"),
        (99, "ninety nine"),
        (100, "one hundred"),
        (2015, "two thousand fifteen"),
        (342517, "three hundred forty two thousand five hundred seventeen"),
        (1_000_001, "one million one"),
        (999_999_999, "nine hundred ninety nine million nine hundred ninety nine thousand nine hundred ninety nine"),
    ],
)
def test_number_to_words(n, words):
    assert number_to_words(n) == words


def _words_to_number(words: str) -> int:
    """An independent parser, to check every generated pair."""
    small = {w: i for i, w in enumerate(SOURCE_VOCAB[1:21])}
    tens = {w: 10 * (i + 2) for i, w in enumerate(SOURCE_VOCAB[21:29])}
    total, current = 0, 0
    for w in words.split():
        if w in small:
            current += small[w]
        elif w in tens:
            current += tens[w]
        elif w == "hundred":
            current *= 100
        else:
            total += current * (10**6 if w == "million" else 10**3)
            current = 0
    return total + current


def test_splits_deterministic_disjoint_and_correct():
    a = make_number_words(300, 50, 50, seed=3)
    b = make_number_words(300, 50, 50, seed=3)
    c = make_number_words(300, 50, 50, seed=4)
    assert a == b and a != c
    assert [len(a[k]) for k in ("train", "val", "test")] == [300, 50, 50]
    sets = [{d for _, d in a[k]} for k in ("train", "val", "test")]
    assert len(sets[0]) == 300 and not (sets[0] & sets[1] or sets[0] & sets[2] or sets[1] & sets[2])
    for words, digits in a["train"] + a["test"]:
        assert _words_to_number(words) == int(digits)
    lengths = {len(d) for _, d in a["train"]}
    assert lengths == set(range(1, 10))  # every number of digits occurs


def test_encoding():
    src, dec_in, tgt = encode_number_pairs([("two thousand fifteen", "2015"), ("zero", "0")])
    assert src.shape == (2, 15) and dec_in.shape == tgt.shape == (2, 10)
    assert [SOURCE_VOCAB[i] for i in src[0, :3]] == ["two", "thousand", "fifteen"] and src[0, 3:].sum() == 0
    assert "".join(TARGET_VOCAB[i] for i in dec_in[0, :5]) == "<s>2015"
    assert "".join(TARGET_VOCAB[i] for i in tgt[0, :5]) == "2015</s>"
    assert tgt[1, 2:].sum() == 0


def test_bad_input():
    with pytest.raises(ValueError, match="n must be in"):
        number_to_words(10**9)
    with pytest.raises(ValueError, match="n must be in"):
        number_to_words(-1)
    with pytest.raises(TypeError, match="integer"):
        number_to_words(2.5)
    with pytest.raises(ValueError, match="n_train"):
        make_number_words(0, 1, 1, seed=0)
    with pytest.raises(ValueError, match="max_digits"):
        make_number_words(1, 1, 1, seed=0, max_digits=10)
    with pytest.raises(ValueError, match="distinct numbers"):
        make_number_words(40, 10, 10, seed=0, max_digits=2)
    with pytest.raises(ValueError, match="seed"):
        make_number_words(1, 1, 1, seed=-1)
    with pytest.raises(ValueError, match="number words"):
        encode_number_pairs([("two thousand and fifteen", "2015")])
    with pytest.raises(ValueError, match="digits"):
        encode_number_pairs([("two", "two")])
    with pytest.raises(ValueError, match="non-empty"):
        encode_number_pairs([])


def test_magnitude_labels():
    assert magnitude_labels("three hundred forty two thousand five hundred") == [1, 1, 1, 1, 1, 0, 0]
    assert magnitude_labels("one million one") == [2, 2, 0]
    assert magnitude_labels("seven") == [0]
    with pytest.raises(ValueError, match="number words"):
        magnitude_labels("seven apples")
    with pytest.raises(ValueError, match="number words"):
        magnitude_labels("")
