"""Input validation shared by the from-scratch layers: clear errors instead of silent broadcasting."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["as_float_array", "check_finite", "check_rank", "check_shape"]


def as_float_array(name: str, value: object) -> np.ndarray:
    """``value`` as a floating-point array (float64 unless it already is float32/float64)."""
    arr = np.asarray(value)
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
