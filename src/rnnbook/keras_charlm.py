"""A character language model in Keras and its training by SGD under any ``tf.distribute`` strategy
(chapter 18). Run as ``python -m rnnbook.keras_charlm JOB OUT`` it is one worker of a
``MultiWorkerMirroredStrategy`` cluster described by the ``TF_CONFIG`` environment variable.

Model: ``Embedding(V, E) → LSTM(H) or GRU(H) → Dense(V)``, returning logits ``(B, T, V)``. Its
weights, in ``model.get_weights()`` order: ``embeddings (V, E)``, the recurrent layer's ``kernel``,
``recurrent_kernel``, ``bias``, then ``Dense`` ``kernel (H, V)`` and ``bias (V,)``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import numpy as np

from .distributed import load_job, shard_rows
from .utils import silence_tensorflow

silence_tensorflow()
import keras
import tensorflow as tf

__all__ = ["build_keras_charlm", "train_keras_sgd"]


def build_keras_charlm(vocab: int, embed: int, units: int, cell: str = "lstm") -> keras.Model:
    """``Embedding(vocab, embed) → LSTM/GRU(units, return_sequences) → Dense(vocab)`` (logits)."""
    for name, v in (("vocab", vocab), ("embed", embed), ("units", units)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v <= 0:
            raise ValueError(f"{name} must be a positive integer, got {v!r}")
    layers = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU}
    if cell not in layers:
        raise ValueError(f"cell must be 'lstm' or 'gru', got {cell!r}")
    return keras.Sequential(
        [
            keras.Input((None,), dtype="int32"),
            keras.layers.Embedding(vocab, embed),
            layers[cell](units, return_sequences=True),
            keras.layers.Dense(vocab),
        ]
    )


def _from_weights(weights: Sequence[np.ndarray]) -> keras.Model:
    """A model whose sizes and cell are read off Keras-layout ``weights``, holding them."""
    if len(weights) != 6:
        raise ValueError(f"expected the 6 weight arrays of build_keras_charlm, got {len(weights)}")
    (V, E), H = weights[0].shape, weights[2].shape[0]
    cell = "lstm" if weights[2].shape[1] == 4 * H else "gru"
    model = build_keras_charlm(V, E, H, cell)
    model.set_weights(list(weights))
    return model


def train_keras_sgd(job: dict, strategy: tf.distribute.Strategy | None = None) -> tuple[list[np.ndarray], np.ndarray]:
    """Train a copy of ``job["weights"]`` by plain SGD on the job's global batches.

    Each of the strategy's ``n`` replicas computes ``sum of its rows' token losses / (B T)`` on its
    :func:`~rnnbook.distributed.shard_rows`; the strategy sums the replicas' gradients, so every
    step is the gradient of the mean loss over the whole global batch. Returns the final weights and
    the mean training loss of every step, shape ``(S,)``.
    """
    strategy = strategy or tf.distribute.get_strategy()
    x, y, lr = job["x"], job["y"], job["lr"]
    S, B, T = x.shape
    n = strategy.num_replicas_in_sync
    with strategy.scope():
        model = _from_weights(job["weights"])
        optimizer = keras.optimizers.SGD(lr)

    def replica_step(xb, yb):
        with tf.GradientTape() as tape:
            logits = model(xb, training=True)
            per_token = keras.losses.sparse_categorical_crossentropy(yb, logits, from_logits=True)
            loss = tf.reduce_sum(per_token) / (B * T)  # this replica's share of the global mean
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))  # summed over replicas
        return loss

    @tf.function
    def step(xs, ys):
        return strategy.reduce("SUM", strategy.run(replica_step, args=(xs, ys)), axis=None)

    losses = []
    for s in range(S):
        def local(arr, s=s):  # rows of global batch s that each replica trains on
            return lambda ctx: arr[s, shard_rows(B, ctx.replica_id_in_sync_group, n)]

        xs = strategy.experimental_distribute_values_from_function(local(x))
        ys = strategy.experimental_distribute_values_from_function(local(y))
        losses.append(float(step(xs, ys)))
    return [np.asarray(w) for w in model.get_weights()], np.asarray(losses)


def _worker(job_path: str, out_path: str) -> None:
    """One worker of a MultiWorkerMirroredStrategy cluster (``TF_CONFIG`` in the environment)."""
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    options = tf.distribute.experimental.CommunicationOptions(
        implementation=tf.distribute.experimental.CommunicationImplementation.RING
    )
    strategy = tf.distribute.MultiWorkerMirroredStrategy(communication_options=options)
    weights, losses = train_keras_sgd(load_job(job_path), strategy)
    np.savez(out_path, losses=losses, replicas=strategy.num_replicas_in_sync, **{f"w{i}": w for i, w in enumerate(weights)})


if __name__ == "__main__":
    _worker(*sys.argv[1:3])
