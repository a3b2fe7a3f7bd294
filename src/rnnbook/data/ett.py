"""Loader for the Electricity Transformer Temperature data (ETTh1), hourly."""

from __future__ import annotations

import pandas as pd

from ._files import verified_path

__all__ = ["ETT_COLUMNS", "load_ett"]

#: The seven variables, in file order; ``OT`` (oil temperature) is the usual univariate target.
ETT_COLUMNS: tuple[str, ...] = ("HUFL", "HULL", "MUFL", "MULL", "LUFL", "LULL", "OT")


def load_ett(name: str = "ETTh1") -> pd.DataFrame:
    """Load an ETT table (Zhou et al., 2021) as a data frame indexed by timestamp.

    Parameters
    ----------
    name:
        ``"ETTh1"`` (the only table bundled).

    Returns
    -------
    pandas.DataFrame
        17,420 hourly rows (2016-07-01 00:00 to 2018-06-26 19:00) by the 7 ``float64`` columns of
        :data:`ETT_COLUMNS`, with a ``DatetimeIndex`` named ``date``.
    """
    if name != "ETTh1":
        raise ValueError(f"Only 'ETTh1' is bundled with the book, got {name!r}.")
    frame = pd.read_csv(verified_path("ett", f"{name}.csv"), parse_dates=["date"], index_col="date")
    if tuple(frame.columns) != ETT_COLUMNS:
        raise ValueError(f"{name}.csv has columns {list(frame.columns)}, expected {list(ETT_COLUMNS)}.")
    return frame.astype("float64")
