"""Operating-system errors, each in a real process: one line on stderr, no
traceback, and a tree that is exactly as before whenever the run failed."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from helpers import REPO, run_scaffold, tree_state


def one_line(stderr: str) -> str:
    assert "Traceback" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


def run_with_stdout(args, cwd, stdout, env=None):
    return subprocess.run(
        [sys.executable, "-m", "scaffold", *args],
        cwd=cwd,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
    )


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize(
    "args, written",
    [(["layer", "Gate"], True), (["layer", "Gate", "--dry-run"], False), (["--help"], False)],
)
def test_standard_output_on_a_full_device(tmp_path, args, written):
    with open("/dev/full", "w") as full:
        result = run_with_stdout(args, tmp_path, full)
    assert result.returncode == 1
    line = one_line(result.stderr)
    assert "No space left on device" in line
    assert ("the files were written" in line) == written
    generated = [".scaffold", ".scaffold.toml", "gate.py", "keras_contract.py", "test_gate.py"]
    assert sorted(os.listdir(tmp_path)) == (generated if written else [])


def test_standard_output_closed_early(tmp_path):
    """`scaffold ... | head -0`: the reader is gone before anything is printed."""
    read, write = os.pipe()
    os.close(read)
    with os.fdopen(write, "w") as closed_pipe:
        result = run_with_stdout(["layer", "Gate", "--dry-run"], tmp_path, closed_pipe)
    assert result.returncode == 1
    assert "Broken pipe" in one_line(result.stderr)
    assert os.listdir(tmp_path) == []


def test_a_deleted_current_directory(tmp_path):
    gone = tmp_path / "gone"
    gone.mkdir()
    result = subprocess.run(
        ["sh", "-c", f'cd "{gone}" && rmdir "{gone}" && "{sys.executable}" -m scaffold layer Gate'],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert result.returncode == 1
    assert "the current directory no longer exists" in one_line(result.stderr)
    assert os.listdir(tmp_path) == []


# No UTF-8 anywhere: C locale, Python's UTF-8 mode and locale coercion off.
ASCII_LOCALE = {
    "LC_ALL": "C",
    "LANG": "C",
    "PYTHONUTF8": "0",
    "PYTHONCOERCECLOCALE": "0",
    "PYTHONIOENCODING": "",
}


@pytest.mark.parametrize("locale", ["C", "POSIX", "ascii-io"])
def test_non_ascii_text_under_a_non_utf8_locale(tmp_path, locale):
    env = {**ASCII_LOCALE, "LC_ALL": locale, "LANG": locale}
    if locale == "ascii-io":
        env = {**ASCII_LOCALE, "PYTHONIOENCODING": "ascii"}
    description = "Gate \u00e0 la carte \u2192 na\u00efve \u2713"
    result = run_scaffold("layer", "Gate", "--description", description, cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert description in (tmp_path / "gate.py").read_text(encoding="utf-8")

    result = run_scaffold(
        "layer", "Other", "--description", description, "--dry-run", cwd=tmp_path, env=env
    )
    assert result.returncode == 0, result.stderr
    assert "dry run: nothing was written" in result.stdout

    before = tree_state(tmp_path)
    result = run_scaffold("layer", "G\u00e2te", cwd=tmp_path, env=env)
    assert result.returncode == 2
    assert "non-ASCII" in one_line(result.stderr)
    assert tree_state(tmp_path) == before


def test_a_file_name_longer_than_the_file_system_allows(tmp_path):
    before = tree_state(tmp_path)
    result = run_scaffold("lenet", "x" * 300, "--name", "fine", cwd=tmp_path)
    assert result.returncode == 1
    assert "File name too long" in one_line(result.stderr)
    assert tree_state(tmp_path) == before
