"""The book's figure style and drawing helpers.

Call :func:`use_book_style` once at the top of a chapter; every figure then shares the same size,
fonts, palette and grid.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import matplotlib as mpl
import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "PALETTE",
    "draw_gru_cell",
    "draw_lstm_cell",
    "draw_unrolled_rnn",
    "format_table",
    "use_book_style",
]

#: Colour-blind-safe palette (Okabe & Ito), used as the default colour cycle.
PALETTE: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")


def use_book_style() -> None:
    """Set matplotlib's defaults for the book: 7×3.5 in figures, light grid, the palette.

    In a notebook, inline figures are stored as "retina" PNGs (twice the pixels of 100 dpi), so
    they stay sharp on high-DPI screens at the same displayed size.
    """
    _use_retina_inline_figures()
    mpl.rcParams.update(
        {
            "figure.figsize": (7.0, 3.5),
            "figure.dpi": 100,
            "savefig.dpi": 100,
            "figure.constrained_layout.use": True,
            "axes.prop_cycle": mpl.cycler(color=list(PALETTE)),
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.titlesize": 11,
            "axes.labelsize": 10,
            "xtick.labelsize": 9,
            "ytick.labelsize": 9,
            "legend.fontsize": 9,
            "legend.frameon": False,
            "image.cmap": "viridis",
        }
    )


def _use_retina_inline_figures() -> None:
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # plain Python: nothing to configure
        return
    if get_ipython() is not None:
        set_matplotlib_formats("retina")


def format_table(df: pd.DataFrame, *, digits: int = 3, missing: str = "\u2014") -> pd.DataFrame:
    """Return a copy of ``df`` with every cell as display text, the book's table convention.

    Whole numbers print as integers (``8``, ``2131``, also in float columns that pandas widened
    because of a missing value), other floats with ``digits`` decimals (tiny non-zero values in
    scientific notation rather than as ``0.000``), and missing values (None, NaN, NaT) as
    ``missing`` (an em dash). Strings and other objects pass through ``str``.
    """
    import numpy as np
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a pandas DataFrame, got {type(df).__name__}")
    if isinstance(digits, bool) or not isinstance(digits, int) or digits < 0:
        raise ValueError(f"digits must be a non-negative int, got {digits!r}")

    def cell(value: object) -> str:
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return missing
        if isinstance(value, (bool, np.bool_)):
            return str(bool(value))
        if isinstance(value, (int, np.integer)):
            return str(int(value))
        if isinstance(value, (float, np.floating)):
            v = float(value)
            if math.isinf(v):
                return "\u221e" if v > 0 else "\u2212\u221e"
            if v.is_integer():
                return str(int(v))
            if abs(v) < 0.5 * 10.0**-digits:
                return f"{v:.{max(digits - 1, 0)}e}"
            return f"{v:.{digits}f}"
        return str(value)

    return df.map(cell).astype(object)


def _box(ax: Axes, xy: tuple[float, float], text: str, color: str, w: float = 0.7, h: float = 0.45) -> None:
    x, y = xy
    ax.add_patch(
        FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.04", fc=color, ec="black", lw=1.0, alpha=0.9)
    )
    ax.text(x, y, text, ha="center", va="center", fontsize=11)


def _arrow(ax: Axes, start: tuple[float, float], end: tuple[float, float], label: str = "") -> None:
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=12, lw=1.2, color="black"))
    if label:
        mx, my = (start[0] + end[0]) / 2, (start[1] + end[1]) / 2
        if abs(end[0] - start[0]) > abs(end[1] - start[1]):  # horizontal: label above
            ax.text(mx, my + 0.06, label, ha="center", va="bottom", fontsize=9, color="#333333")
        else:  # vertical: label to the right
            ax.text(mx + 0.07, my, label, ha="left", va="center", fontsize=9, color="#333333")


def draw_unrolled_rnn(
    steps: int = 4,
    *,
    ax: Axes | None = None,
    labels: Sequence[str] = ("x", "h", "y"),
    weight_labels: Sequence[str] = ("$W_{xh}$", "$W_{hh}$", "$W_{hy}$"),
) -> Axes:
    """Draw a recurrent cell folded (left) and unrolled over ``steps`` time steps (right).

    The same weight labels appear at every step, which is the point of the picture: one set of
    parameters, shared across time.
    """
    if steps < 1:
        raise ValueError(f"steps must be >= 1, got {steps}")
    x_lab, h_lab, y_lab = labels
    wx, wh, wy = weight_labels
    if ax is None:
        _, ax = plt.subplots(figsize=(1.9 * (steps + 2), 3.2))
    colors = {"x": "#cde3f5", "h": "#fde2b8", "y": "#cdeee0"}

    def column(cx: float, t: str) -> None:
        _box(ax, (cx, 0), f"${x_lab}_{{{t}}}$", colors["x"])
        _box(ax, (cx, 1.3), f"${h_lab}_{{{t}}}$", colors["h"])
        _box(ax, (cx, 2.6), f"${y_lab}_{{{t}}}$", colors["y"])
        _arrow(ax, (cx, 0.25), (cx, 1.05), wx)
        _arrow(ax, (cx, 1.55), (cx, 2.35), wy)

    column(0.0, "t")  # folded cell with its self-loop
    ax.add_patch(
        FancyArrowPatch(
            (0.36, 1.42), (0.36, 1.18), connectionstyle="arc3,rad=-2.2", arrowstyle="-|>", mutation_scale=12, lw=1.2
        )
    )
    ax.text(0.62, 1.3, wh, fontsize=9, va="center", ha="left", color="#333333")
    ax.text(1.45, 1.3, "=", fontsize=20, va="center", ha="center")
    x0 = 3.0
    ax.text(x0 - 1.2, 1.3, "$\\cdots$", ha="center", va="center", fontsize=12)
    for k in range(steps):
        t = "t" if k == steps - 1 else f"t-{steps - 1 - k}"
        cx = x0 + 1.6 * k
        column(cx, t)
        _arrow(ax, (cx - 1.05 if k == 0 else cx - 1.25, 1.3), (cx - 0.37, 1.3), wh)
    ax.set_xlim(-0.6, x0 + 1.6 * (steps - 1) + 0.6)
    ax.set_ylim(-0.5, 3.1)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


# --- Gated cells -------------------------------------------------------------------------------
# Drawn in the style of Olah's "Understanding LSTM Networks": yellow boxes are learned layers (a
# dense map of [h_{t-1}, x_t] followed by the named nonlinearity), circles are element-wise
# operations, lines carry vectors, left to right is time.

_GATE_COLOR = "#fde2b8"
_OP_COLOR = "#cde3f5"


def _path(ax: Axes, points: Sequence[tuple[float, float]], arrow: bool = True, lw: float = 1.4) -> None:
    """A polyline through ``points``; an arrowhead on its last segment."""
    xs, ys = zip(*points)
    if len(points) > 2:
        ax.plot(xs[:-1], ys[:-1], color="black", lw=lw, solid_capstyle="round", zorder=1)
    style = "-|>" if arrow else "-"
    ax.add_patch(FancyArrowPatch(points[-2], points[-1], arrowstyle=style, mutation_scale=11, lw=lw, zorder=1))


def _layer(ax: Axes, xy: tuple[float, float], fn: str, name: str) -> None:
    x, y = xy
    w, h = 0.9, 0.6
    ax.add_patch(
        FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.03", fc=_GATE_COLOR, ec="black", zorder=2)
    )
    ax.text(x, y, fn, ha="center", va="center", fontsize=11, zorder=3)
    ax.text(x - w / 2 - 0.08, y + h / 2 + 0.05, name, ha="right", va="bottom", fontsize=11, zorder=3)


def _op(ax: Axes, xy: tuple[float, float], sym: str, r: float = 0.25) -> None:
    ax.add_patch(Circle(xy, r, fc=_OP_COLOR, ec="black", zorder=2))
    ax.text(xy[0], xy[1], sym, ha="center", va="center", fontsize=12 if len(sym) == 1 else 9, zorder=3)


def _cell_frame(ax: Axes, width: float, height: float) -> None:
    ax.add_patch(
        FancyBboxPatch(
            (0, -0.2), width, height, boxstyle="round,pad=0.1", fc="#f4f4f4", ec="#888888", lw=1.0, zorder=0
        )
    )


def _finish(ax: Axes, xlim: tuple[float, float], ylim: tuple[float, float]) -> Axes:
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def draw_lstm_cell(*, ax: Axes | None = None) -> Axes:
    """Draw one LSTM step: forget, input and output gates, the candidate and the cell-state path.

    The top line is the cell state, :math:`c_t = f_t \\odot c_{t-1} + i_t \\odot g_t`; the bottom line
    carries :math:`[h_{t-1}, x_t]` to the four layers; the output is
    :math:`h_t = o_t \\odot \\tanh(c_t)`.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 4.0))
    _cell_frame(ax, 10.0, 6.0)
    top, mid, gate, bus = 5.0, 3.6, 2.2, 0.8
    # cell-state path
    _op(ax, (2.0, top), "×")
    _op(ax, (5.0, top), "+")
    _path(ax, [(-1.0, top), (1.75, top)])
    _path(ax, [(2.25, top), (4.75, top)])
    _path(ax, [(5.25, top), (11.0, top)])
    ax.text(-1.05, top, "$c_{t-1}$", ha="right", va="center", fontsize=12)
    ax.text(11.05, top, "$c_t$", ha="left", va="center", fontsize=12)
    # input bus: h_{t-1} from the left, x_t from below
    _path(ax, [(-1.0, bus), (7.0, bus)], arrow=False)
    _path(ax, [(0.6, -1.0), (0.6, bus)], arrow=False)
    ax.text(-1.05, bus, "$h_{t-1}$", ha="right", va="center", fontsize=12)
    ax.text(0.6, -1.1, "$x_t$", ha="center", va="top", fontsize=12)
    # the four layers
    for x, fn, name in [(2.0, "σ", "$f_t$"), (3.6, "σ", "$i_t$"), (5.0, "tanh", "$g_t$"), (7.0, "σ", "$o_t$")]:
        _path(ax, [(x, bus), (x, gate - 0.3)])
        _layer(ax, (x, gate), fn, name)
    _path(ax, [(2.0, gate + 0.3), (2.0, top - 0.25)])  # f_t scales c_{t-1}
    _op(ax, (5.0, mid), "×")  # i_t * g_t
    _path(ax, [(3.6, gate + 0.3), (3.6, mid), (4.75, mid)])
    _path(ax, [(5.0, gate + 0.3), (5.0, mid - 0.25)])
    _path(ax, [(5.0, mid + 0.25), (5.0, top - 0.25)])
    # output: h_t = o_t * tanh(c_t)
    _op(ax, (8.4, mid + 0.2), "tanh", r=0.38)
    _path(ax, [(8.4, top), (8.4, mid + 0.58)])
    _op(ax, (8.4, gate), "×")
    _path(ax, [(7.45, gate), (8.15, gate)])
    _path(ax, [(8.4, mid - 0.18), (8.4, gate + 0.25)])
    _path(ax, [(8.4, gate - 0.25), (8.4, bus), (11.0, bus)])
    ax.text(11.05, bus, "$h_t$", ha="left", va="center", fontsize=12)
    return _finish(ax, (-2.2, 12.0), (-1.7, 6.2))


def draw_gru_cell(*, ax: Axes | None = None) -> Axes:
    """Draw one GRU step in the Keras convention, :math:`h_t = z_t \\odot h_{t-1} + (1 - z_t) \\odot \\tilde h_t`.

    The reset gate :math:`r_t` scales :math:`h_{t-1}` before it enters the candidate
    :math:`\\tilde h_t = \\tanh(W x_t + U (r_t \\odot h_{t-1}))`; the update gate :math:`z_t` mixes the
    old state and the candidate on the top line. There is no separate cell state.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 4.0))
    _cell_frame(ax, 9.0, 6.0)
    top, mid, gate, bus, xin = 5.0, 3.3, 2.0, 0.8, 0.1
    # state path: h_{t-1} -> (× z) -> (+) -> h_t
    _op(ax, (3.8, top), "×")
    _op(ax, (6.4, top), "+")
    _path(ax, [(-1.0, top), (3.55, top)])
    _path(ax, [(4.05, top), (6.15, top)])
    _path(ax, [(6.65, top), (10.0, top)])
    ax.text(-1.05, top, "$h_{t-1}$", ha="right", va="center", fontsize=12)
    ax.text(10.05, top, "$h_t$", ha="left", va="center", fontsize=12)
    # gates read [h_{t-1}, x_t]
    _path(ax, [(0.4, top), (0.4, bus), (3.8, bus)], arrow=False)
    _path(ax, [(1.0, -1.0), (1.0, bus)], arrow=False)
    ax.text(1.0, -1.1, "$x_t$", ha="center", va="top", fontsize=12)
    for x, name in [(2.0, "$r_t$"), (3.8, "$z_t$")]:
        _path(ax, [(x, bus), (x, gate - 0.3)])
        _layer(ax, (x, gate), "σ", name)
    # reset: r_t * h_{t-1} feeds the candidate, with x_t
    _op(ax, (2.0, mid), "×")
    _path(ax, [(2.0, gate + 0.3), (2.0, mid - 0.25)])
    _path(ax, [(2.0, top), (2.0, mid + 0.25)])
    _path(ax, [(2.25, mid), (5.4, mid), (5.4, gate + 0.3)])
    _path(ax, [(1.0, xin), (6.0, xin), (6.0, gate - 0.3)])
    _layer(ax, (5.7, gate), "tanh", "$\\tilde h_t$")
    # update: z_t * h_{t-1} on the top line, (1 - z_t) * candidate below it
    _path(ax, [(3.8, gate + 0.3), (3.8, top - 0.25)])
    _op(ax, (4.7, 4.15), "1−", r=0.27)
    _path(ax, [(3.8, 4.15), (4.43, 4.15)])
    _op(ax, (6.4, 4.15), "×")
    _path(ax, [(4.97, 4.15), (6.15, 4.15)])
    _path(ax, [(6.0, gate + 0.3), (6.4, gate + 0.3), (6.4, 4.15 - 0.25)])
    _path(ax, [(6.4, 4.15 + 0.25), (6.4, top - 0.25)])
    return _finish(ax, (-2.2, 11.0), (-1.7, 6.2))
