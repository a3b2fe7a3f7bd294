"""What the book's tooling compares between the two files of a jupytext pair (and between runs).

Used by ``scripts/execute_chapters.py``, ``scripts/check_reproducible.py`` and ``tests/test_book.py``.
"""

from __future__ import annotations

import nbformat

__all__ = ["cells"]


def cells(nb: nbformat.NotebookNode) -> list[tuple[str, str]]:
    """``(cell_type, stripped source)`` of every code and markdown cell, in order."""
    return [(c.cell_type, c.source.strip()) for c in nb.cells if c.cell_type in ("code", "markdown")]
