"""Universal Dependencies English EWT (release 2.16): sentences with their UPOS tags.

The CoNLL-U files are read with the ``conllu`` package after :func:`verified_path` has checked
their SHA-256. Following the UD guidelines, a tagger sees the *syntactic words* (the lines whose
ID is an integer): a multiword token such as ``don't`` (ID range ``3-4``) is split into its words
``do`` and ``n't``, each with its own tag, and the range line itself carries no tag (its UPOS is
``_``). Empty nodes (IDs such as ``8.1``, used only by enhanced dependencies) are not words of the
sentence and are skipped. The multiword tokens are kept in :attr:`TaggedSentence.multiword` so
that the surface text can be rebuilt.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass

import conllu
from conllu.exceptions import ParseException

from ._files import verified_path

__all__ = [
    "UD_EWT_SPLITS",
    "UPOS_TAGS",
    "TaggedSentence",
    "load_ud_english_ewt",
    "parse_upos_conllu",
]

#: The 17 universal part-of-speech tags, in the order of the UD documentation.
UPOS_TAGS: tuple[str, ...] = (
    "ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM",
    "PART", "PRON", "PROPN", "PUNCT", "SCONJ", "SYM", "VERB", "X",
)  # fmt: skip

#: Split name -> bundled file name (the treebank's official train/dev/test split).
UD_EWT_SPLITS: dict[str, str] = {
    "train": "en_ewt-ud-train.conllu.gz",
    "dev": "en_ewt-ud-dev.conllu.gz",
    "test": "en_ewt-ud-test.conllu.gz",
}

_FIELDS = ["id", "form", "lemma", "upos"]  # the columns a tagger needs (the rest is not parsed)
_UPOS = frozenset(UPOS_TAGS)


@dataclass(frozen=True)
class TaggedSentence:
    """One sentence as a tagger sees it.

    Attributes
    ----------
    sent_id:
        The ``# sent_id`` comment of the sentence.
    words:
        The syntactic words, length ``n``.
    upos:
        Their UPOS tags, length ``n``, each one of :data:`UPOS_TAGS`.
    multiword:
        The multiword tokens as ``(first, last, form)``: 0-based indices of the first and last word
        they cover, and the surface form (``(0, 1, "Today's")`` for words ``Today`` + ``'s``).
    """

    sent_id: str
    words: tuple[str, ...]
    upos: tuple[str, ...]
    multiword: tuple[tuple[int, int, str], ...] = ()

    @property
    def n_surface_tokens(self) -> int:
        """Number of surface tokens: a multiword token counts once."""
        return len(self.words) - sum(last - first for first, last, _ in self.multiword)


def _convert(tokenlist: conllu.TokenList, index: int) -> TaggedSentence:
    sent_id = tokenlist.metadata.get("sent_id", f"#{index}")
    words: list[str] = []
    tags: list[str] = []
    multiword: list[tuple[int, int, str]] = []
    for token in tokenlist:
        tid = token["id"]
        if isinstance(tid, int):
            if tid != len(words) + 1:
                raise ValueError(
                    f"Sentence {sent_id!r}: word IDs must run 1, 2, 3, ...; "
                    f"found {tid} where {len(words) + 1} was expected."
                )
            if token.get("upos") not in _UPOS:
                raise ValueError(
                    f"Sentence {sent_id!r}, word {tid} ({token['form']!r}): UPOS "
                    f"{token.get('upos')!r} is not one of the 17 UPOS tags {UPOS_TAGS}."
                )
            words.append(token["form"])
            tags.append(token["upos"])
        elif isinstance(tid, tuple) and len(tid) == 3 and tid[1] == "-":
            multiword.append((tid[0] - 1, tid[2] - 1, token["form"]))
        elif isinstance(tid, tuple) and len(tid) == 3 and tid[1] == ".":
            continue  # empty node (enhanced dependencies only): not a word of the sentence
        else:
            raise ValueError(f"Sentence {sent_id!r}: cannot read the token ID {tid!r}.")
    if not words:
        raise ValueError(f"Sentence {sent_id!r} has no words.")
    for first, last, form in multiword:
        if not 0 <= first < last < len(words):
            raise ValueError(
                f"Sentence {sent_id!r}: multiword token {form!r} covers words {first + 1}-"
                f"{last + 1}, outside the sentence's {len(words)} words."
            )
    return TaggedSentence(sent_id, tuple(words), tuple(tags), tuple(multiword))


def parse_upos_conllu(text: str) -> list[TaggedSentence]:
    """Parse CoNLL-U text into :class:`TaggedSentence` objects (words and UPOS tags).

    Raises
    ------
    TypeError
        If ``text`` is not a ``str``.
    ValueError
        If the text holds no sentence, a line is not CoNLL-U, word IDs are not consecutive, or a
        word's UPOS is not one of :data:`UPOS_TAGS`.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str of CoNLL-U, got {type(text).__name__}.")
    try:
        tokenlists = conllu.parse(text, fields=_FIELDS)
    except ParseException as err:
        raise ValueError(f"text is not valid CoNLL-U: {err}") from err
    for i, tokenlist in enumerate(tokenlists):  # conllu accepts short lines; CoNLL-U has 10 columns
        if any(len(tok) < len(_FIELDS) or tok.get("upos") is None for tok in tokenlist):
            sid = tokenlist.metadata.get("sent_id", f"#{i}")
            raise ValueError(f"Sentence {sid!r}: every token line needs 10 tab-separated columns.")
    sentences = [_convert(tl, i) for i, tl in enumerate(tokenlists)]
    if not sentences:
        raise ValueError("text holds no CoNLL-U sentence.")
    return sentences


def load_ud_english_ewt(split: str) -> list[TaggedSentence]:
    """One split of UD English EWT r2.16, checksum-verified.

    Parameters
    ----------
    split:
        ``"train"`` (12,544 sentences, 204,577 words), ``"dev"`` (2,001 sentences, 25,147 words)
        or ``"test"`` (2,077 sentences, 25,094 words): the treebank's official split.

    Returns
    -------
    list[TaggedSentence]
        In file order; words are the syntactic words (multiword tokens split, empty nodes skipped).
    """
    if split not in UD_EWT_SPLITS:
        raise ValueError(f"split must be one of {sorted(UD_EWT_SPLITS)}, got {split!r}.")
    path = verified_path("ud-english-ewt", UD_EWT_SPLITS[split])
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return parse_upos_conllu(fh.read())
