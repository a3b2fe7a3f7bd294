"""GRU encoder-decoder in Keras, with or without attention, and a word-by-word baseline (chapter 12).

:func:`build_seq2seq` returns three models that share their layers:

- ``train``: ``[src (B, S), tgt_in (B, T)] -> logits (B, T, V)``, the decoder fed the reference
  (teacher forcing);
- ``encoder``: ``src (B, S) -> [enc_out (B, S, H), h (B, H)]``;
- ``step``: ``[token (K, 1), h (K, H), enc_out (K, S, H), src_mask (K, S)] ->
  [log_probs (K, V), h_new (K, H), weights (K, S)]``, one decoder step for decoding.

With ``attention=True`` the decoder's GRU output :math:`s_t` queries the encoder outputs with
additive (Bahdanau) attention, and the output layer reads :math:`\\tanh(W_c [s_t; c_t])` (Luong's
attentional hidden state without input feeding). Without attention the output layer reads
:math:`s_t`, and the source reaches the decoder only through the encoder's last state.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

__all__ = ["build_seq2seq", "dice_lexicon", "make_step_fn", "word_by_word"]


def build_seq2seq(
    src_vocab: int,
    tgt_vocab: int,
    units: int = 128,
    emb: int = 64,
    attention: bool = True,
    src_len: int | None = None,
    tgt_len: int | None = None,
):
    """``(train, encoder, step)`` Keras models sharing one set of weights (see module docstring).

    With fixed ``src_len`` and ``tgt_len`` (padded lengths) the GRUs are unrolled, which on a CPU
    trains short sequences several times faster than the symbolic loop."""
    import keras
    from keras import layers, ops

    for name, value in (("src_vocab", src_vocab), ("tgt_vocab", tgt_vocab), ("units", units), ("emb", emb)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    src_emb = layers.Embedding(src_vocab, emb, name="src_embedding")
    unroll = src_len is not None and tgt_len is not None
    enc_gru = layers.GRU(units, return_sequences=True, return_state=True, unroll=unroll, name="encoder_gru")
    tgt_emb = layers.Embedding(tgt_vocab, emb, name="tgt_embedding")
    dec_gru = layers.GRU(units, return_sequences=True, return_state=True, unroll=unroll, name="decoder_gru")
    attend = layers.AdditiveAttention(name="attention") if attention else None
    combine = layers.Dense(units, activation="tanh", name="combine") if attention else None
    project = layers.Dense(tgt_vocab, name="logits")

    def decode(tgt_ids, h0, enc_out, src_mask):
        tgt_mask = ops.not_equal(tgt_ids, 0)
        s, h = dec_gru(tgt_emb(tgt_ids), initial_state=h0, mask=tgt_mask)
        weights = None
        if attention:
            context, weights = attend([s, enc_out], mask=[tgt_mask, src_mask], return_attention_scores=True)
            s = combine(ops.concatenate([s, context], axis=-1))
        return project(s), h, weights

    src = keras.Input((src_len,), dtype="int32", name="src")
    src_mask = ops.not_equal(src, 0)
    enc_out, h_enc = enc_gru(src_emb(src), mask=src_mask)
    encoder = keras.Model(src, [enc_out, h_enc], name="encoder")

    tgt_in = keras.Input((tgt_len,), dtype="int32", name="tgt_in")
    logits, _, _ = decode(tgt_in, h_enc, enc_out, src_mask)
    train = keras.Model([src, tgt_in], logits, name="seq2seq_attention" if attention else "seq2seq")

    token = keras.Input((1,), dtype="int32", name="token")
    h_in = keras.Input((units,), name="h")
    enc_in = keras.Input((None, units), name="enc_out")
    mask_in = keras.Input((None,), dtype="bool", name="src_mask")
    logits1, h_new, w = decode(token, h_in, enc_in, mask_in)
    if w is None:
        w = ops.zeros_like(ops.cast(mask_in[:, None, :], "float32"))
    step = keras.Model(
        [token, h_in, enc_in, mask_in],
        [ops.log_softmax(logits1[:, 0], axis=-1), h_new, w[:, 0]],
        name="decoder_step",
    )
    return train, encoder, step


def make_step_fn(step_model):
    """A compiled ``f(tokens (K,), (h, enc_out, src_mask)) -> (log_probs (K, V), state)`` for
    :func:`rnnbook.decoding.greedy_decode` / :func:`~rnnbook.decoding.beam_search`; the attention
    weights of the last call are kept in ``f.last_weights`` ``(K, S)``."""
    import tensorflow as tf

    units = step_model.inputs[1].shape[-1]
    spec = (
        tf.TensorSpec((None, 1), tf.int32),
        tf.TensorSpec((None, units), tf.float32),
        tf.TensorSpec((None, None, units), tf.float32),
        tf.TensorSpec((None, None), tf.bool),
    )

    @tf.function(input_signature=spec)
    def compiled(token, h, enc_out, mask):
        return step_model([token, h, enc_out, mask], training=False)

    def step(tokens, state):
        h, enc_out, mask = state
        log_probs, h_new, weights = compiled(np.asarray(tokens, np.int32)[:, None], h, enc_out, mask)
        step.last_weights = weights.numpy()
        return log_probs.numpy(), (h_new.numpy(), enc_out, mask)

    step.last_weights = None
    return step


def dice_lexicon(src: Sequence[Sequence[str]], tgt: Sequence[Sequence[str]], min_count: int = 2) -> dict[str, str]:
    """For each source word seen ``min_count`` times, the target token with the highest Dice
    coefficient :math:`2 c(s, t) / (c(s) + c(t))`, where counts are numbers of sentence pairs that
    contain the word(s). Ties go to the more frequent target token, then to the one seen first
    (reading the pairs in order, each sentence left to right), whatever the hash seed."""
    if len(src) != len(tgt):
        raise ValueError(f"src and tgt must have the same number of sentences, got {len(src)} and {len(tgt)}")
    if isinstance(min_count, bool) or not isinstance(min_count, int) or min_count < 1:
        raise ValueError(f"min_count must be a positive integer, got {min_count!r}")
    c_s: Counter[str] = Counter()
    c_t: Counter[str] = Counter()
    c_st: Counter[tuple[str, str]] = Counter()
    for s_sent, t_sent in zip(src, tgt):
        if isinstance(s_sent, str) or isinstance(t_sent, str):
            raise TypeError("src and tgt must be lists of token lists, not strings")
        s_set, t_set = list(dict.fromkeys(s_sent)), list(dict.fromkeys(t_sent))  # unique, in order
        c_s.update(s_set), c_t.update(t_set)
        c_st.update((s, t) for s in s_set for t in t_set)
    best: dict[str, tuple[float, int, str]] = {}
    for (s, t), c in c_st.items():
        if c_s[s] < min_count:
            continue
        key = (2.0 * c / (c_s[s] + c_t[t]), c_t[t], t)
        if s not in best or key[:2] > best[s][:2]:
            best[s] = key
    return {s: key[2] for s, key in best.items()}


def word_by_word(sentence: Sequence[str], lexicon: dict[str, str]) -> list[str]:
    """Translate each source token through ``lexicon`` (unknown words are dropped), in source order,
    without repeating a target token twice in a row."""
    out: list[str] = []
    for word in sentence:
        t = lexicon.get(word)
        if t is not None and (not out or out[-1] != t):
            out.append(t)
    return out
