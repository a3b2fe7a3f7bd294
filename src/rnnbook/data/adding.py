"""The adding problem (Hochreiter & Schmidhuber 1997, experiment 4), a seeded generator.

Each sequence has two channels: random numbers drawn uniformly from ``[0, 1]`` and a marker that is
1 at exactly two positions, one in the first half of the sequence and one in the second half (the
form of most later benchmarks; Hochreiter & Schmidhuber drew values from [-1, 1] and placed the
first marker among the first ten steps). The target is the sum of the two marked
numbers. Always predicting the mean target, 1, gives the mean squared error
:math:`\\operatorname{Var}(u_1 + u_2) = 2/12 = 1/6 \\approx 0.167`; a model beats this baseline only
if it remembers the first marked number across about half the sequence.
"""

from __future__ import annotations

import numpy as np

from ..checks import check_generator

__all__ = ["ADDING_BASELINE_MSE", "adding_problem"]

#: MSE of always predicting 1 (the mean target): the variance of the sum of two U[0, 1] numbers.
ADDING_BASELINE_MSE: float = 1.0 / 6.0


def adding_problem(n: int, length: int, *, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``n`` sequences of the adding problem of length ``length``.

    Parameters
    ----------
    n:
        Number of sequences (≥ 1).
    length:
        Sequence length ``T`` (≥ 2, so that each half holds a marker).
    rng:
        The generator to draw from; the same seed gives the same data.

    Returns
    -------
    x:
        ``(n, length, 2)`` float32: channel 0 the numbers in ``[0, 1)``, channel 1 the markers
        (exactly two ones per sequence, one at a position ``< length // 2`` and one ``≥ length // 2``).
    y:
        ``(n,)`` float32, the sum of the two marked numbers.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    if isinstance(length, bool) or not isinstance(length, (int, np.integer)) or length < 2:
        raise ValueError(f"length must be an integer >= 2, got {length!r}")
    check_generator("rng", rng)
    half = length // 2
    values = rng.uniform(0.0, 1.0, size=(n, length))
    first = rng.integers(0, half, size=n)
    second = rng.integers(half, length, size=n)
    markers = np.zeros((n, length))
    rows = np.arange(n)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    x = np.stack([values, markers], axis=-1).astype(np.float32)
    y = (values[rows, first] + values[rows, second]).astype(np.float32)
    return x, y
