"""Linear-chain conditional random field (CRF) in NumPy: forward–backward, Viterbi, NLL gradient.

A sequence of ``L`` tags ``y`` over ``K`` tags gets the score

    s(y) = start[y_0] + sum_t E[t, y_t] + sum_{t>=1} A[y_{t-1}, y_t] + end[y_{L-1}]

from emission scores ``E`` (B, T, K) (a network's outputs), a transition matrix ``A`` (K, K)
(``A[i, j]`` scores tag ``j`` following tag ``i``) and start/end scores (K,). The model's
probability is ``p(y | x) = exp(s(y)) / Z`` with the partition function ``Z = sum_y exp(s(y))``.

Batches are padded: ``mask`` (B, T) is True on the real positions, which must form a prefix
(``mask[b, :L_b]`` True, the rest False) with ``L_b >= 1``. Padded positions leave the recursions
unchanged, so a padded sequence gets exactly the values of the unpadded one.
"""

from __future__ import annotations

import numpy as np

from ..checks import check_finite, check_rank, check_shape
from ..numerics import logsumexp

__all__ = [
    "crf_backward",
    "crf_forward",
    "crf_log_partition",
    "crf_marginals",
    "crf_nll",
    "crf_nll_and_grad",
    "crf_sequence_score",
    "viterbi_decode",
]


def _check(emissions, mask, transitions, start, end, tags=None):
    """Validate the CRF inputs; return them as arrays (float64 scores, bool mask, int tags)."""
    e = np.asarray(emissions)
    if not np.issubdtype(e.dtype, np.floating):
        raise TypeError(f"emissions must be floating point (B, T, K), got dtype {e.dtype}.")
    check_rank("emissions", e, 3, "(B, T, K)")
    B, T, K = e.shape
    if B < 1 or T < 1 or K < 1:
        raise ValueError(f"emissions must have positive sizes (B, T, K), got {e.shape}.")
    check_finite("emissions", e)
    m = np.asarray(mask)
    if m.dtype != bool:
        raise TypeError(f"mask must be a boolean (B, T) array, got dtype {m.dtype}.")
    check_shape("mask", m, (B, T), "(B, T)")
    if not m[:, 0].all():
        raise ValueError("mask must be True at position 0: every sequence needs length >= 1.")
    if (m[:, 1:] & ~m[:, :-1]).any():
        raise ValueError("mask must be a prefix per row (True for the real steps, then False).")
    out = [e, m]
    for name, arr, shape, layout in (
        ("transitions", transitions, (K, K), "(K, K)"),
        ("start", start, (K,), "(K,)"),
        ("end", end, (K,), "(K,)"),
    ):
        a = np.asarray(arr)
        if not np.issubdtype(a.dtype, np.floating):
            raise TypeError(f"{name} must be floating point {layout}, got dtype {a.dtype}.")
        check_shape(name, a, shape, layout)
        check_finite(name, a)
        out.append(a)
    if tags is not None:
        y = np.asarray(tags)
        if not np.issubdtype(y.dtype, np.integer):
            raise TypeError(f"tags must be an integer (B, T) array, got dtype {y.dtype}.")
        check_shape("tags", y, (B, T), "(B, T)")
        if ((y < 0) | (y >= K))[m].any():
            raise ValueError(f"tags must lie in [0, {K}) on the real (masked-in) positions.")
        out.append(np.where(m, y, 0))
    return out


def _last_index(mask: np.ndarray) -> np.ndarray:
    """Index of the last real position of each row, shape (B,)."""
    return mask.sum(axis=1) - 1


def crf_sequence_score(emissions, tags, mask, transitions, start, end) -> np.ndarray:
    """Unnormalised score ``s(y)`` of the given tag sequences, shape (B,)."""
    e, m, A, s0, sL, y = _check(emissions, mask, transitions, start, end, tags)
    B, T, _ = e.shape
    rows = np.arange(B)
    score = s0[y[:, 0]] + e[rows, 0, y[:, 0]]
    for t in range(1, T):
        step = A[y[:, t - 1], y[:, t]] + e[rows, t, y[:, t]]
        score = score + np.where(m[:, t], step, 0.0)
    return score + sL[y[rows, _last_index(m)]]


def crf_forward(emissions, mask, transitions, start, end) -> np.ndarray:
    """Log forward variables ``alpha[b, t, k]`` = log-sum of the scores of all prefixes ending in
    tag ``k`` at step ``t`` (padded steps copy the previous value). Shape (B, T, K)."""
    e, m, A, s0, _ = _check(emissions, mask, transitions, start, end)
    alpha = np.empty_like(e, dtype=np.result_type(e, A))
    alpha[:, 0] = s0 + e[:, 0]
    for t in range(1, e.shape[1]):
        # alpha_t[j] = logsumexp_i(alpha_{t-1}[i] + A[i, j]) + E[t, j]
        new = logsumexp(alpha[:, t - 1, :, None] + A[None], axis=1) + e[:, t]
        alpha[:, t] = np.where(m[:, t, None], new, alpha[:, t - 1])
    return alpha


def crf_backward(emissions, mask, transitions, start, end) -> np.ndarray:
    """Log backward variables ``beta[b, t, k]`` = log-sum of the scores of all continuations after
    tag ``k`` at step ``t``, end score included. Shape (B, T, K)."""
    e, m, A, _, sL = _check(emissions, mask, transitions, start, end)
    T = e.shape[1]
    beta = np.empty_like(e, dtype=np.result_type(e, A))
    beta[:, T - 1] = sL
    for t in range(T - 2, -1, -1):
        # beta_t[i] = logsumexp_j(A[i, j] + E[t+1, j] + beta_{t+1}[j])
        new = logsumexp(A[None] + (e[:, t + 1] + beta[:, t + 1])[:, None, :], axis=2)
        beta[:, t] = np.where(m[:, t + 1, None], new, beta[:, t + 1])
    return beta


def crf_log_partition(emissions, mask, transitions, start, end) -> np.ndarray:
    """``log Z`` of each sequence, shape (B,)."""
    alpha = crf_forward(emissions, mask, transitions, start, end)
    return logsumexp(alpha[:, -1] + np.asarray(end), axis=-1)


def crf_marginals(emissions, mask, transitions, start, end) -> tuple[np.ndarray, np.ndarray]:
    """Posterior marginals from forward–backward.

    Returns
    -------
    unary : (B, T, K)
        ``p(y_t = k | x)``; zero on padded steps.
    pairwise : (B, T-1, K, K)
        ``p(y_{t} = i, y_{t+1} = j | x)``; zero where step ``t+1`` is padding.
    """
    e, m, A, s0, sL = _check(emissions, mask, transitions, start, end)
    alpha = crf_forward(e, m, A, s0, sL)
    beta = crf_backward(e, m, A, s0, sL)
    log_z = logsumexp(alpha[:, -1] + sL, axis=-1)
    with np.errstate(over="ignore"):  # padded steps may overflow; np.where discards them
        unary = np.where(m[:, :, None], np.exp(alpha + beta - log_z[:, None, None]), 0.0)
    log_pair = (
        alpha[:, :-1, :, None]
        + A[None, None]
        + (e[:, 1:] + beta[:, 1:])[:, :, None, :]
        - log_z[:, None, None, None]
    )
    with np.errstate(over="ignore"):
        pairwise = np.where(m[:, 1:, None, None], np.exp(log_pair), 0.0)
    return unary, pairwise


def crf_nll(emissions, tags, mask, transitions, start, end) -> np.ndarray:
    """Negative log-likelihood ``log Z - s(y)`` of each sequence, shape (B,)."""
    log_z = crf_log_partition(emissions, mask, transitions, start, end)
    return log_z - crf_sequence_score(emissions, tags, mask, transitions, start, end)


def crf_nll_and_grad(
    emissions, tags, mask, transitions, start, end
) -> tuple[float, dict[str, np.ndarray]]:
    """Summed NLL over the batch and its gradient: expected minus observed feature counts.

    Returns
    -------
    loss : float
        ``sum_b (log Z_b - s(y_b))``.
    grads : dict
        ``"emissions"`` (B, T, K), ``"transitions"`` (K, K), ``"start"`` (K,), ``"end"`` (K,).
    """
    e, m, A, s0, sL, y = _check(emissions, mask, transitions, start, end, tags)
    B, _, K = e.shape
    loss = float(np.sum(crf_nll(e, y, m, A, s0, sL)))
    unary, pairwise = crf_marginals(e, m, A, s0, sL)
    onehot = np.eye(K)[y] * m[:, :, None]  # observed tags, (B, T, K)
    observed_pairs = np.einsum("bti,btj->ij", onehot[:, :-1], onehot[:, 1:])
    last = _last_index(m)
    rows = np.arange(B)
    grads = {
        "emissions": unary - onehot,
        "transitions": pairwise.sum(axis=(0, 1)) - observed_pairs,
        "start": unary[:, 0].sum(0) - onehot[:, 0].sum(0),
        "end": unary[rows, last].sum(0) - onehot[rows, last].sum(0),
    }
    return loss, grads


def viterbi_decode(emissions, mask, transitions, start, end) -> tuple[np.ndarray, np.ndarray]:
    """Highest-scoring tag sequence of each row (max-product dynamic programme).

    Returns
    -------
    tags : (B, T) int64
        The best path on the real steps; 0 on padded steps.
    scores : (B,)
        Its score ``s(y*)``.
    """
    e, m, A, s0, sL = _check(emissions, mask, transitions, start, end)
    B, T, K = e.shape
    delta = s0 + e[:, 0]
    back = np.zeros((B, T, K), dtype=np.int64)
    identity = np.broadcast_to(np.arange(K), (B, K))
    for t in range(1, T):
        cand = delta[:, :, None] + A[None]  # (B, K_prev, K)
        best_prev = cand.argmax(axis=1)
        new = np.take_along_axis(cand, best_prev[:, None, :], axis=1)[:, 0] + e[:, t]
        delta = np.where(m[:, t, None], new, delta)
        back[:, t] = np.where(m[:, t, None], best_prev, identity)  # padding: stay put
    final = delta + sL
    tags = np.zeros((B, T), dtype=np.int64)
    tags[:, T - 1] = final.argmax(axis=1)
    for t in range(T - 1, 0, -1):
        tags[:, t - 1] = back[np.arange(B), t, tags[:, t]]
    return np.where(m, tags, 0), final.max(axis=1)
