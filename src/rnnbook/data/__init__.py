"""Datasets: verified loaders for the files bundled in ``data/`` and seeded generators.

Loaders never touch the network and never unpickle; each checks the file's SHA-256 first
(:func:`verified_path`) and raises :class:`DataFileMissingError` or :class:`ChecksumError` with a
message that says how to restore the file.

Seeded generators take their randomness as a keyword-only argument, validated (``TypeError``
otherwise): ``seed``, a non-negative ``int``, when the generator owns its random source
(``make_connected_digits``, ``make_captcha_dataset``, ``make_captcha_splits``,
``make_moving_fashion``, ``make_number_words``, ``make_shapes_vqa``, ``make_shapes_vqa_splits``,
``split_pairs``: the same seed gives the same data, and there is no default seed); ``rng``, a
``numpy.random.Generator``, when the caller draws several sets
from one stream (``adding_problem``: train, validation and test from one generator).
"""

from ._files import CHECKSUMS, ChecksumError, DataFileMissingError, data_dir, sha256sum, verified_path
from .adding import ADDING_BASELINE_MSE, adding_problem
from .connected_digits import ConnectedUtterance, make_connected_digits
from .ett import ETT_COLUMNS, load_ett
from .fashion_mnist import FASHION_MNIST_CLASSES, load_fashion_mnist
from .fsdd import FSDD_SAMPLE_RATE, FSDD_SPEAKERS, Recording, load_fsdd
from .movielens import MOVIELENS_RATING_COLUMNS, load_movielens, load_movielens_titles
from .moving_fashion import make_moving_fashion
from .numbers import encode_number_pairs, make_number_words, number_to_words
from .shapes_vqa import (
    ANSWERS,
    COLOURS,
    QUESTION_TYPES,
    QUESTION_VOCAB,
    SHAPES,
    ShapesVQA,
    encode_questions,
    make_shapes_vqa,
    make_shapes_vqa_splits,
)
from .tatoeba import TATOEBA_PAIRS, Vocab, detokenize, load_tatoeba, normalize, split_pairs, tokenize
from .text import CharVocab, load_rt_polarity, load_tinyshakespeare
from .ud import UD_EWT_SPLITS, UPOS_TAGS, TaggedSentence, load_ud_english_ewt, parse_upos_conllu

__all__ = [
    "ADDING_BASELINE_MSE",
    "ANSWERS",
    "CHECKSUMS",
    "COLOURS",
    "ETT_COLUMNS",
    "FASHION_MNIST_CLASSES",
    "FSDD_SAMPLE_RATE",
    "FSDD_SPEAKERS",
    "MOVIELENS_RATING_COLUMNS",
    "QUESTION_TYPES",
    "QUESTION_VOCAB",
    "SHAPES",
    "TATOEBA_PAIRS",
    "UD_EWT_SPLITS",
    "UPOS_TAGS",
    "CharVocab",
    "ChecksumError",
    "ConnectedUtterance",
    "DataFileMissingError",
    "Recording",
    "ShapesVQA",
    "TaggedSentence",
    "Vocab",
    "adding_problem",
    "data_dir",
    "detokenize",
    "encode_number_pairs",
    "encode_questions",
    "load_ett",
    "load_fashion_mnist",
    "load_fsdd",
    "load_movielens",
    "load_movielens_titles",
    "load_rt_polarity",
    "load_tatoeba",
    "load_tinyshakespeare",
    "load_ud_english_ewt",
    "make_connected_digits",
    "make_moving_fashion",
    "make_number_words",
    "make_shapes_vqa",
    "make_shapes_vqa_splits",
    "normalize",
    "number_to_words",
    "parse_upos_conllu",
    "sha256sum",
    "split_pairs",
    "tokenize",
    "verified_path",
]
