"""A seeded generator of connected-digit utterances built from Free Spoken Digit Dataset recordings.

Each utterance joins 2–5 recordings of **one** speaker, so the transcript is the sequence of their
digits. By default they are separated by digital silence (the original behaviour); with
``overlap_ms`` consecutive recordings overlap and are crossfaded, as words run into each other in
connected speech, and with ``snr_db`` white Gaussian background noise is added at a stated
signal-to-noise ratio, so that no sample of the utterance is exactly silent. Building the training utterances from the official
training recordings and the test utterances from the official test recordings (pass the matching
pool) keeps every test waveform unseen in training.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from ..checks import check_int
from .fsdd import FSDD_SAMPLE_RATE, Recording

__all__ = ["ConnectedUtterance", "make_connected_digits"]


class ConnectedUtterance(NamedTuple):
    """One synthetic connected-digit utterance.

    ``audio``: ``(n_samples,)`` int16 at 8 kHz. ``digits``: the transcript, ``(n_digits,)`` int64.
    ``speaker``: the one speaker of every part. ``sources``: indices into the pool of the
    recordings used, in order. ``gaps``: offsets in samples between the end of one recording and
    the start of the next, ``(n_digits - 1,)``: positive for silence, negative for an overlap.
    """

    audio: np.ndarray
    digits: np.ndarray
    speaker: str
    sources: tuple[int, ...]
    gaps: np.ndarray


def make_connected_digits(
    pool: Sequence[Recording],
    n_utterances: int,
    *,
    seed: int,
    min_digits: int = 2,
    max_digits: int = 5,
    gap_ms: tuple[float, float] = (50.0, 250.0),
    overlap_ms: tuple[float, float] | None = None,
    snr_db: float | None = None,
) -> list[ConnectedUtterance]:
    """Generate ``n_utterances`` connected-digit utterances from the recordings in ``pool``.

    For each utterance: a speaker uniformly among the pool's speakers, a length uniformly in
    ``[min_digits, max_digits]``, that many distinct recordings of the speaker drawn uniformly
    (digits may repeat, e.g. "3 3 7"), and gaps of digital silence (zeros) uniform in
    ``gap_ms`` milliseconds (whole samples, bounds included) between them.

    Parameters
    ----------
    pool:
        Recordings to draw from (e.g. the official training split of :func:`load_fsdd`).
    n_utterances:
        How many utterances to make (>= 1).
    seed:
        Seed of the ``numpy.random.Generator``; the same pool and seed give the same utterances.
    min_digits, max_digits:
        Bounds on the number of digits (``1 <= min_digits <= max_digits``).
    gap_ms:
        ``(low, high)`` silence between recordings in ms, ``0 <= low <= high``. Not used when
        ``overlap_ms`` is given.
    overlap_ms:
        ``None`` (default: silence between recordings) or ``(low, high)`` in ms, ``0 <= low <=
        high``: consecutive recordings then overlap by a duration uniform in that range (whole
        samples, at most half of the shorter recording) and are joined with a linear crossfade
        over the overlap; ``gaps`` holds minus the overlap.
    snr_db:
        ``None`` (default: no noise) or the signal-to-noise ratio in dB of white Gaussian noise
        added to the whole utterance, relative to the utterance's mean power. The result is
        rounded and clipped to int16.
    """
    check_int("n_utterances", n_utterances, 1)
    check_int("seed", seed, 0)  # an int: a Generator or None would be accepted by default_rng silently
    check_int("min_digits", min_digits)
    check_int("max_digits", max_digits)
    if not 1 <= min_digits <= max_digits:
        raise ValueError(f"need 1 <= min_digits <= max_digits, got {min_digits}, {max_digits}.")
    lo_ms, hi_ms = gap_ms
    if not 0 <= lo_ms <= hi_ms:
        raise ValueError(f"gap_ms must be (low, high) with 0 <= low <= high, got {gap_ms}.")
    lo, hi = round(lo_ms * FSDD_SAMPLE_RATE / 1000), round(hi_ms * FSDD_SAMPLE_RATE / 1000)
    if overlap_ms is not None:
        o_lo, o_hi = overlap_ms
        if not 0 <= o_lo <= o_hi:
            raise ValueError(f"overlap_ms must be (low, high) with 0 <= low <= high, got {overlap_ms}.")
        lo = -round(o_hi * FSDD_SAMPLE_RATE / 1000)  # gaps are minus the overlaps
        hi = -round(o_lo * FSDD_SAMPLE_RATE / 1000)
    if snr_db is not None and not np.isfinite(snr_db):
        raise ValueError(f"snr_db must be a finite number of dB or None, got {snr_db}.")
    by_speaker: dict[str, list[int]] = {}
    for i, rec in enumerate(pool):
        by_speaker.setdefault(rec.speaker, []).append(i)
    if not by_speaker:
        raise ValueError("the pool of recordings is empty.")
    speakers = sorted(by_speaker)
    for s in speakers:
        if len(by_speaker[s]) < max_digits:
            raise ValueError(f"speaker {s!r} has {len(by_speaker[s])} recordings in the pool, fewer than max_digits = {max_digits}.")
    rng = np.random.default_rng(seed)
    noise_rng = np.random.default_rng([seed, 1])  # own stream: noise does not change the draws
    out: list[ConnectedUtterance] = []
    for _ in range(n_utterances):
        speaker = speakers[rng.integers(len(speakers))]
        n = int(rng.integers(min_digits, max_digits + 1))
        chosen = rng.choice(by_speaker[speaker], size=n, replace=False)
        gaps = rng.integers(lo, hi + 1, size=n - 1)
        if overlap_ms is None:
            parts: list[np.ndarray] = []
            for k, i in enumerate(chosen):
                if k:
                    parts.append(np.zeros(gaps[k - 1], dtype=np.int16))
                parts.append(np.asarray(pool[i].audio, dtype=np.int16))
            wave = np.concatenate(parts)
        else:
            sizes = [pool[i].audio.size for i in chosen]
            gaps = -np.minimum(-gaps, np.minimum(sizes[:-1], sizes[1:]) // 2)
            wave = _crossfade([pool[i].audio for i in chosen], -gaps)
        if snr_db is not None:
            x = wave.astype(np.float64)
            noise_power = np.mean(x**2) / 10 ** (snr_db / 10)
            x = x + noise_rng.normal(0.0, np.sqrt(noise_power), size=x.size)
            wave = np.clip(np.round(x), -32768, 32767).astype(np.int16)
        out.append(
            ConnectedUtterance(
                audio=wave,
                digits=np.array([pool[i].digit for i in chosen], dtype=np.int64),
                speaker=speaker,
                sources=tuple(int(i) for i in chosen),
                gaps=gaps.astype(np.int64),
            )
        )
    return out


def _crossfade(parts: Sequence[np.ndarray], overlaps: np.ndarray) -> np.ndarray:
    """Join ``parts`` (int16) so that part k+1 starts ``overlaps[k]`` samples before part k ends.

    Over each overlap the earlier part fades out and the later one fades in linearly (the two
    gains sum to 1), so the join keeps the loudness of the parts. Returns int16.
    """
    starts = [0]
    for k in range(1, len(parts)):
        starts.append(starts[-1] + parts[k - 1].size - int(overlaps[k - 1]))
    out = np.zeros(starts[-1] + parts[-1].size, dtype=np.float64)
    for k, (start, part) in enumerate(zip(starts, parts)):
        gain = np.ones(part.size)
        if k:  # fade in over the overlap with the previous part
            m = int(overlaps[k - 1])
            gain[:m] = (np.arange(m) + 1) / (m + 1)
        if k < len(parts) - 1:  # fade out over the overlap with the next part
            m = int(overlaps[k])
            gain[part.size - m :] *= 1 - (np.arange(m) + 1) / (m + 1)
        out[start : start + part.size] += gain * part
    return np.clip(np.round(out), -32768, 32767).astype(np.int16)
