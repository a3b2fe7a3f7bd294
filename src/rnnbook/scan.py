"""The linear recurrence :math:`h_t = a_t \\odot h_{t-1} + b_t`, sequentially and by a parallel scan.

Every model of chapter 19 (minGRU, minLSTM, diagonal state-space models, selective recurrences)
updates its state this way: the coefficients :math:`a_t, b_t` depend on the input only, never on
:math:`h_{t-1}`. Then the pairs :math:`(a_t, b_t)` compose with the *associative* operator

.. math:: (a_1, b_1) \\bullet (a_2, b_2) = (a_1 a_2,\\; a_2 b_1 + b_2),

which is "apply step 1, then step 2" for the affine maps :math:`h \\mapsto a h + b`. An associative
operator can be scanned in :math:`\\lceil \\log_2 T \\rceil` rounds of independent work
(Hillis & Steele 1986; Blelloch 1990): round :math:`k` combines every position with the one
:math:`2^k` steps before it. A GRU's gates read :math:`h_{t-1}`, so its steps do not compose this
way and must run one after another.

Arrays are batch-first: ``a`` and ``b`` are ``(B, T, H)``, ``h0`` is ``(B, H)``.
"""

from __future__ import annotations

import numpy as np

from .checks import as_float_array, check_finite, check_rank, check_shape

__all__ = ["linear_recurrence", "linear_recurrence_scan", "linear_recurrence_sequential", "scan_rounds"]


def _validate(a: object, b: object, h0: object | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    a, b = as_float_array("a", a), as_float_array("b", b)
    check_rank("a", a, 3, "(B, T, H)")
    check_shape("b", b, a.shape, "(B, T, H), the shape of a")
    if a.shape[1] == 0:
        raise ValueError("a and b must have at least one time step, got T = 0")
    check_finite("a", a)
    check_finite("b", b)
    B, _, H = a.shape
    if h0 is None:
        h0 = np.zeros((B, H), dtype=np.result_type(a, b))
    else:
        h0 = as_float_array("h0", h0)
        check_shape("h0", h0, (B, H), "(B, H)")
        check_finite("h0", h0)
    return a, b, h0


def linear_recurrence_sequential(a: np.ndarray, b: np.ndarray, h0: np.ndarray) -> np.ndarray:
    """:math:`h_t = a_t h_{t-1} + b_t` one step after another; returns ``(B, T, H)``: :math:`h_1..h_T`."""
    h, out = h0, np.empty(np.broadcast_shapes(a.shape, b.shape), dtype=np.result_type(a, b, h0))
    for t in range(a.shape[1]):
        h = a[:, t] * h + b[:, t]
        out[:, t] = h
    return out


def linear_recurrence_scan(a: np.ndarray, b: np.ndarray, h0: np.ndarray) -> np.ndarray:
    """The same :math:`h_1..h_T` by a Hillis–Steele inclusive scan: :math:`\\lceil\\log_2 T\\rceil` rounds.

    After round :math:`k`, position :math:`t` holds the composition of steps
    :math:`\\max(1, t - 2^{k+1} + 1) .. t`; the initial state enters as step 0 with
    :math:`(a_0, b_0) = (0, h_0)`.
    """
    A = np.concatenate([np.zeros_like(a[:, :1]), a], axis=1)  # (B, T+1, H)
    Bc = np.concatenate([h0[:, None, :].astype(b.dtype), b], axis=1)  # (B, T+1, H)
    shift = 1
    while shift < A.shape[1]:
        # combine (a_{t-s}, b_{t-s}) then (a_t, b_t): (a_{t-s} a_t, a_t b_{t-s} + b_t)
        Bc = np.concatenate([Bc[:, :shift], A[:, shift:] * Bc[:, :-shift] + Bc[:, shift:]], axis=1)
        A = np.concatenate([A[:, :shift], A[:, shift:] * A[:, :-shift]], axis=1)
        shift *= 2
    return Bc[:, 1:]


def scan_rounds(T: int) -> int:
    """Rounds of :func:`linear_recurrence_scan` for ``T`` steps: :math:`\\lceil \\log_2 (T+1) \\rceil`."""
    if isinstance(T, bool) or not isinstance(T, (int, np.integer)) or T < 1:
        raise ValueError(f"T must be a positive integer, got {T!r}")
    return int(np.ceil(np.log2(T + 1)))


def linear_recurrence(a: object, b: object, h0: object | None = None, *, parallel: bool = True) -> np.ndarray:
    """Validated entry point: :math:`h_1..h_T` of :math:`h_t = a_t h_{t-1} + b_t`, shape ``(B, T, H)``.

    ``a``, ``b``: ``(B, T, H)`` real arrays; ``h0``: ``(B, H)`` (zeros when ``None``). ``parallel``
    chooses :func:`linear_recurrence_scan` or :func:`linear_recurrence_sequential`; both give the
    same numbers up to round-off.
    """
    if not isinstance(parallel, bool):
        raise TypeError(f"parallel must be a bool, got {type(parallel).__name__}")
    a, b, h0 = _validate(a, b, h0)
    return (linear_recurrence_scan if parallel else linear_recurrence_sequential)(a, b, h0)
