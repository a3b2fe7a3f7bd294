"""Checks on the book itself: jupytext pairs in sync, notebooks executed in order, TOC complete."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from _pairs import cells as _cells  # noqa: E402  (scripts/ is not a package)

CHAPTERS = ROOT / "chapters"
CHAPTER_MDS = sorted(CHAPTERS.glob("[0-9][0-9]_*.md"))
CHAPTER_NBS = sorted(CHAPTERS.glob("[0-9][0-9]_*.ipynb"))


def _toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [chapter["file"] for chapter in part["chapters"]]
    return files


def test_there_are_chapters() -> None:
    assert CHAPTER_MDS, "no chapters found"


def test_every_md_has_its_ipynb_and_vice_versa() -> None:
    assert [p.stem for p in CHAPTER_MDS] == [p.stem for p in CHAPTER_NBS]


@pytest.mark.parametrize("md", CHAPTER_MDS, ids=lambda p: p.stem)
def test_pair_cells_are_identical(md: Path) -> None:
    text_nb = jupytext.read(md)
    stored = nbformat.read(md.with_suffix(".ipynb"), as_version=4)
    a, b = _cells(text_nb), _cells(stored)
    assert len(a) == len(b), f"{md.name}: {len(a)} cells in .md, {len(b)} in .ipynb; run `make execute`"
    for i, (ca, cb) in enumerate(zip(a, b)):
        assert ca == cb, f"{md.name}: cell {i} differs between .md and .ipynb; run `make execute`"
    assert stored.metadata.get("jupytext", {}).get("formats") == "ipynb,md:myst"


@pytest.mark.parametrize("nb_path", CHAPTER_NBS, ids=lambda p: p.stem)
def test_notebook_was_executed_top_to_bottom_without_errors(nb_path: Path) -> None:
    nb = nbformat.read(nb_path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    counts = [c.execution_count for c in code]
    assert counts == list(range(1, len(code) + 1)), f"{nb_path.name}: execution counts {counts}; re-execute in a fresh kernel"
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, f"{nb_path.name}: stored error output {errors[0].ename}"


@pytest.mark.parametrize("md", CHAPTER_MDS, ids=lambda p: p.stem)
def test_chapter_conventions(md: Path) -> None:
    source = md.read_text(encoding="utf-8")
    number = int(md.name[:2])
    assert re.search(rf"^# {number}\. \S", source, flags=re.M), f"{md.name}: title must read '# {number}. Title'"
    assert "NBVAL_SKIP" not in source and "nbval-skip" not in source, "cells must not be skipped"
    for line in source.splitlines():
        if "NBVAL_" in line:  # nbval only recognises a marker alone on its comment line
            assert line.strip() == "# NBVAL_IGNORE_OUTPUT", f"{md.name}: malformed nbval marker {line.strip()!r}"
    assert "## Summary" in source and "## Exercises" in source
    assert ":class: dropdown" in source, "exercise solutions go in dropdowns"
    first_code = source.split("```{code-cell}")[1]
    if "tensorflow" in source or "keras" in source:
        assert "silence_tensorflow()" in first_code.split("import keras")[0].split("import tensorflow")[0]


def test_toc_lists_exactly_the_existing_chapters() -> None:
    files = _toc_files()
    for f in files:
        assert (ROOT / f"{f}.md").exists() or (ROOT / f"{f}.ipynb").exists(), f"_toc.yml lists missing {f}"
    chapters_in_toc = [f for f in files if f.startswith("chapters/")]
    assert chapters_in_toc == [f"chapters/{p.stem}" for p in CHAPTER_MDS], "TOC must list every chapter, in order"


def test_site_reads_only_the_ipynb_side() -> None:
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert "chapters/*.md" in config["exclude_patterns"]
    assert config["execute"]["execute_notebooks"] == "off"


def test_cited_keys_exist_in_bibliography() -> None:
    bib = (ROOT / "book" / "references.bib").read_text(encoding="utf-8")
    keys = set(re.findall(r"^@\w+\{([^,]+),", bib, flags=re.M))
    sources = list(CHAPTERS.glob("*.md")) + list((ROOT / "book").glob("*.md"))
    for path in sources:
        for group in re.findall(r"\{cite(?::[pt])?\}`([^`]+)`", path.read_text(encoding="utf-8")):
            for key in group.split(","):
                assert key.strip() in keys, f"{path.name} cites unknown key {key.strip()!r}"
