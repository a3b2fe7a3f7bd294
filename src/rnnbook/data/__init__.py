"""Datasets: verified loaders for the files bundled in ``data/`` and seeded generators.

Loaders never touch the network and never unpickle; each checks the file's SHA-256 first
(:func:`verified_path`) and raises :class:`DataFileMissingError` or :class:`ChecksumError` with a
message that says how to restore the file.
"""

from .adding import ADDING_BASELINE_MSE, adding_problem
from ._files import CHECKSUMS, ChecksumError, DataFileMissingError, data_dir, sha256sum, verified_path
from .connected_digits import ConnectedUtterance, make_connected_digits
from .ett import ETT_COLUMNS, load_ett
from .numbers import encode_number_pairs, make_number_words, number_to_words
from .fsdd import FSDD_SAMPLE_RATE, FSDD_SPEAKERS, Recording, load_fsdd
from .text import CharVocab, load_rt_polarity, load_tinyshakespeare

__all__ = [
    "ADDING_BASELINE_MSE",
    "CHECKSUMS",
    "CharVocab",
    "ETT_COLUMNS",
    "FSDD_SAMPLE_RATE",
    "FSDD_SPEAKERS",
    "ChecksumError",
    "ConnectedUtterance",
    "DataFileMissingError",
    "Recording",
    "adding_problem",
    "data_dir",
    "encode_number_pairs",
    "load_ett",
    "load_fsdd",
    "load_rt_polarity",
    "load_tinyshakespeare",
    "make_connected_digits",
    "make_number_words",
    "number_to_words",
    "sha256sum",
    "verified_path",
]
