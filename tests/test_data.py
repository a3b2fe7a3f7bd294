"""The bundled datasets: checksums, loader contents, and clear errors for missing or corrupt files."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from rnnbook import data
from rnnbook.data import CHECKSUMS, CharVocab, ChecksumError, DataFileMissingError, sha256sum

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.mark.parametrize(("dataset", "filename"), [(d, f) for d, files in CHECKSUMS.items() for f in files])
def test_bundled_file_matches_recorded_checksum(dataset: str, filename: str) -> None:
    path = DATA / dataset / filename
    assert sha256sum(path) == CHECKSUMS[dataset][filename]
    # The checksum in the code is the one documented in the dataset's SOURCE.md.
    assert CHECKSUMS[dataset][filename] in (DATA / dataset / "SOURCE.md").read_text(encoding="utf-8")


def test_every_dataset_folder_has_source_and_is_listed_in_readme() -> None:
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    for dataset in CHECKSUMS:
        assert (DATA / dataset / "SOURCE.md").is_file()
        assert f"`{dataset}/`" in readme


def test_data_folder_stays_under_50_mb() -> None:
    total = sum(p.stat().st_size for p in DATA.rglob("*") if p.is_file())
    assert total < 50 * 1024 * 1024, f"data/ is {total / 2**20:.1f} MiB"


def test_tinyshakespeare() -> None:
    text = data.load_tinyshakespeare()
    assert len(text) == 1_115_394
    assert len(set(text)) == 65
    assert text.startswith("First Citizen:\n")


def test_rt_polarity_counts_encoding_and_labels() -> None:
    texts, labels = data.load_rt_polarity()
    assert len(texts) == 10_662 and labels.shape == (10_662,)
    assert labels.dtype == np.int64 and labels[:5331].all() and not labels[5331:].any()
    assert texts[0].startswith("the rock is destined to be the 21st century's new")
    assert texts[5331] == "simplistic , silly and tedious . "  # lines keep their trailing space
    assert all("\n" not in t for t in texts)
    assert any("\x85" in t or "\u2026" in t for t in texts)  # cp1252 ellipses survive inside snippets
    assert sum("é" in t for t in texts) > 0


def test_ett() -> None:
    frame = data.load_ett()
    assert frame.shape == (17_420, 7)
    assert tuple(frame.columns) == data.ETT_COLUMNS
    assert str(frame.index[0]) == "2016-07-01 00:00:00" and str(frame.index[-1]) == "2018-06-26 19:00:00"
    assert (frame.index[1:] - frame.index[:-1]).unique().tolist() == [np.timedelta64(1, "h")]
    assert not frame.isna().any().any()
    with pytest.raises(ValueError, match="Only 'ETTh1'"):
        data.load_ett("ETTh2")


def test_fsdd() -> None:
    recs = data.load_fsdd()
    assert len(recs) == 3000
    assert {r.speaker for r in recs} == set(data.FSDD_SPEAKERS)
    assert sum(r.is_official_test for r in recs) == 300
    assert all(r.audio.dtype == np.int16 and r.audio.ndim == 1 for r in recs)
    durations = np.array([len(r.audio) for r in recs]) / data.FSDD_SAMPLE_RATE
    assert durations.min() == pytest.approx(0.144, abs=1e-3) and durations.max() == pytest.approx(2.283, abs=1e-3)


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the small text datasets, pointed to by RNNBOOK_DATA_DIR."""
    for dataset in ("tinyshakespeare", "rt-polarity"):
        shutil.copytree(DATA / dataset, tmp_path / dataset)
    monkeypatch.setenv("RNNBOOK_DATA_DIR", str(tmp_path))
    return tmp_path


def test_missing_file_says_how_to_restore_it(data_copy: Path) -> None:
    (data_copy / "tinyshakespeare" / "input.txt").unlink()
    with pytest.raises(DataFileMissingError, match=r"Missing data file .*input\.txt.*git checkout -- data/tinyshakespeare"):
        data.load_tinyshakespeare()


def test_corrupted_file_is_rejected_before_parsing(data_copy: Path) -> None:
    path = data_copy / "rt-polarity" / "rt-polarity.pos"
    raw = bytearray(path.read_bytes())
    raw[100] ^= 0x01  # flip one bit
    path.write_bytes(bytes(raw))
    with pytest.raises(ChecksumError, match=r"corrupt or modified: its SHA-256 is [0-9a-f]{64}, expected 2da124ec"):
        data.load_rt_polarity()


def test_missing_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RNNBOOK_DATA_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(DataFileMissingError, match="does not exist.*RNNBOOK_DATA_DIR"):
        data.load_ett()


def test_unknown_dataset_or_file_names_the_choices() -> None:
    with pytest.raises(ValueError, match=r"Unknown dataset 'imdb'.*'tinyshakespeare'"):
        data.verified_path("imdb", "train.csv")
    with pytest.raises(ValueError, match=r"no file 'ETTh2.csv'.*'ETTh1.csv'"):
        data.verified_path("ett", "ETTh2.csv")


def test_char_vocab_roundtrip_and_errors() -> None:
    vocab = CharVocab.from_text("hello world")
    ids = vocab.encode("hello")
    assert ids.dtype == np.int32 and vocab.decode(ids) == "hello"
    assert vocab.chars == sorted(set("hello world")) and len(vocab) == vocab.size == 8
    with pytest.raises(ValueError, match="'z' is not in the 8-symbol vocabulary"):
        vocab.encode("hez")
    with pytest.raises(ValueError, match=r"Ids must lie in \[0, 8\)"):
        vocab.decode([0, 8])
    with pytest.raises(ValueError, match="1-D"):
        vocab.decode(np.zeros((2, 2), dtype=int))
    with pytest.raises(ValueError, match="unique"):
        CharVocab("aab")


def test_movielens_ratings_and_titles() -> None:
    r = data.load_movielens()
    assert r.shape == (100_836, 4) and tuple(r.columns) == data.MOVIELENS_RATING_COLUMNS
    assert r["userId"].nunique() == 610 and r["movieId"].nunique() == 9_724
    assert r["timestamp"].min() == 828_124_615 and r["timestamp"].max() == 1_537_799_250
    assert sorted(r["rating"].unique().tolist()) == [x / 2 for x in range(1, 11)]
    titles = data.load_movielens_titles()
    assert len(titles) == 9_742 and titles[1] == "Toy Story (1995)"
    assert set(r["movieId"]) <= set(titles)
