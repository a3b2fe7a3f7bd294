"""Chapter 16's recommendation pieces: the temporal split has no leakage, the metrics equal brute
force, the baselines equal their definitions, and bad input is rejected."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from rnnbook import recsys as rs
from rnnbook.data import load_movielens


def _tiny():
    #            user item time
    events = [(1, 10, 5), (1, 11, 1), (1, 12, 9), (2, 11, 2), (2, 10, 3), (2, 13, 8),
              (3, 10, 4), (3, 11, 7), (3, 12, 6), (4, 12, 9), (4, 10, 10)]
    u, i, t = (np.array(c) for c in zip(*events))
    return u, i, t


def test_tiny_split_orders_by_time_and_builds_catalogue_from_training_only() -> None:
    u, i, t = _tiny()
    sp = rs.temporal_split(u, i, t, cut=6, min_count=1)
    # Training events (t < 6): items 10, 11 only; 12 and 13 first appear after the cut.
    assert sp.item_ids.tolist() == [10, 11]
    assert sp.users.tolist() == [1, 2, 3, 4]
    assert [s.tolist() for s in sp.sequences] == [[1, 0], [1, 0], [0, 1], [0]]
    assert [x.tolist() for x in sp.times] == [[1, 5], [2, 3], [4, 7], [10]]
    assert sp.n_train.tolist() == [2, 2, 1, 0]
    users, pos = sp.test_events()
    assert list(zip(users.tolist(), pos.tolist())) == [(2, 1)]  # user 4 has no history


def test_no_test_event_precedes_a_training_event_on_movielens() -> None:
    r = load_movielens()
    t = r["timestamp"].to_numpy()
    cut = int(np.quantile(t, 0.8))
    sp = rs.temporal_split(r["userId"].to_numpy(), r["movieId"].to_numpy(), t, cut)
    train_times = np.concatenate([x[:n] for x, n in zip(sp.times, sp.n_train)])
    test_times = np.concatenate([x[n:] for x, n in zip(sp.times, sp.n_train)])
    # Globally, across users: the latest training event is earlier than the earliest test event.
    assert train_times.max() < cut <= test_times.min()
    for x, n in zip(sp.times, sp.n_train):
        assert np.all(np.diff(x) >= 0)  # each sequence is in time order
        assert np.all(x[:n] < cut) and np.all(x[n:] >= cut)  # training is a prefix
    # The catalogue depends on training events only: deleting every test event leaves it unchanged.
    keep = t < cut
    ids, counts = np.unique(r["movieId"].to_numpy()[keep], return_counts=True)
    assert np.array_equal(sp.item_ids, ids[counts >= 5])
    # Every evaluated history ends strictly before its target's position and time.
    users, pos = sp.test_events()
    assert np.all(pos >= 1) and np.all(pos >= np.maximum(sp.n_train[users], 1))
    for u, p in zip(users[:500], pos[:500]):
        assert sp.times[u][p] >= cut and np.all(sp.times[u][:p] <= sp.times[u][p])


def _brute_rank(scores, target, exclude):
    # Sort candidates by score, descending; among equal scores the target goes last (pessimistic).
    cands = [j for j in range(len(scores)) if not exclude[j] or j == target]
    order = sorted(cands, key=lambda j: (-scores[j], j == target))
    return order.index(target) + 1


@pytest.mark.parametrize("seed", range(5))
def test_target_ranks_equal_brute_force_with_ties_and_exclusions(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, m = 30, 12
    scores = rng.integers(0, 4, size=(n, m)).astype(np.float64)  # many ties
    targets = rng.integers(0, m, size=n)
    exclude = rng.random((n, m)) < 0.3
    exclude[np.arange(n), targets] = False
    ranks = rs.target_ranks(scores, targets, exclude)
    brute = [_brute_rank(scores[i], targets[i], exclude[i]) for i in range(n)]
    assert ranks.tolist() == brute
    assert rs.target_ranks(scores, targets).tolist() == [
        _brute_rank(scores[i], targets[i], np.zeros(m, bool)) for i in range(n)
    ]


def test_metrics_equal_their_definitions() -> None:
    ranks = np.array([1, 2, 5, 11, 30])
    assert rs.recall_at_k(ranks, 10) == pytest.approx(3 / 5)
    assert rs.recall_at_k(ranks, 30) == pytest.approx(1.0)
    assert rs.mrr_at_k(ranks, 10) == pytest.approx((1 + 1 / 2 + 1 / 5) / 5)
    assert rs.mrr_at_k(ranks, 20) == pytest.approx((1 + 1 / 2 + 1 / 5 + 1 / 11) / 5)
    expected = (1 + 1 / np.log2(3) + 1 / np.log2(6)) / 5
    assert rs.ndcg_at_k(ranks, 10) == pytest.approx(expected)
    rng = np.random.default_rng(0)
    r = rng.integers(1, 50, size=200)
    assert rs.recall_at_k(r, 20) == pytest.approx(sum(x <= 20 for x in r) / 200)
    assert rs.mrr_at_k(r, 20) == pytest.approx(sum(1 / x for x in r if x <= 20) / 200)


def test_sampled_ranks_with_all_negatives_equal_full_ranks() -> None:
    rng = np.random.default_rng(1)
    scores = rng.normal(size=(20, 15))
    targets = rng.integers(0, 15, size=20)
    full = rs.target_ranks(scores, targets)
    sampled = rs.sampled_ranks(scores, targets, None, 14, rng=rng)
    assert np.array_equal(full, sampled)
    few = rs.sampled_ranks(scores, targets, None, 3, rng=rng)
    assert np.all(few <= full) and np.all(few <= 4)


def test_baselines_equal_their_definitions() -> None:
    seqs = [np.array([0, 1, 2, 1]), np.array([1, 2]), np.array([3, 0, 1])]
    pop = rs.MostPopular().fit(seqs, 5)
    assert pop.counts.tolist() == [2, 4, 2, 1, 0]
    mc = rs.MarkovChain(backoff=0.0).fit(seqs, 5)
    expected = np.zeros((5, 5))
    for s in seqs:
        for a, b in itertools.pairwise(s):
            expected[a, b] += 1
    assert np.array_equal(mc.transitions, expected)
    assert np.array_equal(mc.score([np.array([3, 1])]), expected[[1]])
    knn = rs.ItemKNN(neighbours=4, n_last=2).fit(seqs, 5)
    sets = [set(s.tolist()) for s in seqs]
    for a in range(5):
        for b in range(5):
            na, nb = sum(a in s for s in sets), sum(b in s for s in sets)
            co = sum(a in s and b in s for s in sets)
            cos = 0.0 if a == b or na * nb == 0 else co / np.sqrt(na * nb)
            assert knn.similarity[a, b] == pytest.approx(cos, abs=1e-6)
    score = knn.score([np.array([3, 0, 2])])[0]
    vote = knn.similarity[2] + 0.5 * knn.similarity[0]
    assert np.allclose(score, vote, atol=1e-5)
    pruned = rs.ItemKNN(neighbours=1).fit(seqs, 5)
    assert np.all((pruned.similarity > 0).sum(axis=1) <= 2)  # ties may keep two


def test_training_chunks_cover_every_transition_once_and_windows_pad_left() -> None:
    seqs = [np.array([4, 5, 6, 7, 8]), np.array([1]), np.array([2, 3])]
    x, y = rs.training_chunks(seqs, 3)
    assert x.tolist() == [[5, 6, 7], [8, 0, 0], [3, 0, 0]]
    assert y.tolist() == [[5, 6, 7], [8, -1, -1], [3, -1, -1]]
    pairs = {(a - 1, b) for xr, yr in zip(x, y) for a, b in zip(xr, yr) if b >= 0}
    assert pairs == {(4, 5), (5, 6), (6, 7), (7, 8), (2, 3)}
    w = rs.pad_windows([np.array([0, 1, 2, 3]), np.array([7])], 3)
    assert w.tolist() == [[2, 3, 4], [0, 0, 8]]


def test_bad_input_is_rejected_with_clear_errors() -> None:
    u, i, t = _tiny()
    with pytest.raises(ValueError, match="no training or no test"):
        rs.temporal_split(u, i, t, cut=0)
    with pytest.raises(ValueError, match="one entry per event"):
        rs.temporal_split(u[:-1], i, t, cut=6)
    with pytest.raises(TypeError, match="timestamps must hold integers"):
        rs.temporal_split(u, i, t.astype(float), cut=6)
    with pytest.raises(ValueError, match="min_count must be an integer >= 1"):
        rs.temporal_split(u, i, t, cut=6, min_count=0)
    scores = np.zeros((2, 4))
    with pytest.raises(ValueError, match="targets must lie in"):
        rs.target_ranks(scores, np.array([0, 4]))
    with pytest.raises(ValueError, match="rank 2"):
        rs.target_ranks(np.zeros(4), np.array([0]))
    with pytest.raises(ValueError, match="NaN"):
        rs.target_ranks(np.full((1, 3), np.nan), np.array([0]))
    with pytest.raises(ValueError, match="exclude masks the target"):
        rs.target_ranks(scores, np.array([0, 1]), np.eye(2, 4, dtype=bool))
    with pytest.raises(ValueError, match="1-based"):
        rs.recall_at_k(np.array([0, 1]), 10)
    with pytest.raises(ValueError, match="k must be an integer >= 1"):
        rs.mrr_at_k(np.array([1]), 0)
    with pytest.raises(ValueError, match="empty"):
        rs.ndcg_at_k(np.array([], dtype=int), 10)
    with pytest.raises(ValueError, match="outside"):
        rs.MostPopular().fit([np.array([0, 5])], 5)
    with pytest.raises(ValueError, match="at least one item"):
        rs.MarkovChain().fit([np.array([0, 1])], 3).score([np.array([], dtype=int)])
    with pytest.raises(TypeError, match="n_last must be an integer"):
        rs.ItemKNN(n_last=2.5)
    with pytest.raises(ValueError, match="nothing to train on"):
        rs.training_chunks([np.array([1])], 4)
