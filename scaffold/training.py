"""`scaffold lenet --train`: run a generated project's own training script.

It runs in a child Python process with the project's `src/` on the path, so
the CLI itself never imports TensorFlow, and the project trains exactly as
its own `*-train` command would.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click


def train_project(directory: Path, package: str, arguments: list[str]) -> int:
    """Train in `directory` (artefacts in its runs/lenet5/); return the exit code."""
    env = dict(os.environ)
    source = str(directory / "src")
    env["PYTHONPATH"] = source + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    command = [sys.executable, "-m", f"{package}.train", *arguments]
    click.echo(f"training: {' '.join(command[1:])} (in {directory})")
    return subprocess.run(command, cwd=directory, env=env).returncode
