"""rnnbook.plot: the table convention and the cell diagrams."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from rnnbook.plot import draw_gru_cell, draw_lstm_cell, draw_unrolled_rnn, format_table, use_book_style


def test_format_table_integers_missing_and_floats() -> None:
    df = pd.DataFrame(
        {"n": [8.0, 2131.0, np.nan], "x": [0.12345, 1e-6, None], "s": ["a", None, "c"], "i": [1, 2, 3]}
    )
    out = format_table(df)
    assert out["n"].tolist() == ["8", "2131", "\u2014"]
    assert out["x"].tolist() == ["0.123", "1.00e-06", "\u2014"]
    assert out["s"].tolist() == ["a", "\u2014", "c"]
    assert out["i"].tolist() == ["1", "2", "3"]
    assert "NaN" not in out.to_string() and ".0 " not in out.to_string() + " "
    assert list(out.index) == list(df.index) and list(out.columns) == list(df.columns)
    assert format_table(pd.DataFrame({"x": [1.5]}), digits=1)["x"].tolist() == ["1.5"]
    assert format_table(pd.DataFrame({"x": [np.inf, True]}, dtype=object))["x"].tolist() == ["\u221e", "True"]


def test_format_table_rejects_bad_input() -> None:
    with pytest.raises(TypeError, match="df must be a pandas DataFrame"):
        format_table([[1, 2]])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="digits"):
        format_table(pd.DataFrame({"x": [1.0]}), digits=-1)


@pytest.mark.parametrize("draw", [draw_lstm_cell, draw_gru_cell])
def test_cell_diagrams_draw_on_given_axes(draw) -> None:
    use_book_style()
    fig, ax = plt.subplots()
    assert draw(ax=ax) is ax
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "$h_t$" in texts and "$x_t$" in texts
    assert len(ax.patches) > 10
    plt.close(fig)


def test_unrolled_rnn_rejects_zero_steps() -> None:
    with pytest.raises(ValueError, match="steps"):
        draw_unrolled_rnn(steps=0)
