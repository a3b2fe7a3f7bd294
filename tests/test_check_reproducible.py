"""scripts/check_reproducible.py compares what nbval compares and reports each difference."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import check_reproducible as cr


def notebook(outputs: list[list[dict]], sources: list[str]) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    for src, outs in zip(sources, outputs):
        cell = nbformat.v4.new_code_cell(src)
        cell.outputs = [nbformat.from_dict(o) for o in outs]
        nb.cells.append(cell)
    return nb


def stream(text: str) -> dict:
    return {"output_type": "stream", "name": "stdout", "text": text}


def result(text: str, n: int) -> dict:
    return {"output_type": "execute_result", "execution_count": n, "metadata": {}, "data": {"text/plain": text, "image/png": str(n)}}


def test_compare_reports_only_compared_differences() -> None:
    sources = ["print(1)", "# NBVAL_IGNORE_OUTPUT\nprint(2)", "x", "print(3)"]
    a = notebook([[stream("a\nb\n")], [stream("t=1\n")], [result("1", 1)], [stream("same\n")]], sources)
    b = notebook([[stream("a\n"), stream("c\n")], [stream("t=2\n")], [result("1", 7)], [stream("same\n")]], sources)
    diffs = cr.compare(Path("nb.ipynb"), a, b)
    assert diffs == ["nb.ipynb cell 0: stdout differs, line 2: 'b' != 'c'"]  # ignored cell, counts, images skipped
    assert cr.compared_cells(a) == [0, 2, 3]
    c = notebook([[stream("a\nb\n")], [], [], []], sources)
    assert cr.compare(Path("nb.ipynb"), a, c) == [
        "nb.ipynb cell 2: output 'text/plain' only in run 1",
        "nb.ipynb cell 3: output 'stdout' only in run 1",
    ]


def test_stored_mode_compares_one_run_with_the_stored_outputs(tmp_path: Path, capsys) -> None:
    src = "import os\nprint(os.environ['OMP_NUM_THREADS'])"
    path = tmp_path / "nb.ipynb"
    nbformat.write(notebook([[stream("1\n")]], [src]), path)
    assert cr.main(["--stored", "--threads", "1", "2", str(path)]) == 0  # run with 1 thread prints "1"
    nbformat.write(notebook([[stream("2\n")]], [src]), path)  # as if stored from a 2-thread run
    assert cr.main(["--stored", "--threads", "1", "2", str(path)]) == 1
    out = capsys.readouterr().out
    assert "run 2 (stored outputs)" in out
    assert "nb.ipynb cell 0: stdout differs, line 1: '1' != '2'" in out


def test_a_cell_that_fails_is_reported_and_the_run_goes_on(tmp_path: Path, capsys) -> None:
    bad, good = tmp_path / "bad.ipynb", tmp_path / "good.ipynb"
    nbformat.write(notebook([[]], ["assert False, 'floor missed'"]), bad)
    nbformat.write(notebook([[stream("ok\n")]], ["print('ok')"]), good)
    assert cr.main(["--stored", str(bad), str(good)]) == 1
    out = capsys.readouterr().out
    assert "bad.ipynb: a cell raised an error" in out and "floor missed" in out
    assert "good.ipynb: run 1" in out and "1 difference(s) between the runs" in out
