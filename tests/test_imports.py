"""The package's import graph, checked statically (``ast``, no interpreter per module): imports point
down the layers below, there are no cycles, and no function imports ``rnnbook`` late.

Layers, lowest first (a module may import its own layer and the layers below it, never above):

0. ``rnnbook.checks``, ``rnnbook.numerics``: input validation and stable numerics.
1. ``rnnbook.sampling``, ``rnnbook.decoding``, ``rnnbook.metrics``, ``rnnbook.scan``: model-free
   numerics on logits and sequences.
2. ``rnnbook.scratch`` and its modules: the from-scratch layers.
3. everything else (``data``, ``audio``, ``timeseries``, ``forecasting``, ``plot``, ``utils``,
   ``testing`` and any new module).
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
LEVELS = {
    "rnnbook.checks": 0,
    "rnnbook.numerics": 0,
    "rnnbook.sampling": 1,
    "rnnbook.decoding": 1,
    "rnnbook.metrics": 1,
    "rnnbook.scan": 1,
    "rnnbook.scratch": 2,
}
TOP = 3


def _module_name(path: Path, root: Path = SRC) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted((SRC / "rnnbook").rglob("*.py"))}


def level(module: str) -> int:
    """The layer of ``module``: its own entry, else its nearest listed parent package's, else the top."""
    parts = module.split(".")
    for i in range(len(parts), 0, -1):
        if ".".join(parts[:i]) in LEVELS:
            return LEVELS[".".join(parts[:i])]
    return TOP if module != "rnnbook" else TOP + 1


def _imports(module: str) -> list[tuple[str, int, bool]]:
    """``(imported rnnbook module, line, at module level?)`` for every import statement of ``module``."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    top_level = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            # ``from pkg import sub`` imports the submodule ``pkg.sub`` when there is one.
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        for t in targets:
            if t == "rnnbook" or t.startswith("rnnbook."):
                found.append((t, node.lineno, id(node) in top_level))
    return found


def _graph() -> dict[str, set[str]]:
    """Module → the modules importing it runs (including each parent package's ``__init__``)."""
    graph: dict[str, set[str]] = {}
    for module in MODULES:
        deps = set()
        for target, _, _ in _imports(module):
            parts = target.split(".")
            deps |= {".".join(parts[:i]) for i in range(2, len(parts) + 1)} & set(MODULES)
        graph[module] = deps - {module}
    return graph


def test_modules_found() -> None:
    assert {"rnnbook.checks", "rnnbook.scratch", "rnnbook.sampling", "rnnbook.scratch.charlm"} <= set(MODULES)


def test_no_function_level_imports_of_rnnbook() -> None:
    late = [f"{m}:{line} imports {t}" for m in MODULES for t, line, top in _imports(m) if not top]
    assert not late, "imports of rnnbook belong at the top of the module:\n" + "\n".join(late)


def test_imports_point_down() -> None:
    upward = [
        f"{m}:{line} (layer {level(m)}) imports {t} (layer {level(t)})"
        for m in MODULES
        for t, line, _ in _imports(m)
        if level(t) > level(m) and not t.startswith(m + ".")  # a package may import its own modules
    ]
    assert not upward, "imports must point down the layers (see this file's docstring):\n" + "\n".join(upward)


def test_no_import_cycles() -> None:
    graph, done, stack = _graph(), set(), []

    def visit(node: str) -> None:
        if node in stack:
            raise AssertionError("import cycle: " + " -> ".join(stack[stack.index(node) :] + [node]))
        if node in done:
            return
        stack.append(node)
        for dep in sorted(graph.get(node, ())):
            # a package importing its own submodules while they import their siblings is not a cycle
            if not node.startswith(dep + "."):
                visit(dep)
        stack.pop()
        done.add(node)

    for module in sorted(graph):
        visit(module)


def test_checker_catches_violations(tmp_path, monkeypatch) -> None:
    """The checks above fail on an upward import and a late import (the checker is not vacuous)."""
    pkg = tmp_path / "rnnbook"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "checks.py").write_text("from .scratch import x\n")
    (pkg / "scratch.py").write_text("def f():\n    from . import checks\n")
    mods = {_module_name(p, tmp_path): p for p in sorted(pkg.rglob("*.py"))}
    monkeypatch.setitem(globals(), "MODULES", mods)
    imports = {m: _imports(m) for m in mods}
    assert ("rnnbook.scratch", 1, True) in imports["rnnbook.checks"]
    assert ("rnnbook.checks", 2, False) in imports["rnnbook.scratch"]
    assert level("rnnbook.scratch") > level("rnnbook.checks")

