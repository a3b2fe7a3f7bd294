"""Tatoeba sentence pairs (English-French, English-Chinese) and the text pipeline of chapter 12.

The pipeline, top to bottom:

1. :func:`load_tatoeba` reads the bundled short-sentence subsets (checksums verified);
2. :func:`normalize` lower-cases, unifies spaces and apostrophes and splits off punctuation;
3. :func:`tokenize` cuts English and French into words and Chinese into characters (Chinese is
   written without spaces, and a word segmenter would be one more model to trust);
4. :func:`split_pairs` makes train/validation/test splits in which no source sentence and no target
   sentence occurs in two splits (pairs that share a side are kept together);
5. :class:`Vocab` maps tokens to ids with ``<pad>``, ``<bos>``, ``<eos>``, ``<unk>``, keeping tokens
   seen at least ``min_count`` times in the training split, and :meth:`Vocab.encode_batch` pads.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

from ._files import verified_path

__all__ = [
    "TATOEBA_PAIRS",
    "Vocab",
    "detokenize",
    "load_tatoeba",
    "normalize",
    "split_pairs",
    "tokenize",
]

#: language pair -> bundled file (source is always English)
TATOEBA_PAIRS: dict[str, str] = {
    "en-fr": "fra-eng-short.txt",
    "en-zh": "cmn-eng-short.txt",
}
_LANGS = ("en", "fr", "zh")


def load_tatoeba(pair: str) -> list[tuple[str, str]]:
    """The bundled sentence pairs of ``pair`` (``"en-fr"`` or ``"en-zh"``), raw text, file order.

    Returns a list of ``(english, target)`` strings: 16,881 pairs for ``"en-fr"``, 13,529 for
    ``"en-zh"`` (the attribution column of the Chinese file is dropped here; it stays in the file).
    """
    if not isinstance(pair, str) or pair not in TATOEBA_PAIRS:
        raise ValueError(f"pair must be one of {sorted(TATOEBA_PAIRS)}, got {pair!r}")
    path = verified_path("tatoeba", TATOEBA_PAIRS[pair])
    pairs = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line:
            fields = line.split("\t")
            pairs.append((fields[0], fields[1]))
    return pairs


def _check_lang(lang: object) -> str:
    if lang not in _LANGS:
        raise ValueError(f"lang must be one of {_LANGS}, got {lang!r}")
    return str(lang)


def _check_text(name: str, text: object) -> str:
    if not isinstance(text, str):
        raise TypeError(f"{name} must be a str, got {type(text).__name__}")
    return text


_PUNCT = re.compile(r"([.,!?;:\"«»()])")
_ZH_PUNCT = str.maketrans({"，": ",", "。": ".", "！": "!", "？": "?", "：": ":", "；": ";"})


def normalize(text: str, lang: str) -> str:
    """Lower-case, NFKC (typographic and no-break spaces become spaces), straight apostrophes,
    punctuation split off as its own token (and, for French, elided articles such as ``l'`` and
    ``j'``), single spaces. Chinese full-width punctuation becomes ASCII; spaces are removed."""
    text, lang = _check_text("text", text), _check_lang(lang)
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'").replace("‘", "'")
    if lang == "zh":
        return "".join(text.translate(_ZH_PUNCT).split())
    text = _PUNCT.sub(r" \1 ", text)
    if lang == "fr":
        text = re.sub(r"\b(\w+')", r"\1 ", text)  # l'homme -> l' homme
    return " ".join(text.split())


def tokenize(text: str, lang: str) -> list[str]:
    """Tokens of a :func:`normalize`-d sentence: words for ``en``/``fr``, characters for ``zh``."""
    text, lang = _check_text("text", text), _check_lang(lang)
    return list(text.replace(" ", "")) if lang == "zh" else text.split()


def detokenize(tokens: Sequence[str], lang: str) -> str:
    """Tokens back to a string for scoring: Chinese characters joined without spaces; English and
    French words joined by spaces with the space before ``. , ! ? ; :`` and after ``'`` removed.
    Applied to hypotheses and references alike, so both are scored the same way."""
    lang = _check_lang(lang)
    if isinstance(tokens, str) or not all(isinstance(t, str) for t in tokens):
        raise TypeError("tokens must be a sequence of str")
    if lang == "zh":
        return "".join(tokens)
    text = " ".join(tokens)
    text = re.sub(r" ([.,!?;:])", r"\1", text)
    return text.replace("' ", "'")


def split_pairs(
    pairs: Sequence[tuple[str, str]],
    n_valid: int,
    n_test: int,
    *,
    seed: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Train/validation/test indices into ``pairs`` with no sentence shared between splits.

    Pairs are grouped into connected components: two pairs are in the same group when they share
    the source or the target string (compare normalised text). Groups are shuffled with ``seed``
    and dealt to test, then validation, until each holds at least ``n_test`` / ``n_valid`` pairs;
    the rest is training. Returns three sorted ``int64`` index arrays.
    """
    if isinstance(pairs, str) or not all(len(p) == 2 for p in pairs):
        raise ValueError("pairs must be a sequence of (source, target) pairs")
    for name, value in (("n_valid", n_valid), ("n_test", n_test)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    if n_valid + n_test >= len(pairs):
        raise ValueError(f"n_valid + n_test = {n_valid + n_test} leaves no training pairs out of {len(pairs)}")
    parent = list(range(len(pairs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[tuple[int, str], int] = {}
    for i, (src, tgt) in enumerate(pairs):
        for key in ((0, src), (1, tgt)):
            j = first.setdefault(key, i)
            parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(pairs)):
        groups.setdefault(find(i), []).append(i)
    members = list(groups.values())
    order = np.random.default_rng(seed).permutation(len(members))
    test: list[int] = []
    valid: list[int] = []
    train: list[int] = []
    for g in order:
        if len(test) < n_test:
            test.extend(members[g])
        elif len(valid) < n_valid:
            valid.extend(members[g])
        else:
            train.extend(members[g])
    as_idx = lambda xs: np.sort(np.asarray(xs, dtype=np.int64))
    return as_idx(train), as_idx(valid), as_idx(test)


class Vocab:
    """Token <-> id map with ``<pad>`` = 0, ``<bos>`` = 1, ``<eos>`` = 2, ``<unk>`` = 3.

    Built from tokenised training sentences; keeps the tokens seen at least ``min_count`` times,
    most frequent first (ties in first-seen order), at most ``max_size`` ids in all.
    """

    PAD, BOS, EOS, UNK = 0, 1, 2, 3
    SPECIALS = ("<pad>", "<bos>", "<eos>", "<unk>")

    def __init__(self, sentences: Iterable[Sequence[str]], min_count: int = 1, max_size: int | None = None):
        if isinstance(min_count, bool) or not isinstance(min_count, int) or min_count < 1:
            raise ValueError(f"min_count must be a positive integer, got {min_count!r}")
        if max_size is not None and (not isinstance(max_size, int) or max_size <= len(self.SPECIALS)):
            raise ValueError(f"max_size must be an integer > {len(self.SPECIALS)}, got {max_size!r}")
        counts: Counter[str] = Counter()
        for sentence in sentences:
            if isinstance(sentence, str):
                raise TypeError("sentences must be token lists, not strings")
            counts.update(sentence)
        kept = [t for t, c in counts.most_common() if c >= min_count and t not in self.SPECIALS]
        if max_size is not None:
            kept = kept[: max_size - len(self.SPECIALS)]
        self.itos: list[str] = list(self.SPECIALS) + kept
        self.stoi: dict[str, int] = {t: i for i, t in enumerate(self.itos)}

    def __len__(self) -> int:
        return len(self.itos)

    def encode(self, tokens: Sequence[str]) -> list[int]:
        """Ids of ``tokens`` (unknown tokens -> ``<unk>``), without ``<bos>``/``<eos>``."""
        return [self.stoi.get(t, self.UNK) for t in tokens]

    def decode(self, ids: Iterable[int]) -> list[str]:
        """Tokens of ``ids``, stopping at ``<eos>`` and skipping ``<pad>`` and ``<bos>``."""
        out = []
        for i in ids:
            i = int(i)
            if not 0 <= i < len(self.itos):
                raise ValueError(f"id {i} is outside the vocabulary of size {len(self.itos)}")
            if i == self.EOS:
                break
            if i not in (self.PAD, self.BOS):
                out.append(self.itos[i])
        return out

    def encode_batch(self, sentences: Sequence[Sequence[str]], max_len: int, bos: bool = False) -> np.ndarray:
        """``(B, max_len)`` ``int32`` ids, ``<eos>``-terminated (and ``<bos>``-started if asked),
        right-padded with ``<pad>``. A sentence that does not fit raises ``ValueError``."""
        if isinstance(max_len, bool) or not isinstance(max_len, int) or max_len < 1:
            raise ValueError(f"max_len must be a positive integer, got {max_len!r}")
        out = np.zeros((len(sentences), max_len), dtype=np.int32)
        for b, tokens in enumerate(sentences):
            ids = ([self.BOS] if bos else []) + self.encode(tokens) + [self.EOS]
            if len(ids) > max_len:
                raise ValueError(f"sentence {b} needs {len(ids)} ids, more than max_len = {max_len}")
            out[b, : len(ids)] = ids
        return out
