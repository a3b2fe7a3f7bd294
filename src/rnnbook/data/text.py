"""Loaders for the bundled text datasets: tiny Shakespeare and sentence polarity."""

from __future__ import annotations

import numpy as np

from ._files import verified_path

__all__ = ["CharVocab", "load_rt_polarity", "load_tinyshakespeare"]


def load_tinyshakespeare() -> str:
    """The tiny Shakespeare corpus (Karpathy's char-rnn) as one string.

    Returns
    -------
    str
        1,115,394 characters over a 65-symbol vocabulary (ASCII).
    """
    return verified_path("tinyshakespeare", "input.txt").read_text(encoding="utf-8")


def load_rt_polarity() -> tuple[list[str], np.ndarray]:
    """Pang & Lee's sentence polarity dataset v1.0 (movie-review snippets, "MR").

    The files are Latin-1/cp1252, not UTF-8, and are split on ``"\\n"`` only (``str.splitlines``
    would also split at U+0085, which occurs inside snippets).

    Returns
    -------
    texts : list[str]
        10,662 snippets: the 5,331 positive ones first, then the 5,331 negative ones.
    labels : numpy.ndarray
        Shape ``(10662,)``, ``int64``; 1 for positive, 0 for negative.
    """
    texts: list[str] = []
    labels: list[int] = []
    for name, label in (("rt-polarity.pos", 1), ("rt-polarity.neg", 0)):
        raw = verified_path("rt-polarity", name).read_bytes().decode("cp1252", errors="strict")
        lines = raw.split("\n")
        if lines[-1] == "":
            lines.pop()
        texts.extend(lines)
        labels.extend([label] * len(lines))
    return texts, np.asarray(labels, dtype=np.int64)


class CharVocab:
    """A character vocabulary: maps characters to integer ids ``0..size-1`` and back.

    Ids follow sorted character order, so the same text always gives the same mapping.
    """

    def __init__(self, chars: str | list[str]) -> None:
        chars = list(chars)
        if not chars:
            raise ValueError("A vocabulary needs at least one character.")
        if len(set(chars)) != len(chars):
            raise ValueError("Vocabulary characters must be unique.")
        self.chars: list[str] = chars
        self.index: dict[str, int] = {c: i for i, c in enumerate(chars)}

    @classmethod
    def from_text(cls, text: str) -> CharVocab:
        """The vocabulary of every distinct character of ``text``, sorted."""
        return cls(sorted(set(text)))

    @property
    def size(self) -> int:
        return len(self.chars)

    def __len__(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> np.ndarray:
        """Ids of ``text``'s characters, shape ``(len(text),)``, ``int32``.

        Raises ``ValueError`` naming the first character outside the vocabulary.
        """
        try:
            return np.fromiter((self.index[c] for c in text), dtype=np.int32, count=len(text))
        except KeyError as err:
            raise ValueError(f"Character {err.args[0]!r} is not in the {self.size}-symbol vocabulary.") from None

    def decode(self, ids: np.ndarray | list[int]) -> str:
        """The string for a 1-D sequence of ids."""
        arr = np.asarray(ids)
        if arr.ndim != 1:
            raise ValueError(f"decode expects a 1-D sequence of ids, got shape {arr.shape}.")
        if arr.size and (arr.min() < 0 or arr.max() >= self.size):
            raise ValueError(f"Ids must lie in [0, {self.size}); got range [{arr.min()}, {arr.max()}].")
        return "".join(self.chars[i] for i in arr.tolist())
