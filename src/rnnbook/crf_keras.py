"""A linear-chain CRF output for Keras models: the NLL in TensorFlow ops, Viterbi at inference.

The same model as :mod:`rnnbook.scratch.crf` (see there for the score and the mask convention):
``crf_nll_tf`` computes ``log Z - s(y)`` with a log-space forward algorithm written in TensorFlow
ops, so ``tf.GradientTape`` differentiates it (the gradient it finds is the expected-minus-observed
counts that :func:`rnnbook.scratch.crf.crf_nll_and_grad` writes out by hand). :class:`CRF` is a
Keras layer that owns the transition, start and end scores; it decodes with the NumPy Viterbi of
:mod:`rnnbook.scratch.crf`. No dependency on TensorFlow Addons (unmaintained).
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from .scratch.crf import viterbi_decode

__all__ = ["CRF", "crf_log_partition_tf", "crf_nll_tf", "crf_sequence_score_tf"]


def _check_tf(emissions: tf.Tensor, mask: tf.Tensor, tags: tf.Tensor | None = None) -> None:
    if emissions.shape.rank != 3:
        raise ValueError(f"emissions must have rank 3 (B, T, K), got shape {emissions.shape}.")
    if mask.dtype != tf.bool or mask.shape.rank != 2:
        raise ValueError(f"mask must be a boolean (B, T) tensor, got {mask.dtype} {mask.shape}.")
    if tags is not None and (not tags.dtype.is_integer or tags.shape.rank != 2):
        raise ValueError(f"tags must be an integer (B, T) tensor, got {tags.dtype} {tags.shape}.")


def crf_log_partition_tf(emissions, mask, transitions, start, end) -> tf.Tensor:
    """``log Z`` per sequence, shape (B,): the forward algorithm as a ``tf.foldl`` over time.

    ``emissions`` (B, T, K) float, ``mask`` (B, T) bool (a prefix per row, position 0 True),
    ``transitions`` (K, K), ``start`` and ``end`` (K,).
    """
    emissions = tf.convert_to_tensor(emissions)
    mask = tf.convert_to_tensor(mask)
    _check_tf(emissions, mask)
    e = tf.transpose(emissions, [1, 0, 2])  # time-major (T, B, K)
    m = tf.transpose(mask, [1, 0])

    def step(alpha, inputs):
        e_t, m_t = inputs
        new = tf.reduce_logsumexp(alpha[:, :, None] + transitions[None], axis=1) + e_t
        return tf.where(m_t[:, None], new, alpha)  # padded steps carry alpha unchanged

    alpha = tf.foldl(step, (e[1:], m[1:]), initializer=start[None] + e[0])
    return tf.reduce_logsumexp(alpha + end[None], axis=-1)


def crf_sequence_score_tf(emissions, tags, mask, transitions, start, end) -> tf.Tensor:
    """Score ``s(y)`` of the given tags, shape (B,) (tags on padded steps are ignored)."""
    emissions = tf.convert_to_tensor(emissions)
    mask = tf.convert_to_tensor(mask)
    tags = tf.convert_to_tensor(tags)
    _check_tf(emissions, mask, tags)
    tags = tf.where(mask, tf.cast(tags, tf.int32), 0)
    fmask = tf.cast(mask, emissions.dtype)
    unary = tf.gather(emissions, tags, axis=2, batch_dims=2)  # (B, T): E[b, t, y_t]
    pair = tf.gather_nd(transitions, tf.stack([tags[:, :-1], tags[:, 1:]], axis=-1))
    last = tf.reduce_sum(tf.cast(mask, tf.int32), axis=1) - 1
    y_last = tf.gather(tags, last, axis=1, batch_dims=1)
    return (
        tf.gather(start, tags[:, 0])
        + tf.reduce_sum(unary * fmask, axis=1)
        + tf.reduce_sum(pair * fmask[:, 1:], axis=1)
        + tf.gather(end, y_last)
    )


def crf_nll_tf(emissions, tags, mask, transitions, start, end) -> tf.Tensor:
    """Negative log-likelihood ``log Z - s(y)`` per sequence, shape (B,)."""
    log_z = crf_log_partition_tf(emissions, mask, transitions, start, end)
    return log_z - crf_sequence_score_tf(emissions, tags, mask, transitions, start, end)


class CRF(keras.layers.Layer):
    """CRF output layer: holds ``transitions`` (K, K), ``start`` (K,) and ``end`` (K,).

    ``layer.nll(emissions, tags, mask)`` is the per-sequence loss for training;
    ``layer.decode(emissions, mask)`` the Viterbi tags (NumPy, (B, T), 0 on padding).
    """

    def __init__(self, num_tags: int, **kwargs) -> None:
        super().__init__(**kwargs)
        if not isinstance(num_tags, int) or num_tags < 1:
            raise ValueError(f"num_tags must be a positive int, got {num_tags!r}.")
        self.num_tags = num_tags
        init = keras.initializers.RandomUniform(-0.1, 0.1, seed=0)
        self.transitions = self.add_weight(
            shape=(num_tags, num_tags), initializer=init, name="transitions"
        )
        self.start = self.add_weight(shape=(num_tags,), initializer="zeros", name="start")
        self.end = self.add_weight(shape=(num_tags,), initializer="zeros", name="end")

    def _check_k(self, emissions) -> None:
        if emissions.shape[-1] != self.num_tags:
            raise ValueError(
                f"emissions must have K = {self.num_tags} scores per step, got shape "
                f"{emissions.shape}."
            )

    def call(self, emissions):
        """Identity: the emissions are the scores the CRF combines with its transitions."""
        return emissions

    def nll(self, emissions, tags, mask) -> tf.Tensor:
        self._check_k(emissions)
        return crf_nll_tf(emissions, tags, mask, self.transitions, self.start, self.end)

    def decode(self, emissions, mask) -> np.ndarray:
        self._check_k(emissions)
        tags, _ = viterbi_decode(
            np.asarray(emissions, dtype=np.float64),
            np.asarray(mask, dtype=bool),
            np.asarray(self.transitions, dtype=np.float64),
            np.asarray(self.start, dtype=np.float64),
            np.asarray(self.end, dtype=np.float64),
        )
        return tags

    def get_config(self) -> dict:
        return {**super().get_config(), "num_tags": self.num_tags}
