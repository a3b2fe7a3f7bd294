"""Connectionist temporal classification (CTC) in NumPy: the loss and its gradient.

CTC (Graves et al., 2006) scores a label sequence :math:`\\mathbf{l}` of length :math:`L` given
per-frame class scores over :math:`T` frames by summing the probabilities of every frame-level
*alignment* (path) :math:`\\pi` that collapses to it: merge repeated symbols, then delete blanks.
The sum runs over the *extended* label :math:`\\mathbf{z} = (\\varnothing, l_1, \\varnothing, l_2,
\\dots, l_L, \\varnothing)` of length :math:`S = 2L + 1` with the forward–backward recursions,
here in log space.

Conventions
-----------
- ``logits`` are unnormalised scores of shape ``(B, T, K)`` with ``K`` classes *including* the
  blank; log-softmax is applied inside, so the gradient is with respect to the logits.
- ``blank`` is the index of the blank class; the default ``0`` matches ``keras.ops.ctc_loss`` /
  ``keras.ops.ctc_decode`` (``mask_index=0``) and ``tf.nn.ctc_loss`` (``blank_index=0`` for dense
  labels). Negative values count from the end (``-1`` is the last class, the convention of
  ``tf.compat.v1.nn.ctc_loss``).
- Labels are padded to ``(B, L_max)``; only the first ``label_lengths[b]`` entries of row ``b``
  are read. Frames at or beyond ``input_lengths[b]`` are ignored and get zero gradient.
- An *impossible* example, whose input is shorter than the label needs
  (:func:`ctc_min_input_length`: one frame per label plus one blank between each pair of equal
  neighbours), has zero probability: its loss is ``+inf`` and its gradient is set to zero (the
  behaviour of PyTorch's ``zero_infinity=True``), so one bad example cannot poison a batch with
  NaNs. Pass ``impossible="raise"`` to get a ``ValueError`` instead.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from ...checks import as_float_array, check_finite, check_int, check_rank
from ...numerics import log_softmax, logsumexp

__all__ = [
    "ctc_brute_force_loss",
    "ctc_collapse",
    "ctc_labelling_log_probs",
    "ctc_loss",
    "ctc_loss_and_grad",
    "ctc_min_input_length",
]

_NEG_INF = -np.inf


def ctc_collapse(path: Sequence[int] | np.ndarray, blank: int = 0) -> list[int]:
    """The CTC map :math:`\\mathcal{B}`: merge runs of equal symbols, then delete blanks.

    ``path`` is a 1-D sequence of class indices (an alignment); e.g. with ``blank=0``,
    ``[1, 1, 0, 1, 2, 2, 0] -> [1, 1, 2]``.
    """
    out: list[int] = []
    prev = None
    p = np.asarray(path)
    if p.ndim != 1 or not (np.issubdtype(p.dtype, np.integer) or p.size == 0):
        raise ValueError(f"path must be a 1-D sequence of integer class ids (one alignment), got shape {p.shape} {p.dtype}.")
    for k in p.tolist():
        if k != prev and k != blank:
            out.append(int(k))
        prev = k
    return out


def ctc_min_input_length(label: Sequence[int] | np.ndarray) -> int:
    """Fewest frames that can emit ``label``: :math:`L` plus one blank per pair of equal neighbours."""
    lab = np.asarray(label)
    if lab.ndim != 1:
        raise ValueError(f"label must be a 1-D sequence of class ids, got shape {lab.shape}.")
    return int(lab.size + np.count_nonzero(lab[1:] == lab[:-1]))


def _resolve_blank(blank: int, K: int) -> int:
    check_int("blank", blank)
    if not -K <= blank < K:
        raise ValueError(f"blank must lie in [-{K}, {K}) for K = {K} classes, got {blank}.")
    return blank % K


def _check_inputs(
    logits: object, labels: object, input_lengths: object, label_lengths: object, blank: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    x = as_float_array("logits", logits)
    check_rank("logits", x, 3, "(B, T, K)")
    check_finite("logits", x)
    B, T, K = x.shape
    if K < 2:
        raise ValueError(f"logits need K >= 2 classes (the blank and at least one label), got shape {x.shape}.")
    blank = _resolve_blank(blank, K)
    lab = np.asarray(labels)
    if lab.ndim != 2 or lab.shape[0] != B or not np.issubdtype(lab.dtype, np.integer):
        raise ValueError(f"labels must be an integer array of shape ({B}, L_max) = (B, L_max), got {lab.shape} {lab.dtype}.")
    tl = np.asarray(input_lengths)
    ll = np.asarray(label_lengths)
    for name, arr, hi in (("input_lengths", tl, T), ("label_lengths", ll, lab.shape[1])):
        if arr.shape != (B,) or not np.issubdtype(arr.dtype, np.integer):
            raise ValueError(f"{name} must be an integer array of shape ({B},) = (B,), got {arr.shape} {arr.dtype}.")
        if np.any(arr < 0) or np.any(arr > hi):
            raise ValueError(f"{name} must lie in [0, {hi}], got range [{arr.min()}, {arr.max()}].")
    if np.any(tl < 1):
        raise ValueError("every input_lengths[b] must be >= 1.")
    valid = np.arange(lab.shape[1])[None, :] < ll[:, None]
    used = lab[valid]
    if used.size and (used.min() < 0 or used.max() >= K or np.any(used == blank)):
        raise ValueError(f"labels must lie in [0, {K}) and differ from the blank index {blank}.")
    return x, lab.astype(np.int64), tl.astype(np.int64), ll.astype(np.int64), blank


def _extended(lab: np.ndarray, ll: np.ndarray, blank: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Extended labels ``z`` (B, S), valid mask (B, S), skip-allowed mask (B, S), lengths S_b (B,)."""
    B, L = lab.shape
    S = 2 * L + 1
    z = np.full((B, S), blank, dtype=np.int64)
    z[:, 1::2] = lab
    s_len = 2 * ll + 1
    valid = np.arange(S)[None, :] < s_len[:, None]
    z = np.where(valid, z, blank)
    skip = np.zeros((B, S), dtype=bool)  # may alpha_t(s) receive from alpha_{t-1}(s-2)?
    skip[:, 2:] = (z[:, 2:] != blank) & (z[:, 2:] != z[:, :-2])
    return z, valid, skip & valid, s_len


def _forward_backward(
    x: np.ndarray, lab: np.ndarray, tl: np.ndarray, ll: np.ndarray, blank: int, need_beta: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray, np.ndarray, np.ndarray]:
    """Log-space CTC recursions over the extended labels, vectorised over the batch.

    Returns ``log p(l|x)`` (B,), ``log y`` (B, T, K), ``log beta`` (B, T, S) or None, ``log alpha``
    (B, T, S), the extended labels ``z`` (B, S) and their valid mask (B, S). Both ``alpha_t(s)`` and
    ``beta_t(s)`` include the emission ``y_t(z_s)``; entries outside an example's lengths are -inf.
    """
    B, T, _K = x.shape
    logp = log_softmax(x.astype(np.float64), axis=-1)  # log y_t(k), (B, T, K)
    z, valid, skip, s_len = _extended(lab, ll, blank)
    S = z.shape[1]
    # log y_t(z_s) for every extended position: (B, T, S); positions past S_b are -inf
    emit = np.take_along_axis(logp, np.broadcast_to(z[:, None, :], (B, T, S)), axis=2)
    emit = np.where(valid[:, None, :], emit, _NEG_INF)
    neg1, neg2 = np.full((B, 1), _NEG_INF), np.full((B, 2), _NEG_INF)
    rows = np.arange(B)
    last_s, penult_s = s_len - 1, np.maximum(s_len - 2, 0)  # the two accepting states (equal when L = 0)

    # forward: alpha_t(s) = (alpha_{t-1}(s) + alpha_{t-1}(s-1) + [skip] alpha_{t-1}(s-2)) y_t(z_s)
    alpha = np.full((B, T, S), _NEG_INF)
    alpha[:, 0, : min(S, 2)] = emit[:, 0, : min(S, 2)]  # start in the leading blank or in l_1
    for t in range(1, T):
        prev = alpha[:, t - 1]
        stay, advance = prev, np.concatenate([neg1, prev[:, :-1]], axis=1)
        jump = np.where(skip, np.concatenate([neg2, prev[:, :-2]], axis=1), _NEG_INF)
        new = logsumexp(np.stack([stay, advance, jump]), axis=0) + emit[:, t]
        alpha[:, t] = np.where((t < tl)[:, None], new, _NEG_INF)  # frozen at -inf past T_b
    final = alpha[rows, tl - 1]  # (B, S): alpha at each example's last frame
    log_lik = np.logaddexp(final[rows, last_s], np.where(s_len >= 2, final[rows, penult_s], _NEG_INF))

    beta = None
    if need_beta:
        # backward: beta_t(s) = (beta_{t+1}(s) + beta_{t+1}(s+1) + [skip at s+2] beta_{t+1}(s+2)) y_t(z_s)
        skip_from = np.zeros((B, S), dtype=bool)
        skip_from[:, :-2] = skip[:, 2:]
        accept = np.full((B, S), _NEG_INF)  # log 1 in the accepting states at the last frame
        accept[rows, last_s] = 0.0
        accept[rows, penult_s] = 0.0
        beta = np.full((B, T, S), _NEG_INF)
        for t in range(T - 1, -1, -1):
            nxt = beta[:, t + 1] if t + 1 < T else np.full((B, S), _NEG_INF)
            stay, advance = nxt, np.concatenate([nxt[:, 1:], neg1], axis=1)
            jump = np.where(skip_from, np.concatenate([nxt[:, 2:], neg2], axis=1), _NEG_INF)
            rec = logsumexp(np.stack([stay, advance, jump]), axis=0)
            rec = np.where((t == tl - 1)[:, None], accept, rec)
            beta[:, t] = np.where((t < tl)[:, None], rec + emit[:, t], _NEG_INF)
    return log_lik, logp, beta, alpha, z, valid


def ctc_loss(
    logits: np.ndarray,
    labels: np.ndarray,
    input_lengths: np.ndarray,
    label_lengths: np.ndarray,
    blank: int = 0,
    impossible: str = "inf",
) -> np.ndarray:
    """Per-example CTC negative log-likelihood :math:`-\\log p(\\mathbf{l} \\mid \\mathbf{x})`, shape ``(B,)``
    float64: :func:`ctc_loss_and_grad` without the gradient (same arguments).
    """
    return ctc_loss_and_grad(logits, labels, input_lengths, label_lengths, blank, impossible, grad=False)[0]


def ctc_loss_and_grad(
    logits: np.ndarray,
    labels: np.ndarray,
    input_lengths: np.ndarray,
    label_lengths: np.ndarray,
    blank: int = 0,
    impossible: str = "inf",
    *,
    grad: bool = True,
) -> tuple[np.ndarray, np.ndarray | None]:
    """CTC loss (see :func:`ctc_loss`) and its gradient with respect to the logits.

    With :math:`\\alpha_t(s)` and :math:`\\beta_t(s)` both including the emission
    :math:`y_t(z_s)` at frame :math:`t`, the gradient of :math:`-\\log p` with respect to the
    logit :math:`u_t(k)` is

    .. math:: y_t(k) - \\frac{1}{p(\\mathbf{l}\\mid\\mathbf{x})\\, y_t(k)}
              \\sum_{s:\\, z_s = k} \\alpha_t(s)\\, \\beta_t(s).

    Returns
    -------
    loss : numpy.ndarray
        Shape ``(B,)``.
    grad : numpy.ndarray or None
        Shape ``(B, T, K)`` (``None`` when ``grad=False``); gradient of ``loss[b]`` with respect to
        ``logits[b]``, so the gradient of ``loss.sum()`` is ``grad`` itself. Zero for frames
        ``t >= input_lengths[b]`` and for impossible examples.
    """
    if impossible not in ("inf", "raise"):
        raise ValueError(f"impossible must be 'inf' or 'raise', got {impossible!r}.")
    x, lab, tl, ll, blank = _check_inputs(logits, labels, input_lengths, label_lengths, blank)
    B, T, K = x.shape
    if impossible == "raise":
        for b in range(B):
            need = ctc_min_input_length(lab[b, : ll[b]])
            if tl[b] < need:
                raise ValueError(
                    f"example {b}: label of length {ll[b]} needs at least {need} frames "
                    f"(labels plus blanks between repeats), but input_lengths[{b}] = {tl[b]}."
                )
    log_lik, logp, beta, alpha, z, valid = _forward_backward(x, lab, tl, ll, blank, need_beta=grad)
    loss = -log_lik
    if not grad:
        return loss, None
    assert beta is not None
    possible = np.isfinite(log_lik)
    # occupancy of extended position s at frame t: alpha*beta/y, normalised by p(l|x); (B, T, S)
    emit_logp = np.take_along_axis(logp, np.broadcast_to(z[:, None, :], (B, T, z.shape[1])), axis=2)
    ll_safe = np.where(possible, log_lik, 0.0)
    with np.errstate(invalid="ignore"):
        log_occ = alpha + beta - emit_logp - ll_safe[:, None, None]
    occ = np.where(np.isfinite(log_occ) & valid[:, None, :], np.exp(np.where(np.isfinite(log_occ), log_occ, 0.0)), 0.0)
    onehot = (z[:, :, None] == np.arange(K)[None, None, :]) & valid[:, :, None]  # (B, S, K)
    gamma = np.einsum("bts,bsk->btk", occ, onehot.astype(np.float64))
    g = np.exp(logp) - gamma
    frame_mask = (np.arange(T)[None, :] < tl[:, None]) & possible[:, None]
    g = np.where(frame_mask[:, :, None], g, 0.0)
    return loss, g


def ctc_brute_force_loss(logits: np.ndarray, label: Sequence[int], blank: int = 0, max_paths: int = 2_000_000) -> float:
    """:math:`-\\log \\sum_{\\pi:\\ \\mathcal{B}(\\pi) = \\mathbf{l}} \\prod_t y_t(\\pi_t)` by enumerating all
    :math:`K^T` paths of one example; ``logits`` has shape ``(T, K)``. For tests on tiny cases only."""
    lp = _single_logp(logits, max_paths)
    blank = _resolve_blank(blank, lp.shape[1])
    target = [int(k) for k in label]
    total = _NEG_INF
    for path in itertools.product(range(lp.shape[1]), repeat=lp.shape[0]):
        if ctc_collapse(path, blank) == target:
            total = np.logaddexp(total, lp[np.arange(lp.shape[0]), path].sum())
    return float(-total)


def ctc_labelling_log_probs(logits: np.ndarray, blank: int = 0, max_paths: int = 2_000_000) -> dict[tuple[int, ...], float]:
    """:math:`\\log p(\\mathbf{l}\\mid\\mathbf{x})` of every labelling with non-zero probability, by
    enumerating all :math:`K^T` paths of one example (``logits`` of shape ``(T, K)``). Tiny cases only."""
    lp = _single_logp(logits, max_paths)
    blank = _resolve_blank(blank, lp.shape[1])
    T = lp.shape[0]
    out: dict[tuple[int, ...], float] = {}
    for path in itertools.product(range(lp.shape[1]), repeat=T):
        key = tuple(ctc_collapse(path, blank))
        out[key] = float(np.logaddexp(out.get(key, _NEG_INF), lp[np.arange(T), path].sum()))
    return out


def _single_logp(logits: np.ndarray, max_paths: int) -> np.ndarray:
    x = as_float_array("logits", logits)
    check_rank("logits", x, 2, "(T, K)")
    T, K = x.shape
    if K**T > max_paths:
        raise ValueError(f"{K}**{T} = {K**T} paths is more than max_paths = {max_paths}; use a tiny (T, K).")
    return log_softmax(x.astype(np.float64), axis=-1)
