"""Loader for the Free Spoken Digit Dataset (FSDD), bundled as one zip of unchanged WAV files."""

from __future__ import annotations

import io
import re
import wave
import zipfile
from typing import NamedTuple

import numpy as np

from ._files import verified_path

__all__ = ["FSDD_SAMPLE_RATE", "FSDD_SPEAKERS", "Recording", "load_fsdd"]

FSDD_SAMPLE_RATE = 8000
FSDD_SPEAKERS: tuple[str, ...] = ("george", "jackson", "lucas", "nicolas", "theo", "yweweler")
_NAME = re.compile(r"^(\d)_([a-z]+)_(\d+)\.wav$")


class Recording(NamedTuple):
    """One FSDD utterance.

    ``audio`` has shape ``(n_samples,)``, dtype ``int16``, sampled at 8 kHz. ``index`` is the
    repetition number 0–49; the dataset's official test set is ``index <= 4``.
    """

    audio: np.ndarray
    digit: int
    speaker: str
    index: int

    @property
    def is_official_test(self) -> bool:
        """True for the official test split (repetitions 0–4 of every speaker and digit)."""
        return self.index <= 4


def load_fsdd() -> list[Recording]:
    """Read all 3,000 recordings from ``data/fsdd/recordings.zip``.

    Returns
    -------
    list[Recording]
        Ordered by (digit, speaker, repetition index) as stored in the zip.
    """
    path = verified_path("fsdd", "recordings.zip")
    recordings: list[Recording] = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            match = _NAME.match(name)
            if match is None:
                raise ValueError(f"{path}: unexpected member {name!r}; expected '{{digit}}_{{speaker}}_{{index}}.wav'.")
            with wave.open(io.BytesIO(archive.read(name))) as wav:
                params = (wav.getnchannels(), wav.getsampwidth(), wav.getframerate())
                if params != (1, 2, FSDD_SAMPLE_RATE):
                    raise ValueError(
                        f"{path}:{name} is (channels, bytes/sample, rate) = {params}, expected (1, 2, {FSDD_SAMPLE_RATE})."
                    )
                audio = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2").astype(np.int16)
            digit, speaker, index = match.groups()
            recordings.append(Recording(audio, int(digit), speaker, int(index)))
    return recordings
