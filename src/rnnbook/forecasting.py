"""Keras forecasting models that the book reuses: a segment-recurrent network in the spirit of SegRNN.

SegRNN (Lin et al., 2023) makes a GRU practical for long look-backs and horizons by iterating over
*segments* instead of time steps and decoding every output segment *in parallel*:

1. each variable is forecast on its own (channel independence) after subtracting its last value;
2. the look-back of length ``L`` is cut into ``L / w`` segments of ``w`` steps, each embedded by a
   shared ``Dense(d_model, relu)``, and a GRU reads the ``L / w`` embeddings;
3. for each of the ``H / w`` output segments, one more GRU step starts from the final state with a
   learned (position, channel) embedding as input; a ``Dense(w)`` turns each resulting state into
   ``w`` forecast values, and the last value is added back.

Importing this module imports Keras; call :func:`rnnbook.utils.silence_tensorflow` first.
"""

from __future__ import annotations

import keras
from keras import layers, ops

__all__ = ["SegRNN"]


@keras.saving.register_keras_serializable(package="rnnbook")
class SegRNN(keras.Model):
    """Segment-recurrent forecaster: ``(B, L, D)`` look-back windows -> ``(B, H, D)`` forecasts.

    Parameters
    ----------
    lookback, horizon:
        ``L`` and ``H``; both must be multiples of ``seg_len``.
    n_vars:
        ``D``, the number of variables (each gets its own channel embedding).
    seg_len:
        ``w``, the segment length (24 = one day for hourly data).
    d_model:
        Width of the segment embedding and of the GRU state (even).
    dropout:
        Dropout before the output projection.
    """

    def __init__(
        self,
        lookback: int,
        horizon: int,
        n_vars: int,
        seg_len: int = 24,
        d_model: int = 64,
        dropout: float = 0.1,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        for name, value in (("lookback", lookback), ("horizon", horizon), ("n_vars", n_vars), ("seg_len", seg_len), ("d_model", d_model)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}.")
        if lookback % seg_len or horizon % seg_len:
            raise ValueError(f"lookback ({lookback}) and horizon ({horizon}) must be multiples of seg_len ({seg_len}).")
        if d_model % 2:
            raise ValueError(f"d_model must be even (half position, half channel embedding), got {d_model}.")
        self.lookback, self.horizon, self.n_vars = lookback, horizon, n_vars
        self.seg_len, self.d_model, self.dropout_rate = seg_len, d_model, dropout
        self.n_in, self.n_out = lookback // seg_len, horizon // seg_len
        self.embed = layers.Dense(d_model, activation="relu", name="segment_embedding")
        self.gru = layers.GRU(d_model, name="gru")
        self.drop = layers.Dropout(dropout)
        self.head = layers.Dense(seg_len, name="segment_head")
        self.pos_emb = self.add_weight(shape=(self.n_out, d_model // 2), initializer="random_normal", name="pos_emb")
        self.chan_emb = self.add_weight(shape=(n_vars, d_model // 2), initializer="random_normal", name="chan_emb")

    def call(self, x, training: bool = False):
        """Forecast; ``x`` has shape ``(B, L, D)``, the result ``(B, H, D)``."""
        if x.shape[1] is not None and (x.shape[1], x.shape[2]) != (self.lookback, self.n_vars):
            raise ValueError(f"x must have shape (B, {self.lookback}, {self.n_vars}) = (B, L, D), got {tuple(x.shape)}.")
        batch = ops.shape(x)[0]
        d, half, m = self.n_vars, self.d_model // 2, self.n_out
        last = x[:, -1:, :]  # (B, 1, D): subtracted here, added back at the end
        # (B, L, D) -> (B, D, L) -> (B*D, n_in, w): one row of segments per (window, variable)
        segments = ops.reshape(ops.transpose(x - last, (0, 2, 1)), (-1, self.n_in, self.seg_len))
        h = self.gru(self.embed(segments))  # (B*D, d_model)
        # decoder inputs (D, m, d_model): [position j | channel c] for every output segment j of variable c
        queries = ops.concatenate(
            [ops.broadcast_to(self.pos_emb[None], (d, m, half)), ops.broadcast_to(self.chan_emb[:, None], (d, m, half))],
            axis=-1,
        )
        queries = ops.reshape(ops.broadcast_to(queries[None], (batch, d, m, self.d_model)), (-1, 1, self.d_model))
        h0 = ops.repeat(h, m, axis=0)  # (B*D*m, d_model), rows ordered (window, variable, segment)
        y = self.head(self.drop(self.gru(queries, initial_state=h0), training=training))  # (B*D*m, w)
        y = ops.transpose(ops.reshape(y, (batch, d, self.horizon)), (0, 2, 1))
        return y + last

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            lookback=self.lookback, horizon=self.horizon, n_vars=self.n_vars,
            seg_len=self.seg_len, d_model=self.d_model, dropout=self.dropout_rate,
        )
        return config
