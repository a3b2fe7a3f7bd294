"""Sampling the next token from a language model's logits: temperature and top-k.

A language model gives, at each step, a vector of logits :math:`z \\in \\mathbb{R}^V` over a
vocabulary of :math:`V` symbols. Generation draws the next symbol from

.. math::

    p_i(\\tau) = \\frac{e^{z_i/\\tau}}{\\sum_{j \\in K} e^{z_j/\\tau}} \\quad (i \\in K), \\qquad p_i = 0 \\ (i \\notin K),

where :math:`\\tau > 0` is the *temperature* and :math:`K` the indices of the :math:`k` largest logits
(*top-k*; all :math:`V` when ``top_k`` is ``None``). :math:`\\tau \\to 0` tends to greedy decoding
(all mass on the arg-max), :math:`\\tau = 1` is the model's own distribution, and :math:`\\tau \\to \\infty`
the uniform distribution over :math:`K`. ``temperature=0`` is accepted and means greedy decoding.

All functions work on a single logit vector, shape ``(V,)``, or a batch, shape ``(B, V)``
(any leading axes, in fact); the vocabulary is always the last axis.
"""

from __future__ import annotations

import math

import numpy as np

from .checks import check_generator, check_int
from .numerics import softmax

__all__ = ["sample", "sampling_distribution", "top_k_filter"]


def _check_logits(logits: object) -> np.ndarray:
    if logits is None:
        raise TypeError("logits must be an array of shape (V,) or (B, V), got None.")
    try:
        z = np.asarray(logits)
    except ValueError:
        raise ValueError("logits must be a rectangular array of shape (V,) or (B, V), not a ragged list.") from None
    if z.ndim < 1 or z.shape[-1] < 1:
        raise ValueError(f"logits must have shape (V,) or (B, V) with V >= 1, got shape {z.shape}.")
    if not np.issubdtype(z.dtype, np.number) or np.issubdtype(z.dtype, np.complexfloating):
        raise TypeError(f"logits must be real numbers, got dtype {z.dtype}.")
    z = z.astype(np.float64)
    if not np.all(np.isfinite(z)):
        raise ValueError("logits must be finite (no NaN or inf); mask with top_k instead of -inf.")
    return z


def _check_temperature(temperature: float) -> float:
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float, np.integer, np.floating)):
        raise TypeError(f"temperature must be a real number >= 0, got {temperature!r}.")
    t = float(temperature)
    if not math.isfinite(t) or t < 0:
        raise ValueError(f"temperature must be finite and >= 0 (0 means greedy), got {temperature!r}.")
    return t


def _check_top_k(top_k: int | None, vocab_size: int) -> int | None:
    if top_k is None:
        return None
    top_k = check_int("top_k", top_k)  # TypeError for 2.5, True
    if not 1 <= top_k <= vocab_size:
        raise ValueError(f"top_k must lie in [1, V={vocab_size}], got {top_k}.")
    return int(top_k)


def top_k_filter(logits: np.ndarray, k: int) -> np.ndarray:
    """Keep the ``k`` largest logits of each row and set the others to ``-inf``.

    Parameters
    ----------
    logits:
        Shape ``(..., V)``, finite.
    k:
        Number of entries to keep, ``1 <= k <= V``. Ties at the k-th value are broken towards the
        lower index, so exactly ``k`` entries per row stay finite.

    Returns
    -------
    numpy.ndarray
        Shape ``(..., V)``, float64, with exactly ``k`` finite entries per row.
    """
    z = _check_logits(logits)
    k_checked = _check_top_k(k, z.shape[-1])
    if k_checked is None:
        raise ValueError("top_k_filter needs an integer k, got None.")
    # A stable sort of -z puts the largest first and, among equal values, the lower index first.
    order = np.argsort(-z, axis=-1, kind="stable")
    keep = np.zeros(z.shape, dtype=bool)
    np.put_along_axis(keep, order[..., :k_checked], True, axis=-1)
    return np.where(keep, z, -np.inf)


def sampling_distribution(logits: np.ndarray, temperature: float = 1.0, top_k: int | None = None) -> np.ndarray:
    """The distribution the next symbol is drawn from: top-k filtering, then ``softmax(z / temperature)``.

    Parameters
    ----------
    logits:
        Shape ``(V,)`` or ``(B, V)`` (the vocabulary is the last axis), finite.
    temperature:
        ``> 0`` scales the logits by ``1/temperature``; ``0`` gives greedy decoding (a one-hot
        vector at the first arg-max). Negative, NaN or infinite values raise ``ValueError``.
    top_k:
        ``None`` (no filtering) or an integer in ``[1, V]``.

    Returns
    -------
    numpy.ndarray
        Shape of ``logits``, float64; each row is non-negative and sums to 1.
    """
    z = _check_logits(logits)
    t = _check_temperature(temperature)
    k = _check_top_k(top_k, z.shape[-1])
    if t == 0.0:
        onehot = np.zeros_like(z)
        np.put_along_axis(onehot, np.argmax(z, axis=-1)[..., None], 1.0, axis=-1)
        return onehot
    if k is not None:
        z = top_k_filter(z, k)
    # Shift by the row maximum *before* dividing: (z - max) / t <= 0 never overflows to +inf, however
    # small t or large z (z / t could: inf - inf is NaN, and the lowest logit would be drawn).
    with np.errstate(over="ignore"):
        shifted = (z - np.max(z, axis=-1, keepdims=True)) / t
    return softmax(shifted, axis=-1)


def sample(
    logits: np.ndarray,
    rng: np.random.Generator,
    temperature: float = 1.0,
    top_k: int | None = None,
) -> np.ndarray:
    """Draw one symbol id per row of ``logits`` from :func:`sampling_distribution`.

    Parameters
    ----------
    logits:
        Shape ``(V,)`` or ``(B, V)``.
    rng:
        A ``numpy.random.Generator``; the same generator state gives the same draws.
    temperature, top_k:
        As in :func:`sampling_distribution`.

    Returns
    -------
    numpy.ndarray
        ``int64`` ids in ``[0, V)``, shape ``logits.shape[:-1]`` (a 0-d array for a single vector).
    """
    check_generator("rng", rng)
    p = sampling_distribution(logits, temperature=temperature, top_k=top_k)
    # Inverse-CDF sampling, vectorised over the batch. Normalising by the last entry makes the CDF
    # end at exactly 1 > u, so argmax(cdf > u) always finds a symbol with positive probability.
    cdf = np.cumsum(p, axis=-1)
    cdf /= cdf[..., -1:]
    u = rng.random(p.shape[:-1])
    return np.argmax(cdf > np.asarray(u)[..., None], axis=-1).astype(np.int64)
