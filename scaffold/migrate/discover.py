"""Which files `scaffold migrate PATH...` reads: files as named, directories
walked for `*.py`, skipping hidden directories, virtual environments,
`site-packages`, `__pycache__` and symbolic links."""

from __future__ import annotations

import os
from pathlib import Path

from ..core.errors import UsageProblem

SKIPPED_DIRECTORIES = {"__pycache__", "site-packages", "node_modules"}


def python_files(paths: list[Path]) -> list[Path]:
    found: dict[Path, None] = {}
    for path in paths:
        if not path.exists():
            raise UsageProblem(f"{path}: no such file or directory")
        if path.is_file():
            if path.suffix != ".py":
                raise UsageProblem(f"{path}: not a Python file (.py)")
            found[path.resolve()] = None
            continue
        before = len(found)
        for directory, subdirectories, files in os.walk(path):
            subdirectories[:] = sorted(
                d for d in subdirectories if not _skipped(Path(directory) / d)
            )
            for name in sorted(files):
                file = Path(directory) / name
                if name.endswith(".py") and not name.startswith(".") and not file.is_symlink():
                    found[file.resolve()] = None
        if len(found) == before:
            raise UsageProblem(f"{path}: no Python files (*.py) in it")
    return list(found)


def _skipped(directory: Path) -> bool:
    name = directory.name
    return (
        name.startswith(".")
        or name in SKIPPED_DIRECTORIES
        or directory.is_symlink()
        or (directory / "pyvenv.cfg").exists()  # a virtual environment
    )
