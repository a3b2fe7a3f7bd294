"""Re-execute chapter notebooks whose Markdown source changed, and re-sync each jupytext pair.

A chapter is re-executed when the code/markdown cells of ``chapters/NN_slug.md`` differ from those
stored in ``chapters/NN_slug.ipynb`` (content, not timestamps, decides), when the ``.ipynb`` is
missing, or when it is named on the command line. Execution runs in a fresh kernel with the
chapter folder as working directory; per-cell timing metadata is dropped so that re-running an
unchanged chapter gives a small diff.

    python scripts/execute_chapters.py                         # only the changed chapters
    python scripts/execute_chapters.py chapters/01_sequences.md   # this one, unconditionally
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import jupytext
import nbformat
from jupytext.combine import combine_inputs_with_outputs
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _pairs import cells as _cells

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"


def needs_execution(md: Path) -> bool:
    ipynb = md.with_suffix(".ipynb")
    if not ipynb.exists():
        return True
    return _cells(jupytext.read(md)) != _cells(nbformat.read(ipynb, as_version=4))


def execute(md: Path) -> float:
    nb = jupytext.read(md)
    ipynb = md.with_suffix(".ipynb")
    if ipynb.exists():  # keep cell ids and metadata of unchanged cells, so diffs stay small
        nb = combine_inputs_with_outputs(nb, nbformat.read(ipynb, as_version=4), fmt="md:myst")
    nb.metadata.setdefault("jupytext", {})["formats"] = "ipynb,md:myst"
    start = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(md.parent)}}).execute()
    elapsed = time.perf_counter() - start
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    jupytext.write(nb, ipynb)
    os.utime(md)  # the text file is the newer side of the pair, as jupytext expects
    return elapsed


def main(argv: list[str]) -> int:
    requested = [Path(a).resolve().with_suffix(".md") for a in argv]
    for md in requested:
        if not md.exists():
            print(f"no such chapter source: {md}", file=sys.stderr)
            return 2
    targets = requested or [md for md in sorted(CHAPTERS.glob("[0-9][0-9]_*.md")) if needs_execution(md)]
    if not targets:
        print("every chapter's .ipynb matches its .md; nothing to execute")
    for md in targets:
        print(f"executing {md.relative_to(ROOT)} ...", flush=True)
        print(f"  done in {execute(md):.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
