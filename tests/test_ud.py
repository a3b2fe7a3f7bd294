"""UD English EWT loader: official counts, multiword tokens and empty nodes, checksum, bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rnnbook.data import (
    UPOS_TAGS,
    ChecksumError,
    DataFileMissingError,
    data_dir,
    load_ud_english_ewt,
    parse_upos_conllu,
)

# From data/ud-english-ewt/SOURCE.md (they match the treebank's stats.xml).
COUNTS = {
    "train": (12_544, 204_577, 201_962, 2_614),
    "dev": (2_001, 25_147, 24_787, 359),
    "test": (2_077, 25_094, 24_740, 354),
}

SAMPLE = """# sent_id = s1
# text = I don't know.
1\tI\tI\tPRON\tPRP\t_\t3\tnsubj\t_\t_
2-3\tdon't\t_\t_\t_\t_\t_\t_\t_\t_
2\tdo\tdo\tAUX\tVBP\t_\t4\taux\t_\t_
3\tn't\tnot\tPART\tRB\t_\t4\tadvmod\t_\t_
4\tknow\tknow\tVERB\tVB\t_\t0\troot\t_\t_
4.1\tknow\tknow\tVERB\tVB\t_\t_\t_\t_\t_
5\t.\t.\tPUNCT\t.\t_\t4\tpunct\t_\t_

# sent_id = s2
1\tHi\thi\tINTJ\tUH\t_\t0\troot\t_\t_

"""


@pytest.mark.parametrize("split", ["train", "dev", "test"])
def test_counts_match_source(split: str) -> None:
    sents = load_ud_english_ewt(split)
    n_sent, n_words, n_surface, n_mwt = COUNTS[split]
    assert len(sents) == n_sent
    assert sum(len(s.words) for s in sents) == n_words
    assert sum(s.n_surface_tokens for s in sents) == n_surface
    assert sum(len(s.multiword) for s in sents) == n_mwt
    assert all(len(s.words) == len(s.upos) for s in sents)
    tags = {t for s in sents for t in s.upos}
    assert tags <= set(UPOS_TAGS)
    if split == "train":
        assert tags == set(UPOS_TAGS)
        assert max(len(s.words) for s in sents) == 159


def test_multiword_split_and_empty_nodes_skipped() -> None:
    s1, s2 = parse_upos_conllu(SAMPLE)
    assert s1.sent_id == "s1"
    assert s1.words == ("I", "do", "n't", "know", ".")
    assert s1.upos == ("PRON", "AUX", "PART", "VERB", "PUNCT")
    assert s1.multiword == ((1, 2, "don't"),)
    assert s1.n_surface_tokens == 4
    assert s2.words == ("Hi",) and s2.upos == ("INTJ",)


@pytest.mark.parametrize(
    "text, match",
    [
        ("", "no CoNLL-U sentence"),
        ("1\tHi\thi\tFOO\t_\t_\t0\troot\t_\t_\n\n", "not one of the 17 UPOS"),
        ("1\tHi\thi\t_\t_\t_\t0\troot\t_\t_\n\n", "not one of the 17 UPOS"),
        ("2\tHi\thi\tINTJ\t_\t_\t0\troot\t_\t_\n\n", "IDs must run"),
        ("1\tHi\n\n", "CoNLL-U|10 tab-separated"),
        ("just some words\n\n", "CoNLL-U"),
        (
            (
                "1-3\tfoo\t_\t_\t_\t_\t_\t_\t_\t_\n1\tf\tf\tX\t_\t_\t0\troot\t_\t_\n"
                "2\to\to\tX\t_\t_\t1\tdep\t_\t_\n\n"
            ),
            "outside the sentence",
        ),
    ],
)
def test_bad_conllu(text: str, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        parse_upos_conllu(text)


def test_bad_arguments() -> None:
    with pytest.raises(TypeError, match="text must be a str"):
        parse_upos_conllu(b"1\tHi")
    with pytest.raises(ValueError, match="split must be one of"):
        load_ud_english_ewt("validation")


@pytest.fixture
def ud_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "ud-english-ewt"
    folder.mkdir()
    shutil.copy(data_dir() / "ud-english-ewt" / "en_ewt-ud-dev.conllu.gz", folder)
    monkeypatch.setenv("RNNBOOK_DATA_DIR", str(tmp_path))
    return folder


def test_checksum_failure(ud_copy: Path) -> None:
    path = ud_copy / "en_ewt-ud-dev.conllu.gz"
    data = bytearray(path.read_bytes())
    data[100] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ChecksumError, match="corrupt or modified.*expected 41086e3a"):
        load_ud_english_ewt("dev")


def test_missing_file(ud_copy: Path) -> None:
    with pytest.raises(DataFileMissingError, match="en_ewt-ud-test.conllu.gz"):
        load_ud_english_ewt("test")
