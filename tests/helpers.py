"""Helpers shared by the tests: the real CLI in a subprocess, tree snapshots."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def run_scaffold(*args: str, cwd: Path | None = None, timeout: float = 120, env=None):
    """`scaffold ARGS...` as a user runs it: a new Python process."""
    return subprocess.run(
        [sys.executable, "-m", "scaffold", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
    )


def tree_snapshot(root: Path) -> dict[str, bytes]:
    """Every file under root with its bytes: compare two to prove nothing changed."""
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def run_pytest(*args, cwd: Path, env: dict | None = None, timeout: float = 1500, python=None):
    """A separate pytest process (its own TensorFlow import), quiet, no cache."""
    return subprocess.run(
        [
            str(python or sys.executable),
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            *map(str, args),
        ],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", **(env or {})},
    )


def contract_check_names() -> list[str]:
    """The checks of scaffold/contract.py, in order, read without importing Keras."""
    tree = ast.parse((REPO / "scaffold" / "contract.py").read_text(encoding="utf-8"))
    for node in tree.body:
        target = getattr(node, "target", None) or (getattr(node, "targets", None) or [None])[0]
        if isinstance(target, ast.Name) and target.id == "CHECKS":
            return [key.value for key in node.value.keys]
    raise AssertionError("scaffold/contract.py defines no CHECKS")
