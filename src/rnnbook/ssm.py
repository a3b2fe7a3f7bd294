"""Diagonal state-space models (S4D-style) and a selective recurrence (Mamba-style), in NumPy.

A continuous-time linear state-space model per input channel,
:math:`x'(t) = A x(t) + B u(t)`, :math:`y(t) = C x(t)`, with a diagonal :math:`A = \\mathrm{diag}
(\\lambda)`, :math:`\\lambda_n < 0`, is discretised with step :math:`\\Delta` by the zero-order hold
(input constant over each step):

.. math:: \\bar A = e^{\\Delta \\lambda}, \\qquad \\bar B = \\frac{e^{\\Delta\\lambda} - 1}{\\lambda} B,
          \\qquad x_t = \\bar A \\odot x_{t-1} + \\bar B\\, u_t, \\qquad y_t = C^\\top x_t.

Because :math:`\\bar A, \\bar B` do not depend on :math:`t`, unrolling gives a causal convolution,
:math:`y_t = \\sum_{k \\ge 0} K_k u_{t-k}` with kernel :math:`K_k = C^\\top (\\bar A^k \\odot \\bar B)`
(Gu et al. 2022). A *selective* SSM (Gu & Dao 2023) makes :math:`\\Delta_t, B_t, C_t` functions of
the input :math:`u_t`: the convolution is gone, but the state update is still the linear recurrence
of :mod:`rnnbook.scan`, so it still trains with a parallel scan.

Shapes: inputs ``u`` ``(B, T, D)`` (``D`` independent channels); each channel has ``N`` states, so
the state is ``(B, D, N)``. ``lam``, ``b``, ``c`` are ``(D, N)``; ``dt`` is ``(D,)``.
"""

from __future__ import annotations

import numpy as np

from .checks import as_float_array, check_finite, check_rank, check_shape
from .scan import linear_recurrence_scan, linear_recurrence_sequential

__all__ = ["diagonal_ssm", "selective_ssm", "ssm_kernel", "zoh_discretize"]


def _check_u(u: object) -> np.ndarray:
    u = as_float_array("u", u)
    check_rank("u", u, 3, "(B, T, D)")
    if 0 in u.shape:
        raise ValueError(f"u must have no empty axis, got shape {u.shape}")
    check_finite("u", u)
    return u


def _check_ssm_params(lam: object, b: object, c: object, dt: object, D: int | None) -> tuple[np.ndarray, ...]:
    lam = as_float_array("lam", lam)
    check_rank("lam", lam, 2, "(D, N)")
    if D is not None:
        check_shape("lam", lam, (D, None), "(D, N) with D the channels of u")
    for name, arr in (("lam", lam),):
        check_finite(name, arr)
    if np.any(lam >= 0):
        raise ValueError("lam must be strictly negative (a stable continuous-time system)")
    b, c = as_float_array("b", b), as_float_array("c", c)
    check_shape("b", b, lam.shape, "(D, N), the shape of lam")
    check_shape("c", c, lam.shape, "(D, N), the shape of lam")
    dt = as_float_array("dt", dt)
    check_shape("dt", dt, (lam.shape[0],), "(D,)")
    for name, arr in (("b", b), ("c", c), ("dt", dt)):
        check_finite(name, arr)
    if np.any(dt <= 0):
        raise ValueError("dt must be strictly positive")
    return lam, b, c, dt


def zoh_discretize(lam: np.ndarray, b: np.ndarray, dt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Zero-order hold: :math:`\\bar A = e^{\\Delta\\lambda}`, :math:`\\bar B = (\\bar A - 1) B / \\lambda`.

    ``lam``, ``b``: ``(..., N)``; ``dt``: broadcastable to ``lam[..., :1]``. Returns two arrays of
    ``lam``'s shape. Uses ``expm1`` so that small :math:`\\Delta\\lambda` loses no digits.
    """
    dl = dt * lam
    return np.exp(dl), np.expm1(dl) / lam * b


def ssm_kernel(lam: object, b: object, c: object, dt: object, length: int) -> np.ndarray:
    """The convolution kernel :math:`K_k = \\sum_n c_n \\bar A_n^k \\bar B_n`, ``(D, length)``."""
    lam, b, c, dt = _check_ssm_params(lam, b, c, dt, None)
    if isinstance(length, bool) or not isinstance(length, (int, np.integer)) or length < 1:
        raise ValueError(f"length must be a positive integer, got {length!r}")
    a_bar, b_bar = zoh_discretize(lam, b, dt[:, None])
    powers = a_bar[:, None, :] ** np.arange(length)[None, :, None]  # (D, L, N)
    return np.einsum("dn,dln,dn->dl", c, powers, b_bar)


def diagonal_ssm(
    u: object, lam: object, b: object, c: object, dt: object, *, mode: str = "scan"
) -> np.ndarray:
    """Output ``y`` ``(B, T, D)`` of the discretised diagonal SSM from a zero state.

    ``mode``: ``"scan"`` (parallel scan over the states), ``"sequential"`` (one step at a time) or
    ``"convolution"`` (the causal convolution with :func:`ssm_kernel`). All three agree.
    """
    u = _check_u(u)
    Bsz, T, D = u.shape
    lam, b, c, dt = _check_ssm_params(lam, b, c, dt, D)
    if mode == "convolution":
        K = ssm_kernel(lam, b, c, dt, T)  # (D, T)
        y = np.zeros_like(u)
        for k in range(T):  # y_t += K_k u_{t-k}
            y[:, k:] += K[:, k] * u[:, : T - k]
        return y
    if mode not in ("scan", "sequential"):
        raise ValueError(f"mode must be 'scan', 'sequential' or 'convolution', got {mode!r}")
    N = lam.shape[1]
    a_bar, b_bar = zoh_discretize(lam, b, dt[:, None])  # (D, N)
    a = np.broadcast_to(a_bar.reshape(1, 1, D * N), (Bsz, T, D * N))
    bu = (u[..., None] * b_bar).reshape(Bsz, T, D * N)  # (B, T, D·N)
    run = linear_recurrence_scan if mode == "scan" else linear_recurrence_sequential
    x = run(np.ascontiguousarray(a), bu, np.zeros((Bsz, D * N))).reshape(Bsz, T, D, N)
    return np.einsum("btdn,dn->btd", x, c)


def selective_ssm(
    u: object,
    lam: object,
    w_dt: object,
    b_dt: object,
    w_b: object,
    w_c: object,
    *,
    parallel: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """A selective (input-dependent) diagonal SSM in the spirit of Mamba (Gu & Dao 2023).

    For each step, from the input :math:`u_t \\in \\mathbb{R}^D`:
    :math:`\\Delta_t = \\mathrm{softplus}(u_t W_\\Delta + b_\\Delta)` ``(D,)``,
    :math:`B_t = u_t W_B`, :math:`C_t = u_t W_C` ``(N,)`` shared by the channels; then per channel
    :math:`x_t = e^{\\Delta_t \\lambda} \\odot x_{t-1} + \\Delta_t B_t u_t` (Mamba's simplified input
    discretisation) and :math:`y_t = C_t^\\top x_t`.

    Shapes: ``u`` ``(B, T, D)``, ``lam`` ``(D, N)`` negative, ``w_dt`` ``(D, D)``, ``b_dt`` ``(D,)``,
    ``w_b`` and ``w_c`` ``(D, N)``. Returns ``y`` ``(B, T, D)`` and ``dt`` ``(B, T, D)`` (to show what
    the model chose to remember: a large step forgets the past, a small one keeps it).
    """
    u = _check_u(u)
    Bsz, T, D = u.shape
    lam = as_float_array("lam", lam)
    check_shape("lam", lam, (D, None), "(D, N) with D the channels of u")
    check_finite("lam", lam)
    if np.any(lam >= 0):
        raise ValueError("lam must be strictly negative (a stable continuous-time system)")
    N = lam.shape[1]
    arrays = {"w_dt": (w_dt, (D, D)), "b_dt": (b_dt, (D,)), "w_b": (w_b, (D, N)), "w_c": (w_c, (D, N))}
    checked = {}
    for name, (value, shape) in arrays.items():
        arr = as_float_array(name, value)
        check_shape(name, arr, shape, str(shape))
        check_finite(name, arr)
        checked[name] = arr
    if not isinstance(parallel, bool):
        raise TypeError(f"parallel must be a bool, got {type(parallel).__name__}")
    z = u @ checked["w_dt"] + checked["b_dt"]
    dt = np.logaddexp(0.0, z)  # softplus, stable for large |z|: (B, T, D)
    b_t, c_t = u @ checked["w_b"], u @ checked["w_c"]  # (B, T, N)
    a = np.exp(dt[..., None] * lam)  # (B, T, D, N)
    bu = dt[..., None] * b_t[:, :, None, :] * u[..., None]  # (B, T, D, N)
    run = linear_recurrence_scan if parallel else linear_recurrence_sequential
    x = run(a.reshape(Bsz, T, D * N), bu.reshape(Bsz, T, D * N), np.zeros((Bsz, D * N)))
    y = np.einsum("btdn,btn->btd", x.reshape(Bsz, T, D, N), c_t)
    return y, dt
