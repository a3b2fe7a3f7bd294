"""Feed-forward pieces around a recurrent layer: time-distributed ``Dense``, ``Embedding`` and the
softmax cross-entropy loss over sequences."""

from __future__ import annotations

import numpy as np

from ..checks import as_float_array, check_finite, check_int, check_mask, check_rank, check_shape
from ..numerics import log_softmax
from .base import Gradients, check_sizes
from .init import glorot_uniform

__all__ = ["Dense", "Embedding", "softmax_cross_entropy"]


class Dense:
    """Affine map applied at every time step: ``(B, T, D) -> (B, T, K)``, :math:`y_t = x_t W + b`.

    ``params``: ``kernel`` ``(D, K)`` (Glorot-uniform), ``bias`` ``(K,)`` (zeros), as in Keras.
    """

    def __init__(self, input_dim: int, units: int, *, rng: np.random.Generator, dtype: type = np.float64) -> None:
        self.input_dim, self.units = check_sizes(input_dim, units)
        self.params: dict[str, np.ndarray] = {
            "kernel": glorot_uniform(rng, (input_dim, units), dtype),
            "bias": np.zeros(units, dtype=dtype),
        }

    def forward(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``x`` ``(B, T, D)`` → ``(y, cache)`` with ``y`` ``(B, T, K)``; the cache is ``x``."""
        x = as_float_array("x", x)
        check_rank("x", x, 3, "(B, T, D)")
        check_shape("x", x, (None, None, self.input_dim), f"(B, T, D={self.input_dim})")
        check_finite("x", x)
        return x @ self.params["kernel"] + self.params["bias"], x

    def backward(self, d_y: np.ndarray, cache: np.ndarray) -> Gradients:
        """``d_y`` ``(B, T, K)`` → :class:`~.base.Gradients` with ``params`` (``kernel``, ``bias``)
        and ``x`` ``(B, T, D)``."""
        if not isinstance(cache, np.ndarray) or cache.ndim != 3:
            raise TypeError(f"cache must be the (B, T, D) array returned by Dense.forward, got {type(cache).__name__}.")
        x = cache
        d_y = as_float_array("d_y", d_y)
        check_shape("d_y", d_y, (*x.shape[:2], self.units), f"(B, T, K={self.units})")
        check_finite("d_y", d_y)
        d_y2 = d_y.reshape(-1, self.units)  # (B·T, K)
        grads = {"kernel": x.reshape(-1, self.input_dim).T @ d_y2, "bias": d_y2.sum(axis=0)}
        return Gradients(params=grads, x=d_y @ self.params["kernel"].T)


class Embedding:
    """Look-up table: integer ids ``(B, T)`` → vectors ``(B, T, E)``.

    ``params``: ``embeddings`` ``(V, E)``, initialised uniformly in [-0.05, 0.05] as in Keras.
    """

    def __init__(self, vocab_size: int, dim: int, *, rng: np.random.Generator, dtype: type = np.float64) -> None:
        self.vocab_size, self.dim = check_int("vocab_size", vocab_size, 1), check_int("dim", dim, 1)
        self.params: dict[str, np.ndarray] = {"embeddings": rng.uniform(-0.05, 0.05, (vocab_size, dim)).astype(dtype)}

    def forward(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``ids`` ``(B, T)`` integers in ``[0, V)`` → ``(vectors (B, T, E), cache)``; the cache is ``ids``."""
        ids = check_ids("ids", ids, self.vocab_size)
        return self.params["embeddings"][ids], ids

    def backward(self, d_out: np.ndarray, cache: np.ndarray) -> Gradients:
        """``d_out`` ``(B, T, E)`` → :class:`~.base.Gradients` with ``params["embeddings"]`` ``(V, E)``
        (repeated ids accumulate, ``np.add.at``) and ``x=None`` (integer ids have no gradient)."""
        ids = check_ids("cache", cache, self.vocab_size)
        d_out = as_float_array("d_out", d_out)
        check_shape("d_out", d_out, (*ids.shape, self.dim), f"(B, T, E={self.dim})")
        check_finite("d_out", d_out)
        grad = np.zeros_like(self.params["embeddings"])
        np.add.at(grad, ids.reshape(-1), d_out.reshape(-1, self.dim))
        return Gradients(params={"embeddings": grad})


def check_ids(name: str, ids: np.ndarray, vocab_size: int) -> np.ndarray:
    """``ids`` as an ``int64`` ``(B, T)`` array after checking its rank, dtype and range ``[0, V)``."""
    if ids is None:
        raise TypeError(f"{name} must be a (B, T) array of integer ids, got None.")
    try:
        arr = np.asarray(ids)
    except ValueError:
        raise ValueError(f"{name} must be a rectangular (B, T) array of integer ids, not a ragged list.") from None
    check_rank(name, arr, 2, "(B, T)")
    if not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"{name} must hold integer ids, shape (B, T), got dtype {arr.dtype}.")
    if arr.size and (arr.min() < 0 or arr.max() >= vocab_size):
        raise ValueError(f"{name} must lie in [0, {vocab_size}); got range [{arr.min()}, {arr.max()}].")
    return arr.astype(np.int64, copy=False)


def softmax_cross_entropy(
    logits: np.ndarray, targets: np.ndarray, mask: np.ndarray | None = None
) -> tuple[float, np.ndarray]:
    """Mean cross-entropy :math:`-\\log \\mathrm{softmax}(z_t)_{y_t}` over the real steps, and its gradient.

    Parameters
    ----------
    logits:
        Shape ``(B, T, K)``.
    targets:
        Integer classes, shape ``(B, T)``, in ``[0, K)``.
    mask:
        Optional ``(B, T)``, ``True`` for steps that count; the mean is over those steps.

    Returns
    -------
    loss : float
        In nats per counted step.
    d_logits : numpy.ndarray
        :math:`\\partial L/\\partial z = (\\mathrm{softmax}(z) - \\mathrm{onehot}(y)) / N`, zero at
        masked steps, shape ``(B, T, K)``.
    """
    logits = as_float_array("logits", logits)
    check_rank("logits", logits, 3, "(B, T, K)")
    B, T, K = logits.shape
    check_finite("logits", logits)
    targets = check_ids("targets", targets, K)
    check_shape("targets", targets, (B, T), f"(B={B}, T={T})")
    weight = np.ones((B, T), dtype=logits.dtype) if mask is None else check_mask("mask", mask, B, T).astype(logits.dtype)
    n = weight.sum()
    if n == 0:
        raise ValueError("mask selects no step: the mean cross-entropy is undefined.")
    logp = log_softmax(logits, axis=-1)  # (B, T, K)
    picked = np.take_along_axis(logp, targets[:, :, None], axis=-1)[:, :, 0]  # (B, T)
    loss = float(-(picked * weight).sum() / n)
    d_logits = np.exp(logp)
    np.put_along_axis(d_logits, targets[:, :, None], np.take_along_axis(d_logits, targets[:, :, None], -1) - 1.0, -1)
    d_logits *= (weight / n)[:, :, None]
    return loss, d_logits
