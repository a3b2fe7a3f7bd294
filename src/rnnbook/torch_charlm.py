"""The character language model of :mod:`rnnbook.keras_charlm` in PyTorch, weights exchanged in
Keras' layout, and its SGD training alone or under ``DistributedDataParallel`` (chapter 18).
Run as ``python -m rnnbook.torch_charlm JOB OUT RANK WORLD PORT`` it is one gloo process.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .convert import keras_gru_to_torch, keras_lstm_to_torch, torch_gru_to_keras, torch_lstm_to_keras
from .distributed import load_job, shard_rows

__all__ = ["TorchCharLM", "train_torch_sgd"]


class TorchCharLM(nn.Module):
    """``Embedding(V, E) → LSTM/GRU(H) → Linear(H, V)``; ``forward`` maps ids ``(B, T)`` to logits ``(B, T, V)``."""

    def __init__(self, vocab: int, embed: int, units: int, cell: str = "lstm") -> None:
        super().__init__()
        for name, v in (("vocab", vocab), ("embed", embed), ("units", units)):
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v <= 0:
                raise ValueError(f"{name} must be a positive integer, got {v!r}")
        rnns = {"lstm": nn.LSTM, "gru": nn.GRU}
        if cell not in rnns:
            raise ValueError(f"cell must be 'lstm' or 'gru', got {cell!r}")
        self.cell = cell
        self.embed = nn.Embedding(vocab, embed)
        self.rnn = rnns[cell](embed, units, batch_first=True)
        self.head = nn.Linear(units, vocab)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        h, _ = self.rnn(self.embed(ids))  # (B, T, H)
        return self.head(h)  # (B, T, V)

    @classmethod
    def from_keras_weights(cls, weights: Sequence[np.ndarray]) -> TorchCharLM:
        """The module holding Keras ``model.get_weights()`` of :func:`rnnbook.keras_charlm.build_keras_charlm`."""
        if isinstance(weights, (str, bytes)) or len(weights) != 6:
            raise ValueError("weights must be the 6 arrays of the Keras model's get_weights()")
        emb, kernel, recurrent, bias, dense_k, dense_b = (np.asarray(w, dtype=np.float32) for w in weights)
        H = recurrent.shape[0]
        cell = "lstm" if recurrent.shape[1] == 4 * H else "gru"
        module = cls(emb.shape[0], emb.shape[1], H, cell)
        to_torch = keras_lstm_to_torch if cell == "lstm" else keras_gru_to_torch
        state = {"embed.weight": emb, "head.weight": dense_k.T, "head.bias": dense_b}
        state |= {f"rnn.{k}": v for k, v in to_torch([kernel, recurrent, bias]).items()}
        module.load_state_dict({k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in state.items()})
        return module

    def keras_weights(self) -> list[np.ndarray]:
        """The weights in the Keras model's ``get_weights()`` order and layout."""
        sd = {k: v.detach().cpu().numpy() for k, v in self.state_dict().items()}
        rnn = {k[4:]: v for k, v in sd.items() if k.startswith("rnn.")}
        to_keras = torch_lstm_to_keras if self.cell == "lstm" else torch_gru_to_keras
        return [sd["embed.weight"], *to_keras(rnn), np.ascontiguousarray(sd["head.weight"].T), sd["head.bias"]]


def train_torch_sgd(
    job: dict, rank: int = 0, world: int = 1, single_bias: bool = False
) -> tuple[list[np.ndarray], np.ndarray]:
    """Train the job's weights by SGD; with ``world > 1`` as process ``rank`` of a DDP group.

    ``single_bias=True`` freezes ``bias_hh_l0`` (at zero after a Keras transplant): PyTorch's two
    recurrent biases enter the cell only as their sum, so with both trainable SGD moves the sum
    twice as far per step as Keras moves its one bias.

    Each process takes the mean token loss over its :func:`~rnnbook.distributed.shard_rows`;
    ``DistributedDataParallel`` averages the gradients over the ``world`` processes (equal shards),
    which is the gradient of the mean over the global batch. Returns the final weights (Keras layout)
    and the global mean loss of every step ``(S,)``.
    """
    x, y = torch.from_numpy(job["x"]).long(), torch.from_numpy(job["y"]).long()
    S, B, _ = x.shape
    rows = shard_rows(B, rank, world)
    module = TorchCharLM.from_keras_weights(job["weights"])
    module.rnn.bias_hh_l0.requires_grad_(not single_bias)
    model = nn.parallel.DistributedDataParallel(module) if world > 1 else module
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.SGD(trainable, lr=job["lr"])
    losses = []
    for s in range(S):
        logits = model(x[s, rows])  # (B/world, T, V)
        loss = F.cross_entropy(logits.flatten(0, 1), y[s, rows].flatten())
        optimizer.zero_grad()
        loss.backward()  # under DDP: gradients all-reduced (averaged) here
        optimizer.step()
        report = loss.detach().clone()
        if world > 1:
            torch.distributed.all_reduce(report)
            report /= world
        losses.append(float(report))
    return module.keras_weights(), np.asarray(losses)


def _worker(job_path: str, out_path: str, rank: str, world: str, port: str) -> None:
    """One process of a gloo group on 127.0.0.1:``port``."""
    torch.set_num_threads(1)
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=port)
    torch.distributed.init_process_group("gloo", rank=int(rank), world_size=int(world))
    try:
        weights, losses = train_torch_sgd(load_job(job_path), int(rank), int(world))
    finally:
        torch.distributed.destroy_process_group()
    np.savez(out_path, losses=losses, **{f"w{i}": w for i, w in enumerate(weights)})


if __name__ == "__main__":
    _worker(*sys.argv[1:6])
