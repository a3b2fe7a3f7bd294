"""Datasets: verified loaders for the files bundled in ``data/`` and seeded generators.

Loaders never touch the network and never unpickle; each checks the file's SHA-256 first
(:func:`verified_path`) and raises :class:`DataFileMissingError` or :class:`ChecksumError` with a
message that says how to restore the file.
"""

from ._files import (
    CHECKSUMS,
    ChecksumError,
    DataFileMissingError,
    data_dir,
    sha256sum,
    verified_path,
)
from .adding import ADDING_BASELINE_MSE, adding_problem
from .connected_digits import ConnectedUtterance, make_connected_digits
from .ett import ETT_COLUMNS, load_ett
from .fsdd import FSDD_SAMPLE_RATE, FSDD_SPEAKERS, Recording, load_fsdd
from .tatoeba import (
    TATOEBA_PAIRS,
    Vocab,
    detokenize,
    load_tatoeba,
    normalize,
    split_pairs,
    tokenize,
)
from .text import CharVocab, load_rt_polarity, load_tinyshakespeare

__all__ = [
    "ADDING_BASELINE_MSE",
    "CHECKSUMS",
    "ETT_COLUMNS",
    "FSDD_SAMPLE_RATE",
    "FSDD_SPEAKERS",
    "TATOEBA_PAIRS",
    "CharVocab",
    "ChecksumError",
    "ConnectedUtterance",
    "DataFileMissingError",
    "Recording",
    "Vocab",
    "adding_problem",
    "data_dir",
    "detokenize",
    "load_ett",
    "load_fsdd",
    "load_rt_polarity",
    "load_tatoeba",
    "load_tinyshakespeare",
    "make_connected_digits",
    "normalize",
    "sha256sum",
    "split_pairs",
    "tokenize",
    "verified_path",
]
