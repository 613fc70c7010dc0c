"""The in-process CLI fixture."""

from __future__ import annotations

from dataclasses import dataclass

import pytest


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(monkeypatch, tmp_path, capsys):
    """Run `scaffold ARGS...` in-process through its real entry point, in tmp_path."""
    from scaffold.cli import main

    monkeypatch.chdir(tmp_path)

    def invoke(*args: str) -> Result:
        capsys.readouterr()
        with pytest.raises(SystemExit) as exit_info:
            main([str(a) for a in args])
        captured = capsys.readouterr()
        return Result(exit_info.value.code, captured.out, captured.err)

    return invoke


@pytest.fixture(autouse=True, scope="session")
def private_cache(tmp_path_factory):
    """Keep scaffold's black/Jinja cache out of the user's home during tests
    (subprocesses inherit the variable)."""
    import os

    os.environ["SCAFFOLD_CACHE_DIR"] = str(tmp_path_factory.mktemp("scaffold-cache"))
