"""Every module of the package imports on its own in a fresh interpreter (no import cycles)."""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys

import pytest

import rnnbook

MODULES = sorted(m.name for m in pkgutil.walk_packages(rnnbook.__path__, prefix="rnnbook."))


def test_modules_found() -> None:
    assert {"rnnbook.data", "rnnbook.scratch", "rnnbook.sampling", "rnnbook.scratch.charlm"} <= set(MODULES)


@pytest.mark.parametrize("module", MODULES)
def test_module_imports_first(module: str) -> None:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
    result = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
