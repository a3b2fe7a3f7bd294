"""Locating and verifying the dataset files bundled in the repository's ``data/`` folder.

Every loader goes through :func:`verified_path`, which checks the file's SHA-256 against the value
recorded here (and in the dataset's ``SOURCE.md``) before anything is parsed. Nothing is downloaded
and nothing is unpickled.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

__all__ = [
    "CHECKSUMS",
    "ChecksumError",
    "DataFileMissingError",
    "data_dir",
    "sha256sum",
    "verified_path",
]

#: SHA-256 of every bundled data file, by dataset folder and file name (copied from each SOURCE.md).
CHECKSUMS: dict[str, dict[str, str]] = {
    "tinyshakespeare": {
        "input.txt": "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed",
    },
    "ett": {
        "ETTh1.csv": "f18de3ad269cef59bb07b5438d79bb3042d3be49bdeecf01c1cd6d29695ee066",
    },
    "rt-polarity": {
        "rt-polarity.pos": "2da124ec187a9d5a29c9f04e91c540e02baed5af8868f550a26bd6fd4dbf8bf0",
        "rt-polarity.neg": "4ace77d558c3714723843f1d65b60c01e3417b208180f0728808d76ad0eeeaca",
    },
    "tatoeba": {
        "fra-eng-short.txt": "7b647cd8b728afdd88105a985f47c029985e4544e2b0ad08209da2ee6eee795d",
        "cmn-eng-short.txt": "334a5b568d4af6fea4b16909a55b04c4c4809e7c3117b72080c09b9b1d20e6fd",
    },
    "fsdd": {
        "recordings.zip": "e3a1f1fdb6ae6ca3df8939b4d0562dbeb4165e865ca246d6919a0c0d136b0e33",
    },
    "ud-english-ewt": {
        "en_ewt-ud-train.conllu.gz": "bd47e08c9e18ec12d319e84df2ccdb272ff6de1d0dba5761117d3caf8b358f7b",
        "en_ewt-ud-dev.conllu.gz": "41086e3afc9ae572f899c9123f874d6d04a52e374a3d2ac7a6667ce48e3bf3e3",
        "en_ewt-ud-test.conllu.gz": "29c151eee8846d3f3ef7806c126ecac9932af2317c008c6d6b076c5e14950dbe",
    },
    "fashion-mnist": {
        "train-images-subset.gz": "f5dcc11be30a24fbfcbc57b3f4e7ef9f0219afe74b18aff0a5338d7b4b5052b4",
        "train-labels-subset.gz": "3f140bfc3b6f195731d19c4e7729b386c6340f2d40455957eae6280cb32f2cec",
        "test-images-subset.gz": "2c4fc1d6cc565012d2867b710aa664402e87e92c55209a9bb72638dbd9b744b5",
        "test-labels-subset.gz": "2416e39f9c5e75298c76658650b1eb558e4a719b2192c590711ffa24a8f6841a",
    },
    "movielens-small": {
        "ratings.csv": "aa289ca83157595d0df6aea1be6a4ded676ddc4385472e8313a8ed9805352646",
        "movies.csv": "5a5f32dd9bb3797b8e728a1b98958789d2b13f294a69fdfbc5727f8a9611aa07",
    },
}

_ENV_VAR = "RNNBOOK_DATA_DIR"
_verified: dict[tuple[str, int, int], str] = {}


class DataFileMissingError(FileNotFoundError):
    """A bundled data file is not where the book expects it."""


class ChecksumError(ValueError):
    """A bundled data file exists but its bytes are not the recorded ones (corrupt or modified)."""


def data_dir() -> Path:
    """Return the folder that holds the bundled datasets.

    ``$RNNBOOK_DATA_DIR`` wins when set; otherwise the ``data/`` folder at the root of the repository
    this package was installed from (``pip install -e .``).
    """
    env = os.environ.get(_ENV_VAR)
    root = Path(env) if env else Path(__file__).resolve().parents[3] / "data"
    if not root.is_dir():
        hint = f"${_ENV_VAR} is set to {env!r}" if env else "the package is not installed from a clone of the repository"
        raise DataFileMissingError(
            f"The book's data folder {root} does not exist ({hint}). Clone the repository and run "
            f"`pip install -e .` from its root, or set ${_ENV_VAR} to the folder that holds "
            f"{', '.join(sorted(CHECKSUMS))}."
        )
    return root


def sha256sum(path: str | os.PathLike[str], chunk_size: int = 1 << 20) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(chunk_size), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verified_path(dataset: str, filename: str) -> Path:
    """Return the path of a bundled file after checking that it exists and its SHA-256 matches.

    Parameters
    ----------
    dataset:
        Folder name under ``data/``, one of :data:`CHECKSUMS`' keys (e.g. ``"tinyshakespeare"``).
    filename:
        File name inside that folder (e.g. ``"input.txt"``).

    Raises
    ------
    ValueError
        For a dataset or file name the book does not bundle.
    DataFileMissingError
        When the file is absent.
    ChecksumError
        When the file's bytes differ from the recorded ones.
    """
    if dataset not in CHECKSUMS:
        raise ValueError(f"Unknown dataset {dataset!r}; the bundled datasets are {sorted(CHECKSUMS)}.")
    files = CHECKSUMS[dataset]
    if filename not in files:
        raise ValueError(f"Dataset {dataset!r} has no file {filename!r}; its files are {sorted(files)}.")
    path = data_dir() / dataset / filename
    if not path.is_file():
        raise DataFileMissingError(
            f"Missing data file {path}. It is part of the repository: restore it with "
            f"`git checkout -- data/{dataset}/{filename}` (see data/{dataset}/SOURCE.md for its origin)."
        )
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    expected = files[filename]
    if _verified.get(key) != expected:
        actual = sha256sum(path)
        if actual != expected:
            raise ChecksumError(
                f"{path} is corrupt or modified: its SHA-256 is {actual}, expected {expected} "
                f"(data/{dataset}/SOURCE.md). Restore it with `git checkout -- data/{dataset}/{filename}`."
            )
        _verified[key] = expected
    return path
