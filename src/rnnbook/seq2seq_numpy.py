"""Inference for :func:`rnnbook.seq2seq.build_seq2seq` models in NumPy (chapter 12).

Decoding calls the decoder once per output token. Through Keras each call costs a framework
dispatch (and a trace for every new compiled function), far more than the arithmetic of a 64-unit
GRU step; the same step written in NumPy from the trained weights costs tens of microseconds.
:class:`NumpySeq2Seq` copies the weights of a trained ``train`` model and provides

- :meth:`NumpySeq2Seq.encode`: ``src (B, S) -> state = (h (B, H), enc_out (B, S, H), mask (B, S))``;
- :meth:`NumpySeq2Seq.step`: ``(tokens (K,), state) -> (log_probs (K, V), state)``, the callable
  that :func:`rnnbook.decoding.greedy_decode` and :func:`~rnnbook.decoding.beam_search` drive; the
  attention weights of the last call are kept in ``last_weights`` ``(K, S)``.

The GRU follows Keras (gates ordered ``z, r, h``; ``reset_after=True``: the reset gate multiplies
the recurrent part after its bias); a masked (padded) step keeps the state. Additive attention is
Keras's ``AdditiveAttention``: :math:`e_{j} = \\sum_d v_d \\tanh(s_d + h_{jd})`, padded source
positions excluded from the softmax. Computed in float64.
"""

from __future__ import annotations

import numpy as np

from .numerics import log_softmax, sigmoid, softmax

__all__ = ["NumpySeq2Seq"]

_State = tuple[np.ndarray, np.ndarray, np.ndarray]


def _gru_step(x: np.ndarray, h: np.ndarray, kernel: np.ndarray, recurrent: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """One Keras GRU step (``reset_after=True``): ``x (B, E)``, ``h (B, H)`` -> ``(B, H)``."""
    units = h.shape[1]
    xw = x @ kernel + bias[0]  # (B, 3H)
    hu = h @ recurrent + bias[1]  # (B, 3H)
    z = sigmoid(xw[:, :units] + hu[:, :units])
    r = sigmoid(xw[:, units : 2 * units] + hu[:, units : 2 * units])
    candidate = np.tanh(xw[:, 2 * units :] + r * hu[:, 2 * units :])
    return z * h + (1.0 - z) * candidate


def _check_ids(name: str, ids: object, rank: int, vocab: int) -> np.ndarray:
    arr = np.asarray(ids)
    if arr.ndim != rank:
        raise ValueError(f"{name} must have rank {rank}, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    if not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"{name} must hold integer token ids, got dtype {arr.dtype}")
    if arr.min() < 0 or arr.max() >= vocab:
        raise ValueError(f"{name} must hold ids in [0, {vocab}), got values in [{arr.min()}, {arr.max()}]")
    return arr.astype(np.int64)


class NumpySeq2Seq:
    """A float64 NumPy copy of a trained :func:`~rnnbook.seq2seq.build_seq2seq` ``train`` model.

    Use :meth:`from_keras` to build one; ``attention`` is read from the model's layers.
    """

    def __init__(self, weights: dict[str, list[np.ndarray]]):
        need = ["src_embedding", "encoder_gru", "tgt_embedding", "decoder_gru", "logits"]
        missing = [k for k in need if k not in weights]
        if missing:
            raise ValueError(f"weights is missing the layers {missing}")
        self.attention = "attention" in weights
        if self.attention and "combine" not in weights:
            raise ValueError("weights has an attention layer but no 'combine' layer")
        w = {k: [np.asarray(a, dtype=np.float64) for a in v] for k, v in weights.items()}
        self.src_emb = w["src_embedding"][0]  # (Vs, E)
        self.enc = w["encoder_gru"]  # kernel (E, 3H), recurrent (H, 3H), bias (2, 3H)
        self.tgt_emb = w["tgt_embedding"][0]  # (Vt, E)
        self.dec = w["decoder_gru"]
        self.out_w, self.out_b = w["logits"]  # (H, Vt), (Vt,)
        if self.attention:
            self.scale = w["attention"][0]  # (H,)
            self.comb_w, self.comb_b = w["combine"]  # (2H, H), (H,)
        self.last_weights: np.ndarray | None = None

    @classmethod
    def from_keras(cls, train_model) -> NumpySeq2Seq:
        """Copy the weights of the ``train`` model returned by ``build_seq2seq``."""
        names = ["src_embedding", "encoder_gru", "tgt_embedding", "decoder_gru", "attention", "combine", "logits"]
        present = {layer.name for layer in train_model.layers}
        return cls({n: train_model.get_layer(n).get_weights() for n in names if n in present})

    @property
    def src_vocab(self) -> int:
        return self.src_emb.shape[0]

    @property
    def tgt_vocab(self) -> int:
        return self.tgt_emb.shape[0]

    def encode(self, src: np.ndarray) -> _State:
        """``src (B, S)`` ids, right-padded with 0 -> ``(h (B, H), enc_out (B, S, H), mask (B, S))``.

        ``h`` is the encoder's state after each sentence's last real token; ``enc_out`` at padded
        positions repeats the last real output (attention never reads it: the mask excludes it)."""
        src = _check_ids("src", src, 2, self.src_vocab)
        mask = src != 0
        if not mask[:, 0].all():
            raise ValueError("src: every sentence must have at least one real token (id != 0) first")
        x = self.src_emb[src]  # (B, S, E)
        h = np.zeros((src.shape[0], self.enc[1].shape[0]))
        outputs = []
        for t in range(src.shape[1]):
            h = np.where(mask[:, t : t + 1], _gru_step(x[:, t], h, *self.enc), h)
            outputs.append(h)
        return h, np.stack(outputs, axis=1), mask

    def step(self, tokens: np.ndarray, state: _State) -> tuple[np.ndarray, _State]:
        """One decoder step for ``K`` hypotheses: ``tokens (K,)``, ``state`` from :meth:`encode`
        (or a previous step) -> ``(log_probs (K, V), new_state)``."""
        if not (isinstance(state, tuple) and len(state) == 3):
            raise TypeError("state must be the tuple (h, enc_out, mask) returned by encode or step")
        h, enc_out, mask = state
        tokens = _check_ids("tokens", tokens, 1, self.tgt_vocab)
        if not (h.shape[0] == enc_out.shape[0] == mask.shape[0] == tokens.shape[0]):
            raise ValueError(f"tokens ({tokens.shape[0]}) and the state arrays must have the same number of rows")
        h_new = _gru_step(self.tgt_emb[tokens], h, *self.dec)
        h_new = np.where((tokens != 0)[:, None], h_new, h)  # a padding token keeps the state, as in Keras
        s = h_new
        if self.attention:
            scores = np.tanh(h_new[:, None, :] + enc_out) @ self.scale  # (K, S)
            weights = softmax(np.where(mask, scores, scores - 1e9), axis=-1)
            context = np.einsum("ks,ksh->kh", weights, enc_out)
            s = np.tanh(np.concatenate([h_new, context], axis=-1) @ self.comb_w + self.comb_b)
            self.last_weights = weights
        else:
            self.last_weights = np.zeros(mask.shape)
        log_probs = log_softmax(s @ self.out_w + self.out_b, axis=-1)
        return log_probs, (h_new, enc_out, mask)

    __call__ = step

    def loss(self, src: np.ndarray, tgt: np.ndarray) -> float:
        """Teacher-forced cross-entropy per real target token (nats), as the Keras model's masked
        loss computes it: ``tgt (B, T + 1)`` starts with ``<bos>`` and is right-padded with 0;
        step ``t`` reads ``tgt[:, t]`` and is scored on ``tgt[:, t + 1]`` where that is not 0."""
        tgt = _check_ids("tgt", tgt, 2, self.tgt_vocab)
        if tgt.shape[0] != np.shape(src)[0] or tgt.shape[1] < 2:
            raise ValueError(f"tgt must have one row per src row and >= 2 columns, got shape {tgt.shape}")
        state = self.encode(src)
        total, count = 0.0, 0
        for t in range(tgt.shape[1] - 1):
            log_probs, state = self.step(tgt[:, t], state)
            real = tgt[:, t + 1] != 0
            total -= log_probs[real, tgt[real, t + 1]].sum()
            count += int(real.sum())
        if count == 0:
            raise ValueError("tgt has no real target tokens to score")
        return total / count

    def greedy_batch(self, src: np.ndarray, max_len: int, bos_id: int = 1) -> np.ndarray:
        """Greedy decoding of every row of ``src`` at once: ``(B, max_len)`` ids (read each row up
        to its first ``eos``). Row for row the same as :func:`rnnbook.decoding.greedy_decode`."""
        if isinstance(max_len, bool) or not isinstance(max_len, int) or max_len < 1:
            raise ValueError(f"max_len must be a positive integer, got {max_len!r}")
        state = self.encode(src)
        tokens = np.full(state[0].shape[0], bos_id, dtype=np.int64)
        out = np.zeros((len(tokens), max_len), dtype=np.int64)
        for t in range(max_len):
            log_probs, state = self.step(tokens, state)
            out[:, t] = tokens = log_probs.argmax(-1)
        return out
