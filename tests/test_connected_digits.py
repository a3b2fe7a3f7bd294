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


def test_default_join_is_unchanged_by_the_new_options() -> None:
    pool = _toy_pool()
    a = make_connected_digits(pool, 30, seed=3)
    b = make_connected_digits(pool, 30, seed=3, overlap_ms=None, snr_db=None)
    assert all(np.array_equal(x.audio, y.audio) and np.array_equal(x.gaps, y.gaps) for x, y in zip(a, b))


def test_crossfade_overlaps_and_gains_sum_to_one() -> None:
    pool = _toy_pool()  # constant parts of length 40..49: overlaps capped at 20 samples
    utts = make_connected_digits(pool, 200, seed=4, overlap_ms=(1.0, 2.0))  # 8..16 samples
    overlaps = np.concatenate([-u.gaps for u in utts])
    assert overlaps.min() == 8 and overlaps.max() == 16
    for u in utts:
        sizes = [pool[i].audio.size for i in u.sources]
        assert u.audio.size == sum(sizes) + u.gaps.sum()
        start = 0
        for k, i in enumerate(u.sources):
            part = pool[i].audio
            m_in = -u.gaps[k - 1] if k else 0
            m_out = -u.gaps[k] if k < len(u.sources) - 1 else 0
            # outside the overlaps, the part is copied unchanged
            np.testing.assert_array_equal(u.audio[start + m_in : start + part.size - m_out], part[m_in : part.size - m_out])
            if m_out:  # inside: a weighted mean of two constants stays between them
                nxt = pool[u.sources[k + 1]].audio[0]
                seg = u.audio[start + part.size - m_out : start + part.size].astype(int)
                assert np.all(seg >= min(part[0], nxt) - 1) and np.all(seg <= max(part[0], nxt) + 1)
                assert np.all(np.diff(seg) * np.sign(int(nxt) - int(part[0])) >= 0)  # monotone fade
            start += part.size - m_out


def test_noise_at_the_stated_snr() -> None:
    pool = [Recording((1000 * np.sin(np.arange(4000) / 7 + d)).astype(np.int16), d, "ann", i)
            for d in range(10) for i in range(5)]
    clean = make_connected_digits(pool, 20, seed=5, overlap_ms=(10.0, 20.0))
    noisy = make_connected_digits(pool, 20, seed=5, overlap_ms=(10.0, 20.0), snr_db=10.0)
    for c, n in zip(clean, noisy):
        assert c.sources == n.sources and np.array_equal(c.gaps, n.gaps)
        x, e = c.audio.astype(float), n.audio.astype(float) - c.audio.astype(float)
        snr = 10 * np.log10(np.mean(x**2) / np.mean(e**2))
        assert abs(snr - 10.0) < 0.5
        assert np.count_nonzero(n.audio == 0) < 0.01 * n.audio.size  # no digital silence left


def test_bad_new_arguments_raise() -> None:
    pool = _toy_pool()
    with pytest.raises(ValueError, match="overlap_ms"):
        make_connected_digits(pool, 3, seed=0, overlap_ms=(5.0, 1.0))
    with pytest.raises(ValueError, match="snr_db"):
        make_connected_digits(pool, 3, seed=0, snr_db=float("nan"))
