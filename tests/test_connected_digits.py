"""The seeded connected-digit generator (rnnbook.data.make_connected_digits)."""

from __future__ import annotations

import numpy as np
import pytest

from rnnbook.data import Recording, load_fsdd, make_connected_digits


def _toy_pool() -> list[Recording]:
    # recording (digit d, speaker s, index i) is a constant run of value 100*d + i + 1, length 40 + d
    pool = []
    for s in ("ann", "bob"):
        for d in range(10):
            for i in range(3):
                pool.append(Recording(np.full(40 + d, 100 * d + i + 1, np.int16), d, s, i))
    return pool


def test_labels_and_audio_match_the_concatenated_recordings() -> None:
    pool = _toy_pool()
    utts = make_connected_digits(pool, 50, seed=0, gap_ms=(1.0, 3.0))
    for u in utts:
        assert 2 <= len(u.digits) <= 5
        assert len(u.gaps) == len(u.digits) - 1
        assert len(set(u.sources)) == len(u.sources)
        assert all(pool[i].speaker == u.speaker for i in u.sources)
        assert u.digits.tolist() == [pool[i].digit for i in u.sources]
        # rebuild the waveform: part, zeros(gap), part, ...
        pos = 0
        for k, i in enumerate(u.sources):
            if k:
                assert np.all(u.audio[pos : pos + u.gaps[k - 1]] == 0)
                pos += u.gaps[k - 1]
            n = pool[i].audio.size
            np.testing.assert_array_equal(u.audio[pos : pos + n], pool[i].audio)
            pos += n
        assert pos == u.audio.size and u.audio.dtype == np.int16


def test_gap_lengths_within_bounds_and_reach_them() -> None:
    utts = make_connected_digits(_toy_pool(), 400, seed=1, gap_ms=(1.0, 2.0))  # 8..16 samples at 8 kHz
    gaps = np.concatenate([u.gaps for u in utts])
    assert gaps.min() == 8 and gaps.max() == 16
    lengths = {len(u.digits) for u in utts}
    assert lengths == {2, 3, 4, 5}


def test_seeded_reproducibility() -> None:
    pool = _toy_pool()
    a = make_connected_digits(pool, 20, seed=7)
    b = make_connected_digits(pool, 20, seed=7)
    c = make_connected_digits(pool, 20, seed=8)
    assert all(np.array_equal(x.audio, y.audio) and x.sources == y.sources for x, y in zip(a, b))
    assert any(x.sources != y.sources for x, y in zip(a, c))


def test_bad_arguments_raise() -> None:
    pool = _toy_pool()
    with pytest.raises(ValueError, match="min_digits"):
        make_connected_digits(pool, 3, seed=0, min_digits=4, max_digits=2)
    with pytest.raises(ValueError, match="gap_ms"):
        make_connected_digits(pool, 3, seed=0, gap_ms=(5.0, 1.0))
    with pytest.raises(ValueError, match="fewer than max_digits"):
        make_connected_digits(pool[:3], 3, seed=0)


def test_official_splits_stay_separate() -> None:
    recs = load_fsdd()
    train = [r for r in recs if not r.is_official_test]
    test = [r for r in recs if r.is_official_test]
    tr = make_connected_digits(train, 200, seed=0)
    te = make_connected_digits(test, 100, seed=1)
    assert all(train[i].index >= 5 for u in tr for i in u.sources)
    assert all(test[i].index <= 4 for u in te for i in u.sources)
    assert {u.speaker for u in te} == {r.speaker for r in test}


def test_seed_must_be_an_int() -> None:
    from rnnbook.data import make_connected_digits

    for bad in (np.random.default_rng(0), None, 1.5):
        with pytest.raises(TypeError, match="seed must be an integer"):
            make_connected_digits([], 3, seed=bad)
    with pytest.raises(ValueError, match="seed must be an integer >= 0"):
        make_connected_digits([], 3, seed=-1)
