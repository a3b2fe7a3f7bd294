"""Attention in NumPy, forward and backward, with Keras 3's exact formulas and masking rule.

A query sequence ``Q`` ``(B, Tq, D)`` attends over keys ``K`` ``(B, Tv, D)`` and values ``V``
``(B, Tv, Dv)`` (``K = V`` when no key is given). Scores ``S`` ``(B, Tq, Tv)`` become weights
``A = softmax(S)`` over the last axis and the context is ``C = A V`` ``(B, Tq, Dv)``.

Three score functions, those of ``keras.layers.Attention`` and ``keras.layers.AdditiveAttention``:

- ``"dot"`` (Luong et al. 2015, Keras ``Attention(score_mode="dot")``):
  :math:`S_{ij} = s \\, q_i \\cdot k_j`, with the scalar ``scale`` ``s`` (``use_scale=True``) or 1.
- ``"additive"`` (Bahdanau et al. 2015, Keras ``AdditiveAttention``):
  :math:`S_{ij} = \\sum_d w_d \\tanh(q_{id} + k_{jd})`, with the vector ``scale`` ``w`` ``(D,)``
  (``use_scale=True``, the default) or ones. Bahdanau's :math:`v^\\top \\tanh(W_1 q + W_2 k)` is
  this with ``q``, ``k`` already projected by ``W_1``, ``W_2`` (two Dense layers) and ``w = v``.
- ``"concat"`` (Keras ``Attention(score_mode="concat")``):
  :math:`S_{ij} = c \\sum_d \\tanh(s (q_{id} + k_{jd}))` with scalars ``concat_weight`` ``c`` and
  ``scale`` ``s`` (1 without ``use_scale``).

Masks as Keras applies them: at padded value positions (``value_mask == False``) the score is
lowered by ``1e9`` before the softmax, so their weight is 0 (if a whole row is padded the weights
become uniform, as in Keras); at padded query positions (``query_mask == False``) the context is set
to 0 (the weights are returned unchanged). Keras' ``dropout`` on the weights acts only in training;
this module computes the inference pass (``dropout = 0``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..checks import as_float_array, check_finite, check_rank, check_shape
from ..numerics import softmax

__all__ = ["SCORE_MODES", "AttentionCache", "attention_backward", "attention_forward"]

SCORE_MODES = ("dot", "additive", "concat")
#: What Keras subtracts from the scores of padded value positions.
MASK_PENALTY = 1.0e9


@dataclass
class AttentionCache:
    """What :func:`attention_forward` keeps: inputs, weights ``(B, Tq, Tv)`` and, for the additive
    and concat scores, the ``tanh`` terms ``(B, Tq, Tv, D)``."""

    query: np.ndarray
    key: np.ndarray
    value: np.ndarray
    key_is_value: bool
    score_mode: str
    scale: np.ndarray | None
    concat_weight: np.ndarray | None
    weights: np.ndarray
    tanh: np.ndarray | None
    query_mask: np.ndarray | None


def _as_bool_mask(name: str, mask: object, shape: tuple[int, int]) -> np.ndarray:
    m = np.asarray(mask)
    check_shape(name, m, shape, "(B, T)")
    if m.dtype != np.bool_:
        if not np.all((m == 0) | (m == 1)):
            raise ValueError(f"{name} must hold booleans or 0/1 values.")
        m = m.astype(bool)
    return m


def _checked(name: str, arr: object, layout: str) -> np.ndarray:
    a = as_float_array(name, arr)
    check_rank(name, a, 3, layout)
    check_finite(name, a)
    return a


def attention_forward(
    query: np.ndarray,
    value: np.ndarray,
    key: np.ndarray | None = None,
    *,
    score_mode: str = "dot",
    scale: float | np.ndarray | None = None,
    concat_weight: float | np.ndarray = 1.0,
    query_mask: np.ndarray | None = None,
    value_mask: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, AttentionCache]:
    """Context vectors and attention weights.

    Parameters
    ----------
    query:
        ``(B, Tq, D)``.
    value:
        ``(B, Tv, Dv)``.
    key:
        ``(B, Tv, D)``; ``None`` uses ``value`` as the key (then ``Dv = D``).
    score_mode:
        ``"dot"``, ``"additive"`` or ``"concat"`` (see the module docstring).
    scale:
        ``None`` (no scale, Keras' ``use_scale=False``), a scalar for ``"dot"``/``"concat"``, a
        ``(D,)`` vector for ``"additive"``.
    concat_weight:
        The scalar ``c`` of ``"concat"`` (Keras initialises it to 1); ignored otherwise.
    query_mask, value_mask:
        Boolean ``(B, Tq)`` and ``(B, Tv)``; ``True`` marks real positions.

    Returns
    -------
    context ``(B, Tq, Dv)``, weights ``(B, Tq, Tv)``, cache for :func:`attention_backward`.
    """
    if score_mode not in SCORE_MODES:
        raise ValueError(f"score_mode must be one of {SCORE_MODES}, got {score_mode!r}")
    q = _checked("query", query, "(B, Tq, D)")
    v = _checked("value", value, "(B, Tv, Dv)")
    key_is_value = key is None
    k = v if key_is_value else _checked("key", key, "(B, Tv, D)")
    B, Tq, D = q.shape
    check_shape("value", v, (B, None, None), f"(B={B}, Tv, Dv)")
    check_shape("key", k, (B, v.shape[1], D), f"(B={B}, Tv={v.shape[1]}, D={D}) like query and value")
    if Tq < 1 or v.shape[1] < 1:
        raise ValueError(f"query and value need at least one position, got Tq={Tq}, Tv={v.shape[1]}")
    dtype = np.result_type(q, k, v)
    s = None
    if scale is not None:
        s = np.asarray(scale, dtype=dtype)
        want = (D,) if score_mode == "additive" else ()
        if s.shape != want:
            raise ValueError(f"scale for score_mode={score_mode!r} must have shape {want}, got {s.shape}")
        check_finite("scale", s)
    c = None
    if score_mode == "concat":
        c = np.asarray(concat_weight, dtype=dtype)
        if c.shape != ():
            raise ValueError(f"concat_weight must be a scalar, got shape {c.shape}")
        check_finite("concat_weight", c)

    tanh = None
    if score_mode == "dot":
        scores = q @ np.swapaxes(k, 1, 2)
        if s is not None:
            scores = scores * s
    else:
        pre = q[:, :, None, :] + k[:, None, :, :]  # (B, Tq, Tv, D)
        if score_mode == "additive":
            tanh = np.tanh(pre)
            scores = (tanh * (1.0 if s is None else s)).sum(axis=-1)
        else:
            tanh = np.tanh(pre if s is None else s * pre)
            scores = c * tanh.sum(axis=-1)
    if value_mask is not None:
        vm = _as_bool_mask("value_mask", value_mask, (B, v.shape[1]))
        scores = np.where(vm[:, None, :], scores, scores - MASK_PENALTY)
    weights = softmax(scores, axis=-1)
    context = weights @ v
    qm = None
    if query_mask is not None:
        qm = _as_bool_mask("query_mask", query_mask, (B, Tq))
        context = np.where(qm[:, :, None], context, 0.0)
    cache = AttentionCache(q, k, v, key_is_value, score_mode, s, c, weights, tanh, qm)
    return context, weights, cache


def attention_backward(
    d_context: np.ndarray, cache: AttentionCache, d_weights: np.ndarray | None = None
) -> dict[str, np.ndarray]:
    """Gradients of the loss given ∂loss/∂context ``(B, Tq, Dv)`` (and optionally ∂loss/∂weights).

    Returns a dict with ``"query"``, ``"value"`` (which includes the key's share when the value
    served as key), ``"key"`` (only if a separate key was given), ``"scale"`` (if a scale was used)
    and ``"concat_weight"`` (``"concat"`` only).

    With :math:`A = \\mathrm{softmax}(S)` row by row, :math:`\\partial L/\\partial V = A^\\top
    \\partial L/\\partial C`, :math:`\\partial L/\\partial A = \\partial L/\\partial C\\, V^\\top` and
    :math:`\\partial L/\\partial S = A \\odot (\\partial L/\\partial A - \\sum_j A_{\\cdot j}
    \\partial L/\\partial A_{\\cdot j})`; padded value positions have :math:`A = 0` and get none.
    """
    q, k, v, A = cache.query, cache.key, cache.value, cache.weights
    dC = as_float_array("d_context", d_context)
    check_shape("d_context", dC, (*A.shape[:2], v.shape[2]), "(B, Tq, Dv) of the forward context")
    check_finite("d_context", dC)
    if cache.query_mask is not None:
        dC = np.where(cache.query_mask[:, :, None], dC, 0.0)
    dA = dC @ np.swapaxes(v, 1, 2)
    if d_weights is not None:
        dW = as_float_array("d_weights", d_weights)
        check_shape("d_weights", dW, A.shape, "(B, Tq, Tv) of the forward weights")
        check_finite("d_weights", dW)
        dA = dA + dW
    dV = np.swapaxes(A, 1, 2) @ dC
    dS = A * (dA - (dA * A).sum(axis=-1, keepdims=True))
    grads: dict[str, np.ndarray] = {}
    s, mode = cache.scale, cache.score_mode
    if mode == "dot":
        factor = 1.0 if s is None else s
        dQ = factor * (dS @ k)
        dK = factor * (np.swapaxes(dS, 1, 2) @ q)
        if s is not None:
            grads["scale"] = np.asarray((dS * (q @ np.swapaxes(k, 1, 2))).sum())
    elif mode == "additive":
        T = cache.tanh
        w = 1.0 if s is None else s
        d_pre = dS[..., None] * w * (1.0 - T**2)  # (B, Tq, Tv, D)
        dQ, dK = d_pre.sum(axis=2), d_pre.sum(axis=1)
        if s is not None:
            grads["scale"] = (dS[..., None] * T).sum(axis=(0, 1, 2))
    else:
        T, c = cache.tanh, cache.concat_weight
        d_inner = dS[..., None] * c * (1.0 - T**2)  # ∂L/∂(s (q + k))
        factor = 1.0 if s is None else s
        dQ, dK = factor * d_inner.sum(axis=2), factor * d_inner.sum(axis=1)
        if s is not None:
            grads["scale"] = np.asarray((d_inner * (q[:, :, None, :] + k[:, None, :, :])).sum())
        grads["concat_weight"] = np.asarray((dS * T.sum(axis=-1)).sum())
    grads["query"] = dQ
    if cache.key_is_value:
        grads["value"] = dV + dK
    else:
        grads["value"], grads["key"] = dV, dK
    return grads
