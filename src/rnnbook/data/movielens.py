"""Loader for MovieLens ml-latest-small (GroupLens): ratings with timestamps, and movie titles.

The GroupLens licence allows research use with attribution and forbids commercial use without
permission (``data/movielens-small/SOURCE.md``). The files are read with :func:`pandas.read_csv`
after their SHA-256 is checked; nothing is downloaded or unpickled.
"""

from __future__ import annotations

import pandas as pd

from ._files import verified_path

__all__ = ["MOVIELENS_RATING_COLUMNS", "load_movielens", "load_movielens_titles"]

#: Columns of ``ratings.csv``, in file order.
MOVIELENS_RATING_COLUMNS: tuple[str, ...] = ("userId", "movieId", "rating", "timestamp")

_DATASET = "movielens-small"


def load_movielens() -> pd.DataFrame:
    """Load the 100,836 ratings of MovieLens ml-latest-small (Harper and Konstan, 2015).

    Returns
    -------
    pandas.DataFrame
        One row per rating, in file order (by ``userId``, then ``movieId``; **not** by time), with
        columns ``userId`` (int64), ``movieId`` (int64), ``rating`` (float64, 0.5 to 5.0 in half
        stars) and ``timestamp`` (int64, Unix seconds, UTC).

    Raises
    ------
    DataFileMissingError, ChecksumError
        When ``data/movielens-small/ratings.csv`` is absent or modified.
    ValueError
        When the parsed table does not have the expected columns or values.
    """
    path = verified_path(_DATASET, "ratings.csv")
    frame = pd.read_csv(
        path,
        dtype={"userId": "int64", "movieId": "int64", "rating": "float64", "timestamp": "int64"},
    )
    if tuple(frame.columns) != MOVIELENS_RATING_COLUMNS:
        raise ValueError(
            f"ratings.csv has columns {list(frame.columns)}, expected {list(MOVIELENS_RATING_COLUMNS)}."
        )
    if frame.isna().any().any() or not frame["rating"].between(0.5, 5.0).all():
        raise ValueError("ratings.csv has missing values or ratings outside [0.5, 5].")
    if frame.duplicated(["userId", "movieId"]).any():
        raise ValueError("ratings.csv rates some movie twice for one user.")
    return frame


def load_movielens_titles() -> dict[int, str]:
    """Movie titles of MovieLens ml-latest-small, by ``movieId`` (9,742 movies).

    Returns
    -------
    dict[int, str]
        ``movieId`` to title with the release year, e.g. ``1 -> "Toy Story (1995)"``.
    """
    path = verified_path(_DATASET, "movies.csv")
    frame = pd.read_csv(path, dtype={"movieId": "int64", "title": "string", "genres": "string"})
    if tuple(frame.columns) != ("movieId", "title", "genres"):
        raise ValueError(f"movies.csv has columns {list(frame.columns)}, expected movieId, title, genres.")
    if frame["movieId"].duplicated().any() or frame["title"].isna().any():
        raise ValueError("movies.csv has duplicate movie ids or missing titles.")
    return {int(m): str(t) for m, t in zip(frame["movieId"], frame["title"])}
