"""Optimisers that update dicts of NumPy parameters in place, and global-norm gradient clipping.

Every optimiser has ``step(params, grads)``: ``params`` and ``grads`` map the same names to arrays
of equal shapes; each parameter array is modified in place (so layers holding it see the update).
Per-parameter state (velocity, accumulators, moments) is kept by name.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

__all__ = ["SGD", "Adagrad", "Adam", "clip_grad_norm", "global_norm"]


def _check(params: Mapping[str, np.ndarray], grads: Mapping[str, np.ndarray]) -> None:
    if set(params) != set(grads):
        raise ValueError(f"params and grads must have the same names: {sorted(params)} vs {sorted(grads)}.")
    for k, p in params.items():
        if grads[k].shape != p.shape:
            raise ValueError(f"gradient of {k!r} must have the parameter's shape {p.shape}, got {grads[k].shape}.")


class SGD:
    """Stochastic gradient descent with (heavy-ball) momentum: :math:`v \\leftarrow \\mu v - \\eta g`, :math:`\\theta \\leftarrow \\theta + v`."""

    def __init__(self, lr: float = 0.01, momentum: float = 0.0) -> None:
        if lr <= 0 or not 0 <= momentum < 1:
            raise ValueError(f"need lr > 0 and 0 <= momentum < 1, got lr={lr}, momentum={momentum}.")
        self.lr, self.momentum = lr, momentum
        self.velocity: dict[str, np.ndarray] = {}

    def step(self, params: Mapping[str, np.ndarray], grads: Mapping[str, np.ndarray]) -> None:
        _check(params, grads)
        for k, p in params.items():
            v = self.velocity.setdefault(k, np.zeros_like(p))
            v *= self.momentum
            v -= self.lr * grads[k]
            p += v


class Adagrad:
    """Adagrad (Duchi et al., 2011): :math:`G \\leftarrow G + g^2`, :math:`\\theta \\leftarrow \\theta - \\eta g / (\\sqrt{G} + \\epsilon)`."""

    def __init__(self, lr: float = 0.1, eps: float = 1e-8) -> None:
        if lr <= 0 or eps <= 0:
            raise ValueError(f"need lr > 0 and eps > 0, got lr={lr}, eps={eps}.")
        self.lr, self.eps = lr, eps
        self.accum: dict[str, np.ndarray] = {}

    def step(self, params: Mapping[str, np.ndarray], grads: Mapping[str, np.ndarray]) -> None:
        _check(params, grads)
        for k, p in params.items():
            g = grads[k]
            G = self.accum.setdefault(k, np.zeros_like(p))
            G += g * g
            p -= self.lr * g / (np.sqrt(G) + self.eps)


class Adam:
    """Adam (Kingma & Ba, 2015) with bias-corrected first and second moments."""

    def __init__(self, lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8) -> None:
        if lr <= 0 or not (0 <= beta1 < 1 and 0 <= beta2 < 1) or eps <= 0:
            raise ValueError(f"need lr > 0, betas in [0, 1), eps > 0; got {lr}, {beta1}, {beta2}, {eps}.")
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.m: dict[str, np.ndarray] = {}
        self.v: dict[str, np.ndarray] = {}
        self.t = 0

    def step(self, params: Mapping[str, np.ndarray], grads: Mapping[str, np.ndarray]) -> None:
        _check(params, grads)
        self.t += 1
        c1, c2 = 1 - self.beta1**self.t, 1 - self.beta2**self.t
        for k, p in params.items():
            g = grads[k]
            m = self.m.setdefault(k, np.zeros_like(p))
            v = self.v.setdefault(k, np.zeros_like(p))
            m *= self.beta1
            m += (1 - self.beta1) * g
            v *= self.beta2
            v += (1 - self.beta2) * g * g
            p -= self.lr * (m / c1) / (np.sqrt(v / c2) + self.eps)


def global_norm(grads: Mapping[str, np.ndarray]) -> float:
    """:math:`\\sqrt{\\sum_k \\lVert g_k \\rVert^2}` over every array of ``grads``."""
    return float(np.sqrt(sum(float(np.sum(np.square(g, dtype=np.float64))) for g in grads.values())))


def clip_grad_norm(grads: Mapping[str, np.ndarray], max_norm: float) -> float:
    """Rescale ``grads`` in place so that their global norm is at most ``max_norm``.

    :math:`g \\leftarrow g \\cdot \\min(1, c / \\lVert g \\rVert)` (Pascanu et al., 2013): the
    direction is kept, only the length is capped. Returns the norm **before** clipping.
    """
    if not max_norm > 0:
        raise ValueError(f"max_norm must be positive, got {max_norm}.")
    norm = global_norm(grads)
    if not np.isfinite(norm):
        raise ValueError(f"the gradients' global norm is {norm}: they hold NaN or inf.")
    if norm > max_norm:
        scale = max_norm / norm
        for g in grads.values():
            g *= scale
    return norm
