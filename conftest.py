"""Repository-wide pytest hooks: a per-notebook timing table at the end of every run with --nbval."""

from __future__ import annotations

from collections import defaultdict

import pytest

NOTEBOOK_BUDGET_S = 180  # each chapter must run in at most 3 minutes on 2 CPU cores


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    per_notebook: dict[str, float] = defaultdict(float)
    for reports in terminalreporter.stats.values():
        for report in reports:
            nodeid = getattr(report, "nodeid", "")
            if ".ipynb::" in nodeid:
                per_notebook[nodeid.split("::")[0]] += getattr(report, "duration", 0.0)
    if not per_notebook:
        return
    terminalreporter.write_sep("=", "notebook wall time (slowest first)")
    for path, seconds in sorted(per_notebook.items(), key=lambda kv: -kv[1]):
        flag = "  OVER BUDGET" if seconds > NOTEBOOK_BUDGET_S else ""
        terminalreporter.write_line(f"{seconds:7.1f} s  {path}{flag}")
    terminalreporter.write_line(f"{sum(per_notebook.values()):7.1f} s  total ({len(per_notebook)} notebooks)")
