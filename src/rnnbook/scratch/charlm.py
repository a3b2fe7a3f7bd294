"""A character-level language model in NumPy, trained by truncated backpropagation through time.

Model: ids ``(B, T)`` → ``Embedding`` (or one-hot) → a recurrent layer following :mod:`.base`
(``SimpleRNN`` by default; any class with the same constructor and contract plugs in) → time-
distributed ``Dense`` → logits ``(B, T, V)`` → softmax cross-entropy against the next character.

Training splits the corpus into ``B`` parallel streams (stream ``b`` is the ``b``-th contiguous
slice), walks them in chunks of ``T`` characters, and carries each stream's hidden state from one
chunk to the next (its value, not its gradient: backpropagation stops at the chunk boundary).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..checks import check_int, check_rank
from ..sampling import sample
from .base import State
from .layers import Dense, Embedding, check_ids, softmax_cross_entropy
from .optim import Adam, clip_grad_norm, global_norm
from .rnn import SimpleRNN

__all__ = ["CharLM", "TrainLog", "evaluate_charlm", "make_streams", "train_charlm"]


class CharLM:
    """Character-level language model: embedding/one-hot → recurrent layer → dense → softmax.

    Parameters
    ----------
    vocab_size:
        Number of symbols ``V``.
    hidden_size:
        Units ``H`` of the recurrent layer.
    rng:
        Generator for the initial weights.
    embed_dim:
        Width ``E`` of a learned embedding; ``None`` feeds one-hot vectors (``E = V``).
    layer:
        Class of the recurrent layer, called as ``layer(input_dim, hidden_size, rng=rng, dtype=dtype)``
        and used through the :mod:`.base` contract (``SimpleRNN`` by default).
    """

    def __init__(
        self,
        vocab_size: int,
        hidden_size: int,
        *,
        rng: np.random.Generator,
        embed_dim: int | None = None,
        layer: Callable[..., Any] = SimpleRNN,
        dtype: type = np.float64,
    ) -> None:
        self.vocab_size, self.hidden_size, self.dtype = int(vocab_size), int(hidden_size), np.dtype(dtype)
        self.embed = None if embed_dim is None else Embedding(vocab_size, embed_dim, rng=rng, dtype=dtype)
        self.rnn = layer(vocab_size if embed_dim is None else embed_dim, hidden_size, rng=rng, dtype=dtype)
        self.head = Dense(hidden_size, vocab_size, rng=rng, dtype=dtype)

    @property
    def params(self) -> dict[str, np.ndarray]:
        """Every parameter, named ``"<module>/<name>"`` (``embed/``, ``rnn/``, ``head/``); the arrays are the layers' own."""
        mods = {"embed": self.embed, "rnn": self.rnn, "head": self.head}
        return {f"{m}/{k}": v for m, mod in mods.items() if mod is not None for k, v in mod.params.items()}

    def _inputs(self, ids: np.ndarray) -> tuple[np.ndarray, Any]:
        ids = check_ids("ids", ids, self.vocab_size)
        if self.embed is None:
            return np.eye(self.vocab_size, dtype=self.dtype)[ids], None
        return self.embed.forward(ids)

    def forward(self, ids: np.ndarray, state0: State | None = None) -> tuple[np.ndarray, State, tuple]:
        """``ids`` ``(B, T)`` → ``(logits (B, T, V), final_state, cache)``."""
        x, emb_cache = self._inputs(ids)
        hs, state, rnn_cache = self.rnn.forward(x, state0)
        logits, head_cache = self.head.forward(hs)
        return logits, state, (emb_cache, rnn_cache, head_cache)

    def loss(self, ids: np.ndarray, targets: np.ndarray, state0: State | None = None) -> tuple[float, State]:
        """Mean cross-entropy (nats/char) of predicting ``targets`` ``(B, T)`` from ``ids``, and the final state."""
        logits, state, _ = self.forward(ids, state0)
        return softmax_cross_entropy(logits, targets)[0], state

    def loss_and_grads(
        self, ids: np.ndarray, targets: np.ndarray, state0: State | None = None
    ) -> tuple[float, dict[str, np.ndarray], State]:
        """Loss, gradients of every parameter (same names as :attr:`params`) and the final state."""
        logits, state, (emb_cache, rnn_cache, head_cache) = self.forward(ids, state0)
        loss, d_logits = softmax_cross_entropy(logits, targets)
        g_head = self.head.backward(d_logits, head_cache)
        g_rnn = self.rnn.backward(g_head.x, rnn_cache)
        grads = {f"head/{k}": v for k, v in g_head.params.items()}
        grads.update({f"rnn/{k}": v for k, v in g_rnn.params.items()})
        if self.embed is not None:
            grads.update({f"embed/{k}": v for k, v in self.embed.backward(g_rnn.x, emb_cache).params.items()})
        return loss, grads, state

    def sample(
        self, prime: Sequence[int], n: int, *, rng: np.random.Generator, temperature: float = 1.0
    ) -> np.ndarray:
        """Feed the ids ``prime`` (at least one), then draw ``n`` ids from ``softmax(logits / temperature)``
        with :func:`rnnbook.sampling.sample`.

        Returns the ``n`` new ids, shape ``(n,)``. Low temperatures sharpen the distribution,
        ``temperature=0`` is greedy decoding (as in :func:`rnnbook.sampling.sample`), high ones
        flatten it (``→ ∞``: uniform).
        """
        n = check_int("n", n, 0)
        prime = np.asarray(prime)
        if prime.ndim != 1 or prime.size == 0:
            raise ValueError(f"prime must be a non-empty 1-D sequence of ids, got shape {prime.shape}.")
        logits, state, _ = self.forward(prime[None, :])
        out = np.empty(n, dtype=np.int64)
        for i in range(n):
            out[i] = sample(logits[0, -1], rng, temperature=temperature)
            logits, state, _ = self.forward(out[None, i : i + 1], state)
        return out


def make_streams(ids: np.ndarray, batch_size: int) -> tuple[np.ndarray, np.ndarray]:
    """Split a 1-D id sequence into ``batch_size`` contiguous streams of inputs and next-id targets.

    With ``L = (N - 1) // B``, stream ``b`` reads ``ids[b L : b L + L]`` and predicts
    ``ids[b L + 1 : b L + L + 1]``. The last ``(N - 1) - B L < B`` ids are not used.

    Returns
    -------
    inputs, targets : numpy.ndarray
        Both of shape ``(B, L)``.
    """
    ids = np.asarray(ids)
    if ids.ndim != 1:
        raise ValueError(f"ids must be 1-D, shape (N,), got {ids.shape}.")
    L = (ids.size - 1) // batch_size
    if batch_size < 1 or L < 1:
        raise ValueError(f"need batch_size >= 1 and at least batch_size + 1 ids, got B={batch_size}, N={ids.size}.")
    starts = np.arange(batch_size)[:, None] * L + np.arange(L)[None, :]  # (B, L)
    return ids[starts], ids[starts + 1]


def evaluate_charlm(model: CharLM, ids: np.ndarray, *, batch_size: int = 64, seq_len: int = 256) -> float:
    """Mean cross-entropy in nats per character of ``model`` on the id sequence ``ids``.

    The sequence is split into ``batch_size`` streams (:func:`make_streams`), each read from the
    start with its state carried across chunks of ``seq_len``, so every prediction (but the first
    of each stream) sees its whole past within the stream.
    """
    inputs, targets = make_streams(ids, batch_size)
    total, count, state = 0.0, 0, None
    for s in range(0, inputs.shape[1], seq_len):
        x, y = inputs[:, s : s + seq_len], targets[:, s : s + seq_len]
        loss, state = model.loss(x, y, state)
        total += loss * y.size
        count += y.size
    return total / count


@dataclass
class TrainLog:
    """What :func:`train_charlm` records.

    ``step``/``train_loss``: every update's mini-batch loss (nats/char) and ``grad_norm`` (before
    clipping); ``eval_step``/``eval_loss``/``eval_time``: validation loss after that many updates and
    the training seconds spent until then (evaluation time excluded); ``chars``: characters
    processed; ``train_seconds``: time spent in updates.
    """

    step: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    grad_norm: list[float] = field(default_factory=list)
    eval_step: list[int] = field(default_factory=list)
    eval_loss: list[float] = field(default_factory=list)
    eval_time: list[float] = field(default_factory=list)
    chars: int = 0
    train_seconds: float = 0.0

    @property
    def chars_per_second(self) -> float:
        """Training throughput in characters per second."""
        return self.chars / self.train_seconds if self.train_seconds > 0 else float("nan")


def train_charlm(
    model: CharLM,
    train_ids: np.ndarray,
    *,
    steps: int,
    batch_size: int = 32,
    seq_len: int = 64,
    optimizer: Any | None = None,
    clip: float | None = 5.0,
    val_ids: np.ndarray | None = None,
    eval_every: int = 100,
    eval_kwargs: dict[str, int] | None = None,
    log: TrainLog | None = None,
    clock: Callable[[], float] = time.perf_counter,
) -> TrainLog:
    """Train ``model`` for ``steps`` updates of truncated BPTT over ``batch_size`` streams.

    Each update reads the next ``seq_len`` characters of every stream, starts from the state the
    previous chunk left (zeros at the start of each pass over the data), backpropagates within the
    chunk only, clips the gradients' global norm to ``clip`` (``None``: no clipping) and applies
    ``optimizer`` (``Adam(2e-3)`` by default). With ``val_ids``, the validation loss is computed
    every ``eval_every`` updates and after the last one. Pass a previous ``log`` to continue it.
    ``clock`` measures the training time (wall time by default; ``time.process_time`` counts only
    this process's CPU time, which other processes' load does not inflate).
    """
    check_rank("train_ids", np.asarray(train_ids), 1, "(N,)")
    optimizer = Adam(2e-3) if optimizer is None else optimizer
    log = TrainLog() if log is None else log
    inputs, targets = make_streams(train_ids, batch_size)
    params = model.params
    pos, state = 0, None
    step0 = log.step[-1] if log.step else 0
    for i in range(1, steps + 1):
        if pos >= inputs.shape[1]:
            pos, state = 0, None
        x, y = inputs[:, pos : pos + seq_len], targets[:, pos : pos + seq_len]
        pos += seq_len
        t0 = clock()
        loss, grads, state = model.loss_and_grads(x, y, state)
        norm = clip_grad_norm(grads, clip) if clip is not None else global_norm(grads)
        optimizer.step(params, grads)
        log.train_seconds += clock() - t0
        log.chars += y.size
        log.step.append(step0 + i)
        log.train_loss.append(loss)
        log.grad_norm.append(norm)
        if not np.isfinite(loss):
            break
        if val_ids is not None and (i % eval_every == 0 or i == steps):
            log.eval_step.append(step0 + i)
            log.eval_loss.append(evaluate_charlm(model, val_ids, **(eval_kwargs or {})))
            log.eval_time.append(log.train_seconds)
    return log
