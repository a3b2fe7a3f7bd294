"""rnnbook.metrics against brute force on tiny inputs, and its bad-input errors."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rnnbook.metrics import edit_distance, error_rate, sequence_accuracy


def brute_edit_distance(a: tuple, b: tuple) -> int:
    """Fewest single-symbol edits, by breadth-first search over every string reachable from ``a``."""
    alphabet = set(a) | set(b)
    frontier, seen, d = {a}, {a}, 0
    while b not in frontier:
        nxt = set()
        for s in frontier:
            for i in range(len(s) + 1):
                for c in alphabet:
                    nxt.add(s[:i] + (c,) + s[i:])  # insertion
                if i < len(s):
                    nxt.add(s[:i] + s[i + 1 :])  # deletion
                    nxt.update(s[:i] + (c,) + s[i + 1 :] for c in alphabet)  # substitution
        frontier, d = nxt - seen, d + 1
        seen |= nxt
    return d


@given(st.lists(st.integers(0, 2), max_size=4), st.lists(st.integers(0, 2), max_size=4))
def test_edit_distance_matches_brute_force(a: list[int], b: list[int]) -> None:
    assert edit_distance(a, b) == brute_edit_distance(tuple(a), tuple(b))


def test_examples_and_string_inputs() -> None:
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance(np.array([1, 2, 3]), [1, 3]) == 1
    assert error_rate(["ABCD", "XY"], ["ABD", "XYZ"]) == 2 / 6  # one deletion, one insertion
    assert error_rate([[1, 2], [3]], [[1, 2], []]) == 1 / 3
    assert sequence_accuracy(["AB", "C", "D"], ["AB", "C", "E"]) == pytest.approx(2 / 3)
    for n in range(4):  # error rate over all pairs of tiny strings equals the summed distances
        pairs = list(itertools.product(["", "a", "ab", "ba"], repeat=2))[n::4]
        refs, hyps = zip(*[(r, h) for r, h in pairs if r])
        assert error_rate(refs, hyps) == sum(map(edit_distance, refs, hyps)) / sum(map(len, refs))


def test_bad_inputs() -> None:
    with pytest.raises(TypeError, match="ref"):
        edit_distance(None, [1])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="hyp"):
        edit_distance([1], 3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="1-D"):
        edit_distance(np.zeros((2, 2)), [1])
    with pytest.raises(ValueError, match="same length"):
        error_rate(["a"], ["a", "b"])
    with pytest.raises(ValueError, match="empty"):
        error_rate([""], ["a"])
    with pytest.raises(ValueError, match="at least one"):
        sequence_accuracy([], [])
    with pytest.raises(TypeError, match="not one string"):
        sequence_accuracy("abc", "abd")
