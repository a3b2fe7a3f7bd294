"""Re-execute notebooks twice with different thread settings and compare what nbval compares.

Run 1 uses one thread (``OMP_NUM_THREADS=1`` for NumPy's BLAS, ``RNNBOOK_TF_THREADS=1`` for
TensorFlow's intra-op pool, read by ``rnnbook.utils.seed_everything``), run 2 uses two. Each run
executes every notebook in a fresh kernel, from a copy (the stored notebooks are not touched).
The outputs that ``pytest --nbval`` would compare are compared: the outputs of every code cell
that does not carry ``# NBVAL_IGNORE_OUTPUT``/``# NBVAL_SKIP`` (or the matching cell tags), with
streams coalesced and every key nbval skips left out (metadata, execution counts, images).
Every difference is reported (notebook, cell index, output key, first differing line) and the
exit status is 1 if there is any.

    python scripts/check_reproducible.py                         # every chapter (slow: 2 runs each)
    python scripts/check_reproducible.py chapters/01_sequences.ipynb
    python scripts/check_reproducible.py --stored --threads 1   # one run, against the stored outputs

With ``--stored`` each notebook is executed once (with the first thread count) and compared with
its stored outputs, which ``make execute`` wrote with the machine's default thread count and which
``pytest --nbval`` checks again in CI: half the cost of two runs, the same 1-vs-2-thread question on
a 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import defaultdict
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbval.plugin import coalesce_streams, find_comment_markers, find_metadata_tags

ROOT = Path(__file__).resolve().parents[1]
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "RNNBOOK_TF_THREADS")
# Keys nbval leaves out of its comparison by default (nbval.plugin.IPyNbFile.skip_compare, no --nbdime).
SKIP_COMPARE = {
    "metadata",
    "traceback",
    "prompt_number",
    "output_type",
    "name",
    "execution_count",
    "application/vnd.jupyter.widget-view+json",
    "image/png",
    "image/jpeg",
}


def compared_cells(nb: nbformat.NotebookNode) -> list[int]:
    """Indices of the code cells whose outputs nbval compares."""
    out = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        options = dict(find_comment_markers(cell.source)) | dict(find_metadata_tags(cell.metadata))
        if options.get("check", True) and not options.get("skip", False):
            out.append(i)
    return out


def comparable(outputs: list) -> dict[str, list]:
    """Output key → list of values, as nbval flattens them (streams by name, data by MIME type)."""
    flat: dict[str, list] = defaultdict(list)
    for output in coalesce_streams([nbformat.from_dict(o) for o in outputs]):
        if output.output_type == "stream":
            flat[output.name].append(output.text)
            continue
        for key, value in output.items():
            if key in SKIP_COMPARE:
                continue
            if key == "data":
                for mime, data in value.items():
                    if mime not in SKIP_COMPARE:
                        flat[mime].append(data)
            else:
                flat[key].append(value)
    return dict(flat)


def first_difference(a: object, b: object) -> str:
    """The first line where the two values differ, as ``line N: 'a' != 'b'``."""
    la, lb = str(a).splitlines(), str(b).splitlines()
    for n, (x, y) in enumerate(zip(la, lb), 1):
        if x != y:
            return f"line {n}: {x!r} != {y!r}"
    return f"line {min(len(la), len(lb)) + 1}: one output has {abs(len(la) - len(lb))} more line(s)"


def execute(path: Path, threads: int, timeout: int) -> nbformat.NotebookNode:
    """``path`` executed in a fresh kernel with ``threads`` threads (environment inherited by the kernel)."""
    nb = nbformat.read(path, as_version=4)
    saved = {k: os.environ.get(k) for k in THREAD_VARS}
    os.environ.update({k: str(threads) for k in THREAD_VARS})
    try:
        NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return nb


def compare(path: Path, run1: nbformat.NotebookNode, run2: nbformat.NotebookNode) -> list[str]:
    """Every difference between the compared outputs of the two runs, one line each."""
    diffs = []
    for i in compared_cells(run1):
        a, b = comparable(run1.cells[i].outputs), comparable(run2.cells[i].outputs)
        for key in sorted(set(a) | set(b)):
            va, vb = a.get(key), b.get(key)
            if va is None or vb is None:
                diffs.append(f"{path.name} cell {i}: output {key!r} only in run {1 if vb is None else 2}")
            elif va != vb:
                pairs = [(x, y) for x, y in zip(va, vb) if x != y]
                detail = first_difference(*pairs[0]) if pairs else f"{len(va)} vs {len(vb)} outputs"
                diffs.append(f"{path.name} cell {i}: {key} differs, {detail}")
    return diffs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every chapters/NN_*.ipynb")
    parser.add_argument("--threads", nargs=2, type=int, default=(1, 2), metavar=("RUN1", "RUN2"))
    parser.add_argument(
        "--stored", action="store_true", help="one run (first thread count) against the stored outputs"
    )
    parser.add_argument("--timeout", type=int, default=900, help="seconds per cell")
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.notebooks] or sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))
    missing = [p for p in paths if p.suffix != ".ipynb" or not p.exists()]
    if missing:
        print(f"not a notebook: {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    all_diffs = []
    for path in paths:
        name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        second = "stored outputs" if args.stored else f"{args.threads[1]}"
        print(f"{name}: run 1 ({args.threads[0]} thread(s)), run 2 ({second})", flush=True)
        try:
            run1 = execute(path, args.threads[0], args.timeout)
            run2 = nbformat.read(path, as_version=4) if args.stored else execute(path, args.threads[1], args.timeout)
        except CellExecutionError as err:  # a failing cell is a difference too: report it, go on
            summary = str(err).strip().splitlines()[-1][:200]
            all_diffs.append(f"{path.name}: a cell raised an error ({summary})")
            print(f"  error: {summary}", flush=True)
            continue
        diffs = compare(path, run1, run2)
        print(f"  {len(compared_cells(run1))} compared cells, {len(diffs)} difference(s)", flush=True)
        all_diffs += diffs
    for line in all_diffs:
        print(line)
    print("reproducible" if not all_diffs else f"{len(all_diffs)} difference(s) between the runs")
    return 1 if all_diffs else 0


if __name__ == "__main__":
    sys.exit(main())
