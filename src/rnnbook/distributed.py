"""Launching data-parallel training on one machine, framework-free (chapter 18).

A *job* is one ``.npz`` file that every process reads: the global batches ``x``, ``y``
``(S, B, T)`` (``S`` steps, ``B`` the global batch), the initial weights in Keras' layout and the
learning rate. Each of ``n`` processes trains on rows ``[r B/n, (r+1) B/n)`` of every global batch
(:func:`shard_rows`), so ``n`` processes that average their gradients take exactly the steps that
one process takes on the whole batch. Workers are separate Python processes started by
:func:`run_workers` with a deadline; ports come from :func:`free_ports`.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

__all__ = ["free_ports", "load_job", "run_workers", "save_job", "shard_rows", "tf_config"]


def free_ports(n: int) -> list[int]:
    """``n`` distinct TCP ports on 127.0.0.1 that were free a moment ago (the OS picks them)."""
    if isinstance(n, bool) or not isinstance(n, int) or n <= 0:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    sockets = []
    try:
        for _ in range(n):  # keep every socket open until all are chosen: no duplicates
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def tf_config(ports: Sequence[int], index: int) -> str:
    """The ``TF_CONFIG`` JSON for worker ``index`` of a cluster of local workers on ``ports``."""
    ports = list(ports)
    if not ports or not all(isinstance(p, int) and 0 < p < 65536 for p in ports):
        raise ValueError(f"ports must be a non-empty list of TCP ports, got {ports!r}")
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(ports):
        raise ValueError(f"index must be an integer in [0, {len(ports)}), got {index!r}")
    cluster = {"worker": [f"localhost:{p}" for p in ports]}
    return json.dumps({"cluster": cluster, "task": {"type": "worker", "index": index}})


def shard_rows(batch: int, rank: int, world: int) -> slice:
    """The rows of a global batch of ``batch`` rows that process ``rank`` of ``world`` trains on."""
    for name, v in (("batch", batch), ("rank", rank), ("world", world)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise TypeError(f"{name} must be an integer, got {v!r}")
    if world <= 0 or not 0 <= rank < world:
        raise ValueError(f"need 0 <= rank < world, got rank={rank}, world={world}")
    if batch <= 0 or batch % world:
        raise ValueError(f"batch must be a positive multiple of world={world}, got {batch}")
    k = batch // world
    return slice(rank * k, (rank + 1) * k)


def save_job(path: str | Path, x: np.ndarray, y: np.ndarray, weights: Sequence[np.ndarray], lr: float) -> Path:
    """Write a job: token ids ``x``, targets ``y`` ``(S, B, T)``, Keras-layout ``weights``, ``lr``."""
    x, y = np.asarray(x), np.asarray(y)
    if x.ndim != 3 or x.shape != y.shape:
        raise ValueError(f"x and y must have the same shape (S, B, T), got {x.shape} and {y.shape}")
    if x.dtype.kind not in "iu" or y.dtype.kind not in "iu":
        raise TypeError(f"x and y must hold integer token ids, got {x.dtype} and {y.dtype}")
    if not (isinstance(lr, (int, float)) and np.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be a positive number, got {lr!r}")
    arrays = {f"w{i}": np.asarray(w, dtype=np.float32) for i, w in enumerate(weights)}
    if not arrays or not all(np.all(np.isfinite(a)) for a in arrays.values()):
        raise ValueError("weights must be a non-empty list of finite arrays")
    path = Path(path)
    np.savez(path, x=x.astype(np.int32), y=y.astype(np.int32), lr=np.float64(lr), **arrays)
    return path


def load_job(path: str | Path) -> dict:
    """Read a job written by :func:`save_job` (no pickle): ``{"x", "y", "lr", "weights"}``."""
    with np.load(Path(path), allow_pickle=False) as f:
        n = sum(1 for k in f.files if k.startswith("w"))
        return {"x": f["x"], "y": f["y"], "lr": float(f["lr"]), "weights": [f[f"w{i}"] for i in range(n)]}


def run_workers(
    commands: Sequence[Sequence[str]], envs: Sequence[Mapping[str, str]], timeout: float = 120.0
) -> list[str]:
    """Start one process per command (with its extra environment), wait for all, return stdouts.

    ``commands`` are argument lists such as ``[sys.executable, "-m", "rnnbook.torch_charlm", ...]``.
    If any process fails or the ``timeout`` (seconds, for all together) passes, every process
    still running is killed and a ``RuntimeError`` shows the failing process' stderr.
    """
    if len(commands) != len(envs) or not commands:
        raise ValueError("commands and envs must be non-empty lists of the same length")
    if not (isinstance(timeout, (int, float)) and timeout > 0):
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
    procs = [
        subprocess.Popen(
            list(cmd), env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for cmd, env in zip(commands, envs)
    ]
    deadline = time.monotonic() + timeout
    try:
        outs = []
        for i, p in enumerate(procs):
            try:
                out, err = p.communicate(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                raise RuntimeError(f"worker {i} did not finish within {timeout} s") from None
            if p.returncode != 0:
                raise RuntimeError(f"worker {i} exited with {p.returncode}:\n{err[-2000:]}")
            outs.append(out)
        return outs
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.communicate()
