"""Input validation shared by the whole package: clear errors instead of silent broadcasting,
truncation or NumPy failures deep inside a computation.

Every check names the argument it was given (``name``) and says what was expected.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

__all__ = [
    "as_float_array",
    "check_finite",
    "check_generator",
    "check_int",
    "check_mask",
    "check_rank",
    "check_real",
    "check_shape",
]


def as_float_array(name: str, value: object) -> np.ndarray:
    """``value`` as a real floating-point array (float64 unless it already is float32/float64).

    Raises ``TypeError`` for ``None``, strings, complex numbers and other non-numeric values, and
    ``ValueError`` for ragged nested lists.
    """
    if value is None:
        raise TypeError(f"{name} must be a real numeric array, got None.")
    try:
        arr = np.asarray(value)
    except ValueError as err:  # ragged nested sequences
        raise ValueError(f"{name} must be a rectangular numeric array, not a ragged list ({err}).") from None
    if arr.dtype == object:
        raise ValueError(f"{name} must be a rectangular numeric array, got a ragged or mixed-type object array.")
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError(f"{name} must be real; got complex dtype {arr.dtype} (pass .real explicitly if intended).")
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise TypeError(f"{name} must be a real numeric array, got dtype {arr.dtype}.")
    if not np.issubdtype(arr.dtype, np.floating):
        arr = arr.astype(np.float64)
    return arr


def check_rank(name: str, arr: np.ndarray, rank: int, layout: str) -> None:
    """Raise ``ValueError`` unless ``arr.ndim == rank``; ``layout`` names the axes, e.g. ``"(B, T, D)"``."""
    if arr.ndim != rank:
        raise ValueError(f"{name} must have rank {rank} with layout {layout}, got shape {arr.shape}.")


def check_shape(name: str, arr: np.ndarray, expected: Sequence[int | None], layout: str) -> None:
    """Raise ``ValueError`` unless ``arr.shape`` matches ``expected`` (``None`` matches any size)."""
    ok = arr.ndim == len(expected) and all(e is None or e == s for e, s in zip(expected, arr.shape))
    if not ok:
        want = "(" + ", ".join("?" if e is None else str(e) for e in expected) + ")"
        raise ValueError(f"{name} must have shape {want} = {layout}, got {arr.shape}.")


def check_finite(name: str, arr: np.ndarray) -> None:
    """Raise ``ValueError`` if ``arr`` holds NaN or infinity."""
    if not np.all(np.isfinite(arr)):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name} contains {bad} non-finite value(s) (NaN or inf).")


def check_int(name: str, value: object, minimum: int | None = None) -> int:
    """``value`` as a Python ``int`` after checking it is an integer (not a bool, not a float such as
    ``3.5`` that would be truncated) and, if given, ``>= minimum``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {value!r} ({type(value).__name__}).")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value}.")
    return int(value)


def check_real(name: str, value: object, *, minimum: float | None = None, strict: bool = False) -> float:
    """``value`` as a finite Python ``float`` (``> minimum`` when ``strict``, else ``>= minimum``)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, got {value!r} ({type(value).__name__}).")
    v = float(value)
    if not math.isfinite(v):
        raise ValueError(f"{name} must be finite, got {value!r}.")
    if minimum is not None and (v <= minimum if strict else v < minimum):
        raise ValueError(f"{name} must be {'>' if strict else '>='} {minimum}, got {value!r}.")
    return v


def check_generator(name: str, rng: object) -> np.random.Generator:
    """Raise ``TypeError`` unless ``rng`` is a ``numpy.random.Generator`` (not a seed, not ``None``)."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"{name} must be a numpy.random.Generator, e.g. np.random.default_rng(seed); "
            f"got {type(rng).__name__}."
        )
    return rng


def check_mask(name: str, mask: object, batch: int, steps: int) -> np.ndarray:
    """``mask`` as a boolean ``(B, T)`` array (``True`` = real step); booleans and 0/1 numbers are accepted."""
    if mask is None:
        raise TypeError(f"{name} must be a (B, T) boolean array, got None.")
    m = np.asarray(mask)
    check_shape(name, m, (batch, steps), "(B, T)")
    if m.dtype != np.bool_:
        if not (np.issubdtype(m.dtype, np.number) and not np.iscomplexobj(m)) or not np.all((m == 0) | (m == 1)):
            raise ValueError(f"{name} must hold booleans or 0/1 values, shape (B, T).")
        m = m.astype(bool)
    return m
