"""Next-item recommendation: a leakage-free temporal split, full-catalogue ranking metrics, and the
non-neural baselines (most popular, first-order Markov chain, item-kNN) of chapter 16.

Items are numbered ``0 .. n_items - 1`` (the *catalogue*); a history is a 1-D integer array of item
indices in time order. Every scorer returns a ``(N, n_items)`` float array of scores, higher meaning
"recommend first"; :func:`target_ranks` turns scores into the 1-based rank of the true next item.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .checks import check_int, check_rank, check_real, check_shape

__all__ = [
    "ItemKNN",
    "MarkovChain",
    "MostPopular",
    "TemporalSplit",
    "mrr_at_k",
    "ndcg_at_k",
    "pad_windows",
    "recall_at_k",
    "sampled_ranks",
    "seen_mask",
    "target_ranks",
    "temporal_split",
    "training_chunks",
]


# --------------------------------------------------------------------------- the split


@dataclass(frozen=True)
class TemporalSplit:
    """Per-user item sequences in time order, cut at one global instant.

    Attributes
    ----------
    cut:
        The global cut (same unit as the timestamps): training events have ``timestamp < cut``,
        test events ``timestamp >= cut``.
    item_ids:
        ``(n_items,)`` original item id of each catalogue index (sorted ascending).
    users:
        ``(U,)`` original user id of each sequence.
    sequences, times:
        ``U`` arrays: catalogue indices and timestamps of the user's in-catalogue events, in time
        order (ties broken by item id).
    n_train:
        ``(U,)`` number of leading events of each sequence that are training events.
    """

    cut: int
    item_ids: np.ndarray
    users: np.ndarray
    sequences: tuple[np.ndarray, ...]
    times: tuple[np.ndarray, ...]
    n_train: np.ndarray

    @property
    def n_items(self) -> int:
        return len(self.item_ids)

    def train_sequences(self) -> list[np.ndarray]:
        """The training prefix of every user who has at least one training event."""
        return [s[:n] for s, n in zip(self.sequences, self.n_train) if n > 0]

    def test_events(self) -> tuple[np.ndarray, np.ndarray]:
        """``(user_index, position)`` of every test event that has at least one earlier event.

        The history of event ``(u, p)`` is ``sequences[u][:p]``: the user's own earlier events,
        training ones and test ones already seen, never anything at or after the event's time.
        """
        us, ps = [], []
        for u, (seq, n) in enumerate(zip(self.sequences, self.n_train)):
            pos = np.arange(max(int(n), 1), len(seq))
            us.append(np.full(len(pos), u, dtype=np.int64))
            ps.append(pos)
        return np.concatenate(us), np.concatenate(ps)


def temporal_split(
    users: np.ndarray, items: np.ndarray, timestamps: np.ndarray, cut: int, *, min_count: int = 5
) -> TemporalSplit:
    """Order each user's events by time and cut them all at one global instant.

    Training events are those with ``timestamp < cut``, test events those with ``timestamp >= cut``;
    so no test event precedes a training event, for any pair of users. The catalogue is the items with
    at least ``min_count`` training events (known from training data alone); events on other items are
    dropped from the sequences, in training and test alike.

    Parameters
    ----------
    users, items, timestamps:
        ``(E,)`` integer arrays, one entry per event.
    cut:
        The global cut instant.
    min_count:
        Minimum number of training events for an item to enter the catalogue (>= 1).
    """
    arrays = []
    for name, value in (("users", users), ("items", items), ("timestamps", timestamps)):
        arr = np.asarray(value)
        check_rank(name, arr, 1, "(E,)")
        if not np.issubdtype(arr.dtype, np.integer):
            raise TypeError(f"{name} must hold integers, got dtype {arr.dtype}.")
        arrays.append(arr.astype(np.int64))
    users, items, timestamps = arrays
    if not len(users) == len(items) == len(timestamps):
        raise ValueError(
            f"users, items and timestamps must have one entry per event, got lengths "
            f"{len(users)}, {len(items)}, {len(timestamps)}."
        )
    cut = check_int("cut", cut)
    min_count = check_int("min_count", min_count, minimum=1)
    train = timestamps < cut
    if not train.any() or train.all():
        raise ValueError(f"cut={cut} leaves no training or no test event; pick an instant inside the data.")
    ids, counts = np.unique(items[train], return_counts=True)
    item_ids = ids[counts >= min_count]
    if len(item_ids) == 0:
        raise ValueError(f"No item has min_count={min_count} training events.")
    keep = np.isin(items, item_ids)
    users, items, timestamps, train = users[keep], items[keep], timestamps[keep], train[keep]
    index = np.searchsorted(item_ids, items)
    order = np.lexsort((items, timestamps, users))  # by user, then time, then item id
    users, index, timestamps, train = users[order], index[order], timestamps[order], train[order]
    user_ids, starts = np.unique(users, return_index=True)
    bounds = list(starts[1:]) + [len(users)]
    sequences = tuple(index[a:b] for a, b in zip(starts, bounds))
    times = tuple(timestamps[a:b] for a, b in zip(starts, bounds))
    n_train = np.array([int(train[a:b].sum()) for a, b in zip(starts, bounds)], dtype=np.int64)
    return TemporalSplit(cut, item_ids, user_ids, sequences, times, n_train)


# --------------------------------------------------------------------------- metrics


def _check_scores(scores: object, targets: object) -> tuple[np.ndarray, np.ndarray]:
    s = np.asarray(scores)
    check_rank("scores", s, 2, "(N, n_items)")
    if not np.issubdtype(s.dtype, np.floating):
        raise TypeError(f"scores must be floating point, got dtype {s.dtype}.")
    if np.isnan(s).any():
        raise ValueError("scores contains NaN.")
    t = np.asarray(targets)
    check_shape("targets", t, (s.shape[0],), "(N,)")
    if not np.issubdtype(t.dtype, np.integer):
        raise TypeError(f"targets must hold integer item indices, got dtype {t.dtype}.")
    if len(t) and (t.min() < 0 or t.max() >= s.shape[1]):
        raise ValueError(f"targets must lie in [0, {s.shape[1]}), got range [{t.min()}, {t.max()}].")
    return s, t.astype(np.int64)


def seen_mask(histories: Sequence[np.ndarray], n_items: int) -> np.ndarray:
    """``(N, n_items)`` boolean mask, ``True`` for the items each history already contains."""
    n_items = check_int("n_items", n_items, minimum=1)
    mask = np.zeros((len(histories), n_items), dtype=bool)
    for row, hist in enumerate(histories):
        h = np.asarray(hist)
        if h.size and (h.min() < 0 or h.max() >= n_items):
            raise ValueError(f"histories[{row}] holds item indices outside [0, {n_items}).")
        mask[row, h] = True
    return mask


def target_ranks(scores: np.ndarray, targets: np.ndarray, exclude: np.ndarray | None = None) -> np.ndarray:
    """1-based rank of each target among all catalogue items, ties counted against the target.

    ``rank = 1 + #{items scored higher} + #{other items scored equal}``, over the items not excluded
    (already-seen items, say). Pessimistic ties mean a constant scorer ranks every target last, not
    first.

    Parameters
    ----------
    scores:
        ``(N, n_items)`` float scores (``-inf`` allowed, NaN not).
    targets:
        ``(N,)`` integer item index of the true next item.
    exclude:
        Optional ``(N, n_items)`` boolean mask of items that take no part in the ranking; a target
        must not be excluded.

    Returns
    -------
    numpy.ndarray
        ``(N,)`` int64 ranks in ``[1, n_items]``.
    """
    s, t = _check_scores(scores, targets)
    rows = np.arange(len(t))
    target_score = s[rows, t][:, None]
    beats = s >= target_score
    beats[rows, t] = False
    if exclude is not None:
        ex = np.asarray(exclude)
        check_shape("exclude", ex, s.shape, "(N, n_items)")
        if ex.dtype != np.bool_:
            raise TypeError(f"exclude must be a boolean mask, got dtype {ex.dtype}.")
        if ex[rows, t].any():
            raise ValueError("exclude masks the target item of some rows; a target must stay rankable.")
        beats &= ~ex
    return 1 + beats.sum(axis=1).astype(np.int64)


def _check_ranks(ranks: object, k: object) -> tuple[np.ndarray, int]:
    r = np.asarray(ranks)
    check_rank("ranks", r, 1, "(N,)")
    if not np.issubdtype(r.dtype, np.integer):
        raise TypeError(f"ranks must be integers, got dtype {r.dtype}.")
    if len(r) == 0:
        raise ValueError("ranks is empty; a metric needs at least one event.")
    if r.min() < 1:
        raise ValueError(f"ranks are 1-based, got a minimum of {r.min()}.")
    return r, check_int("k", k, minimum=1)


def recall_at_k(ranks: np.ndarray, k: int) -> float:
    """Recall@k with one relevant item per event: the fraction of events whose target ranks <= k."""
    r, k = _check_ranks(ranks, k)
    return float(np.mean(r <= k))


def mrr_at_k(ranks: np.ndarray, k: int) -> float:
    """MRR@k: mean of ``1 / rank`` over events, counting ranks beyond ``k`` as 0."""
    r, k = _check_ranks(ranks, k)
    return float(np.mean(np.where(r <= k, 1.0 / r, 0.0)))


def ndcg_at_k(ranks: np.ndarray, k: int) -> float:
    """NDCG@k with one relevant item: mean of ``1 / log2(rank + 1)`` for ranks <= k, else 0."""
    r, k = _check_ranks(ranks, k)
    return float(np.mean(np.where(r <= k, 1.0 / np.log2(r + 1.0), 0.0)))


def sampled_ranks(
    scores: np.ndarray,
    targets: np.ndarray,
    exclude: np.ndarray | None,
    n_negatives: int,
    *,
    rng: np.random.Generator,
) -> np.ndarray:
    """Rank of each target among itself and ``n_negatives`` random non-excluded items (the
    *sampled* protocol that chapter 16 warns against; ties counted against the target)."""
    s, t = _check_scores(scores, targets)
    n_negatives = check_int("n_negatives", n_negatives, minimum=1)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}.")
    ranks = np.empty(len(t), dtype=np.int64)
    for row in range(len(t)):
        allowed = np.ones(s.shape[1], dtype=bool)
        if exclude is not None:
            allowed &= ~np.asarray(exclude[row], dtype=bool)
        allowed[t[row]] = False
        pool = np.flatnonzero(allowed)
        if len(pool) < n_negatives:
            raise ValueError(f"row {row} has only {len(pool)} candidate negatives, fewer than {n_negatives}.")
        negatives = rng.choice(pool, size=n_negatives, replace=False)
        ranks[row] = 1 + int(np.sum(s[row, negatives] >= s[row, t[row]]))
    return ranks


# --------------------------------------------------------------------------- baselines


def _check_sequences(sequences: Sequence[np.ndarray], n_items: int) -> list[np.ndarray]:
    out = []
    for i, seq in enumerate(sequences):
        a = np.asarray(seq)
        check_rank(f"sequences[{i}]", a, 1, "(T,)")
        if not np.issubdtype(a.dtype, np.integer):
            raise TypeError(f"sequences[{i}] must hold integer item indices, got dtype {a.dtype}.")
        if a.size and (a.min() < 0 or a.max() >= n_items):
            raise ValueError(f"sequences[{i}] holds item indices outside [0, {n_items}).")
        out.append(a.astype(np.int64))
    if not out:
        raise ValueError("sequences is empty; fit needs at least one training sequence.")
    return out


def _check_histories(histories: Sequence[np.ndarray], n_items: int) -> list[np.ndarray]:
    hs = _check_sequences(histories, n_items)
    if any(len(h) == 0 for h in hs):
        raise ValueError("every history needs at least one item.")
    return hs


class MostPopular:
    """Score every item by its number of training events, whatever the history."""

    def fit(self, sequences: Sequence[np.ndarray], n_items: int) -> MostPopular:
        self.n_items = check_int("n_items", n_items, minimum=1)
        seqs = _check_sequences(sequences, self.n_items)
        self.counts = np.bincount(np.concatenate(seqs), minlength=self.n_items).astype(np.float64)
        return self

    def score(self, histories: Sequence[np.ndarray]) -> np.ndarray:
        """``(N, n_items)`` float32 scores, the same row for every history."""
        hs = _check_histories(histories, self.n_items)
        return np.tile(self.counts.astype(np.float32), (len(hs), 1))


class MarkovChain:
    """First-order Markov chain: score item ``j`` after last item ``i`` by the training count of the
    transition ``i -> j`` (consecutive events of one user), plus ``backoff`` times the item's share of
    all training events, which only orders items the last one was never followed by."""

    def __init__(self, backoff: float = 1e-3) -> None:
        self.backoff = check_real("backoff", backoff, minimum=0.0)

    def fit(self, sequences: Sequence[np.ndarray], n_items: int) -> MarkovChain:
        self.n_items = check_int("n_items", n_items, minimum=1)
        seqs = _check_sequences(sequences, self.n_items)
        counts = np.zeros((self.n_items, self.n_items), dtype=np.float32)
        for seq in seqs:
            np.add.at(counts, (seq[:-1], seq[1:]), 1.0)
        self.transitions = counts
        pop = np.bincount(np.concatenate(seqs), minlength=self.n_items).astype(np.float32)
        self.prior = pop / pop.sum()
        return self

    def score(self, histories: Sequence[np.ndarray]) -> np.ndarray:
        hs = _check_histories(histories, self.n_items)
        last = np.array([h[-1] for h in hs])
        return self.transitions[last] + np.float32(self.backoff) * self.prior


class ItemKNN:
    """Item-based nearest neighbours: cosine similarity of items over the users who consumed them in
    training, each item keeping its ``neighbours`` most similar items; a history is scored by the
    similarity-weighted votes of its last ``n_last`` items, the most recent weighing most (weights
    ``1, 1/2, ..., 1/n_last``), plus a tiny popularity prior to order the rest."""

    def __init__(self, neighbours: int = 100, n_last: int = 1) -> None:
        self.neighbours = check_int("neighbours", neighbours, minimum=1)
        self.n_last = check_int("n_last", n_last, minimum=1)

    def fit(self, sequences: Sequence[np.ndarray], n_items: int) -> ItemKNN:
        self.n_items = check_int("n_items", n_items, minimum=1)
        seqs = _check_sequences(sequences, self.n_items)
        users = np.zeros((len(seqs), self.n_items), dtype=np.float32)
        for u, seq in enumerate(seqs):
            users[u, seq] = 1.0
        co = users.T @ users  # (n_items, n_items) co-occurrence counts
        norms = np.sqrt(np.diag(co)).astype(np.float32)
        sim = co / np.maximum(np.outer(norms, norms), 1e-12)
        np.fill_diagonal(sim, 0.0)
        if self.neighbours < self.n_items:
            cut = np.partition(sim, -self.neighbours, axis=1)[:, -self.neighbours][:, None]
            sim = np.where(sim >= cut, sim, 0.0).astype(np.float32)
        self.similarity = sim
        pop = users.sum(axis=0)
        self.prior = pop / pop.sum()
        return self

    def score(self, histories: Sequence[np.ndarray]) -> np.ndarray:
        hs = _check_histories(histories, self.n_items)
        out = np.empty((len(hs), self.n_items), dtype=np.float32)
        for row, h in enumerate(hs):
            recent = h[::-1][: self.n_last]
            weights = 1.0 / np.arange(1, len(recent) + 1, dtype=np.float32)
            out[row] = weights @ self.similarity[recent]
        return out + np.float32(1e-6) * self.prior


# --------------------------------------------------------------------------- inputs for a GRU


def training_chunks(sequences: Sequence[np.ndarray], length: int) -> tuple[np.ndarray, np.ndarray]:
    """Cut sequences into next-item training pairs of ``length`` steps.

    Each sequence is split into pieces of ``length + 1`` items that overlap by one, so every
    consecutive pair appears exactly once; inputs are a piece without its last item, targets the piece
    without its first. Item indices are shifted by +1 in the inputs (0 is padding, at the right);
    padded target positions hold -1.

    Returns
    -------
    inputs, targets:
        ``(C, length)`` int32 arrays.
    """
    length = check_int("length", length, minimum=1)
    xs, ys = [], []
    for i, seq in enumerate(sequences):
        s = np.asarray(seq)
        check_rank(f"sequences[{i}]", s, 1, "(T,)")
        for start in range(0, max(len(s) - 1, 0), length):
            piece = s[start : start + length + 1]
            x = np.zeros(length, dtype=np.int32)
            y = np.full(length, -1, dtype=np.int32)
            x[: len(piece) - 1] = piece[:-1] + 1
            y[: len(piece) - 1] = piece[1:]
            xs.append(x)
            ys.append(y)
    if not xs:
        raise ValueError("No sequence has two or more items; nothing to train on.")
    return np.stack(xs), np.stack(ys)


def pad_windows(histories: Sequence[np.ndarray], length: int) -> np.ndarray:
    """The last ``length`` items of each history, shifted by +1 and left-padded with 0.

    Returns
    -------
    numpy.ndarray
        ``(N, length)`` int32; row ``i`` ends with the most recent item of ``histories[i]``.
    """
    length = check_int("length", length, minimum=1)
    out = np.zeros((len(histories), length), dtype=np.int32)
    for row, hist in enumerate(histories):
        h = np.asarray(hist)[-length:]
        check_rank(f"histories[{row}]", h, 1, "(T,)")
        if len(h):
            out[row, length - len(h) :] = h + 1
    return out
