"""The min-char-rnn baseline (Karpathy, 2015): one sequence, one character at a time.

A faithful NumPy port of the loop of ``min-char-rnn.py``: column vectors, a Python loop over the
characters of each 25-character chunk for the forward and the backward pass, the loss summed over
the chunk, gradients clipped elementwise to [-5, 5], Adagrad with learning rate 0.1. It is the
reference against which the book measures the speed of the minibatched, vectorised trainer in
:mod:`.charlm`; :func:`minchar_to_charlm` copies its weights into a one-hot :class:`~.charlm.CharLM`
so both are evaluated by the same code.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .charlm import CharLM

__all__ = ["MinCharRNN", "minchar_to_charlm", "train_minchar"]


@dataclass
class MinCharRNN:
    """Weights in min-char-rnn's column-vector layout: ``Wxh`` ``(H, V)``, ``Whh`` ``(H, H)``,
    ``Why`` ``(V, H)``, ``bh`` ``(H, 1)``, ``by`` ``(V, 1)``."""

    Wxh: np.ndarray
    Whh: np.ndarray
    Why: np.ndarray
    bh: np.ndarray
    by: np.ndarray

    @classmethod
    def init(cls, vocab_size: int, hidden_size: int, rng: np.random.Generator) -> MinCharRNN:
        """Gaussian weights with standard deviation 0.01 and zero biases, as in the original."""
        V, H = vocab_size, hidden_size
        return cls(
            rng.standard_normal((H, V)) * 0.01,
            rng.standard_normal((H, H)) * 0.01,
            rng.standard_normal((V, H)) * 0.01,
            np.zeros((H, 1)),
            np.zeros((V, 1)),
        )


def _loss_fun(m: MinCharRNN, inputs: list[int], targets: list[int], hprev: np.ndarray):
    """min-char-rnn's ``lossFun``: summed loss over the chunk, gradients, last hidden state."""
    xs, hs, ps = {}, {-1: np.copy(hprev)}, {}
    loss = 0.0
    V = m.Wxh.shape[1]
    for t in range(len(inputs)):
        xs[t] = np.zeros((V, 1))
        xs[t][inputs[t]] = 1
        hs[t] = np.tanh(m.Wxh @ xs[t] + m.Whh @ hs[t - 1] + m.bh)
        ys = m.Why @ hs[t] + m.by
        ys = ys - ys.max()  # the only change to the original: a stable softmax
        ps[t] = np.exp(ys) / np.sum(np.exp(ys))
        loss += -np.log(ps[t][targets[t], 0])
    dWxh, dWhh, dWhy = np.zeros_like(m.Wxh), np.zeros_like(m.Whh), np.zeros_like(m.Why)
    dbh, dby = np.zeros_like(m.bh), np.zeros_like(m.by)
    dhnext = np.zeros_like(hs[0])
    for t in reversed(range(len(inputs))):
        dy = np.copy(ps[t])
        dy[targets[t]] -= 1
        dWhy += dy @ hs[t].T
        dby += dy
        dh = m.Why.T @ dy + dhnext
        dhraw = (1 - hs[t] * hs[t]) * dh
        dbh += dhraw
        dWxh += dhraw @ xs[t].T
        dWhh += dhraw @ hs[t - 1].T
        dhnext = m.Whh.T @ dhraw
    grads = (dWxh, dWhh, dWhy, dbh, dby)
    for d in grads:
        np.clip(d, -5, 5, out=d)
    return loss, grads, hs[len(inputs) - 1]


def train_minchar(
    m: MinCharRNN,
    ids: np.ndarray,
    *,
    seconds: float,
    seq_len: int = 25,
    lr: float = 0.1,
    clock: Callable[[], float] = time.perf_counter,
) -> tuple[int, float]:
    """Train ``m`` in place on the 1-D id sequence ``ids`` for about ``seconds`` measured by ``clock``
    (wall time by default; pass ``time.process_time`` for this process's CPU time).

    Returns ``(characters processed, seconds spent)``. The state is carried from chunk to chunk
    and reset at the end of the data, as in the original.
    """
    ids = np.asarray(ids).tolist()
    mem = [np.zeros_like(p) for p in (m.Wxh, m.Whh, m.Why, m.bh, m.by)]
    hprev = np.zeros_like(m.bh)
    p, chars = 0, 0
    t0 = clock()
    while clock() - t0 < seconds:
        if p + seq_len + 1 >= len(ids):
            hprev, p = np.zeros_like(m.bh), 0
        inputs, targets = ids[p : p + seq_len], ids[p + 1 : p + seq_len + 1]
        _, grads, hprev = _loss_fun(m, inputs, targets, hprev)
        for param, d, mm in zip((m.Wxh, m.Whh, m.Why, m.bh, m.by), grads, mem):
            mm += d * d
            param += -lr * d / np.sqrt(mm + 1e-8)
        p += seq_len
        chars += seq_len
    return chars, clock() - t0


def minchar_to_charlm(m: MinCharRNN, rng: np.random.Generator | None = None) -> CharLM:
    """A one-hot :class:`CharLM` computing exactly the same function (weights transposed to Keras' layout)."""
    H, V = m.Wxh.shape
    lm = CharLM(V, H, rng=np.random.default_rng(0) if rng is None else rng)
    lm.rnn.params["kernel"][...] = m.Wxh.T
    lm.rnn.params["recurrent_kernel"][...] = m.Whh.T
    lm.rnn.params["bias"][...] = m.bh[:, 0]
    lm.head.params["kernel"][...] = m.Why.T
    lm.head.params["bias"][...] = m.by[:, 0]
    return lm
