"""A seeded generator of connected-digit utterances built from Free Spoken Digit Dataset recordings.

Each utterance concatenates 2–5 recordings of **one** speaker with short silences between them, so
the transcript is the sequence of their digits. Building the training utterances from the official
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
    recordings used, in order. ``gaps``: silence lengths in samples between consecutive recordings,
    ``(n_digits - 1,)``.
    """

    audio: np.ndarray
    digits: np.ndarray
    speaker: str
    sources: tuple[int, ...]
    gaps: np.ndarray


def make_connected_digits(
    pool: Sequence[Recording],
    n_utterances: int,
    seed: int,
    min_digits: int = 2,
    max_digits: int = 5,
    gap_ms: tuple[float, float] = (50.0, 250.0),
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
        ``(low, high)`` silence between recordings in ms, ``0 <= low <= high``.
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
    lo, hi = int(round(lo_ms * FSDD_SAMPLE_RATE / 1000)), int(round(hi_ms * FSDD_SAMPLE_RATE / 1000))
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
    out: list[ConnectedUtterance] = []
    for _ in range(n_utterances):
        speaker = speakers[rng.integers(len(speakers))]
        n = int(rng.integers(min_digits, max_digits + 1))
        chosen = rng.choice(by_speaker[speaker], size=n, replace=False)
        gaps = rng.integers(lo, hi + 1, size=n - 1)
        parts: list[np.ndarray] = []
        for k, i in enumerate(chosen):
            if k:
                parts.append(np.zeros(gaps[k - 1], dtype=np.int16))
            parts.append(np.asarray(pool[i].audio, dtype=np.int16))
        out.append(
            ConnectedUtterance(
                audio=np.concatenate(parts),
                digits=np.array([pool[i].digit for i in chosen], dtype=np.int64),
                speaker=speaker,
                sources=tuple(int(i) for i in chosen),
                gaps=gaps.astype(np.int64),
            )
        )
    return out
