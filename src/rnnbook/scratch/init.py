"""Weight initialisers with Keras' defaults, so a NumPy layer and its Keras twin start alike.

One home for every initialiser the from-scratch layers use; each takes the generator first and
the weight's shape second.
"""

from __future__ import annotations

import numpy as np

from ..checks import check_generator, check_int

__all__ = ["glorot_uniform", "orthogonal", "recurrent_weights"]


def _check_shape(shape: tuple[int, int]) -> tuple[int, int]:
    if not (isinstance(shape, tuple) and len(shape) == 2):
        raise ValueError(f"shape must be a tuple (rows, cols), got {shape!r}")
    for n in shape:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n <= 0:
            raise ValueError(f"shape must hold positive integers, got {shape!r}")
    return int(shape[0]), int(shape[1])


def glorot_uniform(rng: np.random.Generator, shape: tuple[int, int], dtype: type = np.float64) -> np.ndarray:
    """Keras' default ``kernel`` initialiser: :math:`U(-a, a)` with :math:`a = \\sqrt{6/(n_{in}+n_{out})}`.

    ``shape = (fan_in, fan_out)``; returns an array of that shape and ``dtype``.
    """
    rows, cols = _check_shape(shape)
    limit = np.sqrt(6.0 / (rows + cols))
    return check_generator("rng", rng).uniform(-limit, limit, size=(rows, cols)).astype(dtype)


def orthogonal(rng: np.random.Generator, shape: tuple[int, int], dtype: type = np.float64, gain: float = 1.0) -> np.ndarray:
    """Keras' default ``recurrent_kernel`` initialiser: a (semi-)orthogonal matrix times ``gain``.

    QR of a Gaussian matrix with the signs of ``diag(R)`` fixed, so the result is uniform over
    orthogonal matrices. For ``shape = (H, k·H)`` the rows are orthonormal, so each gate's
    ``(H, H)`` block is a random rotation up to the split.
    """
    rows, cols = _check_shape(shape)
    a = check_generator("rng", rng).standard_normal((max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(a)
    q = q * np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    return np.ascontiguousarray(gain * q, dtype=dtype)


def recurrent_weights(
    rng: np.random.Generator,
    input_dim: int,
    units: int,
    blocks: int,
    dtype: type | np.dtype = np.float64,
    bias_shape: tuple[int, ...] | None = None,
) -> dict[str, np.ndarray]:
    """Keras' initial weights of a recurrent layer whose gates are ``blocks`` blocks of ``units`` columns.

    ``kernel`` ``(D, blocks·H)`` Glorot-uniform, then ``recurrent_kernel`` ``(H, blocks·H)``
    orthogonal (drawn from ``rng`` in that order, as Keras builds them), ``bias`` zeros of
    ``bias_shape`` (default ``(blocks·H,)``). ``blocks`` is 1 for the vanilla RNN, 3 for the GRU, 4
    for the LSTM.
    """
    input_dim, units = check_int("input_dim", input_dim, 1), check_int("units", units, 1)
    n = check_int("blocks", blocks, 1) * units
    return {
        "kernel": glorot_uniform(rng, (input_dim, n), dtype),
        "recurrent_kernel": orthogonal(rng, (units, n), dtype),
        "bias": np.zeros((n,) if bias_shape is None else bias_shape, dtype=dtype),
    }
