"""Seeding and environment helpers shared by every chapter."""

from __future__ import annotations

import logging
import os
import random
import warnings

import numpy as np

__all__ = ["THREADS_ENV", "seed_everything", "silence_tensorflow"]

#: Environment variable read by :func:`seed_everything`: when set to a positive integer, TensorFlow's
#: intra-op thread pool gets that many threads (``scripts/check_reproducible.py`` runs every chapter
#: with 1 and with 2 threads and compares the outputs).
THREADS_ENV = "RNNBOOK_TF_THREADS"


def silence_tensorflow() -> None:
    """Hide TensorFlow's start-up log noise (CUDA probing, oneDNN notices, absl warnings).

    Call it **before** ``import tensorflow`` or ``import keras``: the C++ log level is read once,
    when the library loads. Errors are still shown.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # 0 all, 1 no INFO, 2 no WARNING, 3 no ERROR logs from C++
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # no oneDNN notice; same float results on every x86 CPU
    os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")  # the book runs on the CPU; skip GPU probing
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    logging.getLogger("absl").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module="keras.src.*", category=UserWarning)


def seed_everything(seed: int = 0, *, tf: bool = True) -> np.random.Generator:
    """Seed every random number generator a chapter uses and make TensorFlow ops deterministic.

    Seeds Python's :mod:`random`, NumPy's legacy global generator and, when ``tf`` is true,
    Keras/TensorFlow (``keras.utils.set_random_seed``) and turns on
    ``tf.config.experimental.enable_op_determinism()`` so that the same code on the same machine
    gives the same numbers. If the environment variable ``RNNBOOK_TF_THREADS`` (:data:`THREADS_ENV`)
    holds a positive integer, TensorFlow's intra-op parallelism is set to that many threads.

    Parameters
    ----------
    seed:
        A non-negative integer.
    tf:
        Also seed Keras/TensorFlow. Pass ``False`` in NumPy-only code to avoid importing TensorFlow.

    Returns
    -------
    numpy.random.Generator
        A fresh ``np.random.default_rng(seed)``; prefer passing this generator around over the
        global NumPy state.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    seed = int(seed)
    threads = os.environ.get(THREADS_ENV, "").strip()
    if threads and not (threads.isdigit() and int(threads) > 0):
        raise ValueError(f"{THREADS_ENV} must be a positive integer, got {threads!r}.")
    os.environ["PYTHONHASHSEED"] = str(seed)  # affects subprocesses only; documented for completeness
    random.seed(seed)
    np.random.seed(seed)
    if tf:
        silence_tensorflow()
        import keras
        import tensorflow

        if threads:
            try:  # only possible before TensorFlow's runtime starts (the first op)
                tensorflow.config.threading.set_intra_op_parallelism_threads(int(threads))
            except RuntimeError as err:
                warnings.warn(f"{THREADS_ENV}={threads} ignored: TensorFlow is already initialised ({err}).", stacklevel=2)
        keras.utils.set_random_seed(seed)
        tensorflow.config.experimental.enable_op_determinism()
    return np.random.default_rng(seed)
