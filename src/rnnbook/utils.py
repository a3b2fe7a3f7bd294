"""Seeding and environment helpers shared by every chapter."""

from __future__ import annotations

import logging
import os
import random
import warnings

import numpy as np

__all__ = ["seed_everything", "silence_tensorflow"]


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
    gives the same numbers.

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
    os.environ["PYTHONHASHSEED"] = str(seed)  # affects subprocesses only; documented for completeness
    random.seed(seed)
    np.random.seed(seed)
    if tf:
        silence_tensorflow()
        import keras
        import tensorflow

        keras.utils.set_random_seed(seed)
        tensorflow.config.experimental.enable_op_determinism()
    return np.random.default_rng(seed)
