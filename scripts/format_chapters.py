"""Format every chapter's code cells with ``ruff format --line-length 80``, without re-executing.

Only code-cell sources change. In ``chapters/NN_slug.md`` each changed cell's text is replaced in
place (front matter, Markdown, cell metadata and fences stay byte for byte); in the paired
``.ipynb`` the same cells get the same new source and keep their outputs and execution counts, so
the pair stays in sync (``tests/test_book.py``). Formatting does not change what code does, so the
stored outputs remain valid; nbval re-executes them in ``make test`` anyway.

    python scripts/format_chapters.py                 # every chapter
    python scripts/format_chapters.py chapters/01_sequences.md
    python scripts/format_chapters.py --check         # exit 1 if a chapter would change

Cells ruff cannot parse (IPython magics such as ``%time``, shell escapes ``!``) are left as they are
and listed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"
LINE_LENGTH = 80


def _ruff() -> list[str]:
    local = Path(sys.executable).with_name("ruff")
    return [str(local)] if local.exists() else [sys.executable, "-m", "ruff"]


def format_source(source: str) -> str | None:
    """``source`` formatted by ruff, or None if ruff cannot parse it."""
    if not source.strip():
        return source
    result = subprocess.run(
        [*_ruff(), "format", f"--line-length={LINE_LENGTH}", "--stdin-filename=cell.py", "-"],
        input=source,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        return None
    return result.stdout.rstrip("\n")


def format_chapter(md: Path, check: bool = False) -> tuple[int, list[int]]:
    """Format ``md`` and its ``.ipynb``; return (number of changed cells, indices of unparsable cells)."""
    text = md.read_text(encoding="utf-8")
    cells = [c for c in jupytext.read(md).cells if c.cell_type == "code"]
    ipynb = md.with_suffix(".ipynb")
    nb = nbformat.read(ipynb, as_version=4) if ipynb.exists() else None
    nb_code = [c for c in nb.cells if c.cell_type == "code"] if nb is not None else []
    if nb is not None and len(nb_code) != len(cells):
        raise SystemExit(f"{md.name}: .md and .ipynb have different code cells; run `make execute` first")

    changed, skipped, pos = 0, [], 0
    for i, cell in enumerate(cells):
        old = cell.source
        new = format_source(old)
        if new is None:
            skipped.append(i)
            continue
        start = text.find(old, pos)
        if start < 0:
            raise SystemExit(f"{md.name}: cannot locate code cell {i} in the text")
        if new != old:
            changed += 1
            text = text[:start] + new + text[start + len(old) :]
            if nb is not None and nb_code[i].source.strip() == old.strip():
                nb_code[i].source = new
        pos = start + len(new)
    if changed and not check:
        if nb is not None:
            jupytext.write(nb, ipynb)
        md.write_text(text, encoding="utf-8")
        os.utime(md)  # the text file is the newer side of the pair, as jupytext expects
    return changed, skipped


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapters", nargs="*", type=Path)
    parser.add_argument("--check", action="store_true", help="only report; exit 1 if anything would change")
    args = parser.parse_args(argv)
    targets = [p.resolve().with_suffix(".md") for p in args.chapters] or sorted(CHAPTERS.glob("[0-9][0-9]_*.md"))
    would_change = 0
    for md in targets:
        changed, skipped = format_chapter(md, check=args.check)
        would_change += changed
        verb = "would reformat" if args.check else "reformatted"
        note = f"; left unparsable code cells {skipped} as they are" if skipped else ""
        print(f"{md.relative_to(ROOT)}: {verb} {changed} code cell(s){note}")
    return 1 if args.check and would_change else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
