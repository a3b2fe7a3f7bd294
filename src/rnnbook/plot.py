"""The book's figure style and drawing helpers.

Call :func:`use_book_style` once at the top of a chapter; every figure then shares the same size,
fonts, palette and grid.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

__all__ = ["PALETTE", "use_book_style", "draw_unrolled_rnn"]

#: Colour-blind-safe palette (Okabe & Ito), used as the default colour cycle.
PALETTE: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")


def use_book_style() -> None:
    """Set matplotlib's defaults for the book: 7×3.5 in figures, 100 dpi PNG, light grid, the palette."""
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
