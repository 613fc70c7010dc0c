"""`scaffold migrate PATH...` as a user runs it: dry run, --write, --check,
refusals, which files it reads, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from helpers import REPO, tree_snapshot

LAYER = textwrap.dedent("""\
    import tensorflow as tf


    class Scale(tf.keras.layers.Layer):
        def __init__(self, units):
            super(Scale, self).__init__()
            self.units = units

        def build(self, input_shape):
            self.w = tf.Variable(tf.ones((input_shape[-1],)), trainable=True)

        def call(self, inputs):
            return inputs * self.w
    """)
NOT_A_LAYER = "def helper(x):\n    return x + 1\n"


@pytest.fixture
def project(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "layers.py").write_text(LAYER)
    (tmp_path / "pkg" / "utils.py").write_text(NOT_A_LAYER)
    return tmp_path


def test_dry_run_shows_a_diff_and_what_was_done_and_writes_nothing(cli, project):
    before = tree_snapshot(project)
    result = cli("migrate", "pkg")
    assert result.exit_code == 0, result.stderr
    assert "--- a/pkg/layers.py\n+++ b/pkg/layers.py" in result.stdout
    assert "+        self.w = self.add_weight(" in result.stdout
    assert "pkg/layers.py:4: Scale: fixed [registered]" in result.stdout
    assert 'registered as "pkg.layers>Scale"' in result.stdout  # the module's dotted path
    assert "3 file(s), 1 layer(s): 1 file(s) to change" in result.stdout
    assert result.stdout.rstrip().endswith(
        "dry run: nothing was written (--write applies the changes)"
    )
    assert tree_snapshot(project) == before


def test_write_applies_and_a_second_run_finds_nothing(cli, project):
    result = cli("migrate", "pkg", "--write")
    assert result.exit_code == 0, result.stderr
    assert "updated: pkg/layers.py" in result.stdout
    text = (project / "pkg" / "layers.py").read_text()
    assert "self.w = self.add_weight(" in text and "import keras" in text
    assert (project / "pkg" / "utils.py").read_text() == NOT_A_LAYER
    again = cli("migrate", "pkg", "--check")
    assert again.exit_code == 0
    assert again.stdout.rstrip().endswith("check: up to date")


def test_check_fails_when_something_would_change_and_writes_nothing(cli, project):
    before = tree_snapshot(project)
    result = cli("migrate", "pkg/layers.py", "--check")
    assert result.exit_code == 1
    assert "would change: pkg/layers.py" in result.stdout
    assert "check: 1 file(s) would change" in result.stdout
    assert tree_snapshot(project) == before


def test_a_file_that_does_not_parse_is_refused_in_one_line(cli, project):
    (project / "pkg" / "broken.py").write_text("class Broken(tf.keras.layers.Layer:\n    pass\n")
    before = tree_snapshot(project)
    dry = cli("migrate", "pkg")
    assert dry.exit_code == 1
    [line] = dry.stderr.splitlines()
    assert line == "scaffold: pkg/broken.py: refused: does not parse: invalid syntax (line 1)"
    assert "+++ b/pkg/layers.py" in dry.stdout  # the other files are still shown
    write = cli("migrate", "pkg", "--write")
    assert write.exit_code == 1
    assert write.stderr.splitlines()[-1].startswith("scaffold: error: 1 file(s) refused")
    assert "Traceback" not in write.stderr
    assert tree_snapshot(project) == before  # all files or none


def test_a_failed_write_puts_every_file_back(cli, project, monkeypatch):
    (project / "pkg" / "more.py").write_text(LAYER.replace("Scale", "More"))
    before = tree_snapshot(project)
    from scaffold.core import journal

    real, calls = journal.write_file, []

    def fail_on_second(*args):
        calls.append(args)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real(*args)

    monkeypatch.setattr(journal, "write_file", fail_on_second)
    result = cli("migrate", "pkg", "--write")
    assert result.exit_code == 1
    assert "No space left on device" in result.stderr and "nothing was changed" in result.stderr
    assert tree_snapshot(project) == before


def test_a_file_changed_meanwhile_refuses_the_write(cli, project, monkeypatch):
    from scaffold.migrate import command

    real = command.migrate_file

    def migrate_then_edit(path, shown):
        result = real(path, shown)
        path.write_text(path.read_text() + "# edited meanwhile\n")
        return result

    monkeypatch.setattr(command, "migrate_file", migrate_then_edit)
    result = cli("migrate", "pkg", "--write")
    assert result.exit_code == 1
    assert "pkg/layers.py changed while it was being migrated" in result.stderr
    assert (project / "pkg" / "layers.py").read_text() == LAYER + "# edited meanwhile\n"


def test_directories_skip_hidden_dirs_environments_and_caches(cli, tmp_path):
    for directory in (".hidden", "venv", "lib/site-packages", "__pycache__", "src"):
        (tmp_path / directory).mkdir(parents=True)
        (tmp_path / directory / "layer.py").write_text(LAYER)
    (tmp_path / "venv" / "pyvenv.cfg").write_text("home = /usr\n")
    result = cli("migrate", ".", "--format", "json")
    assert result.exit_code == 0, result.stderr
    paths = [f["path"] for f in json.loads(result.stdout)["files"]]
    assert paths == ["src/layer.py"]


def test_json_report(cli, project):
    result = cli("migrate", "pkg", "--format", "json")
    report = json.loads(result.stdout)
    assert report["written"] is False
    [layers] = [f for f in report["files"] if f["path"] == "pkg/layers.py"]
    assert layers["changed"] and layers["layers"] == ["Scale"]
    assert {f["rewrite"] for f in layers["findings"]} >= {"tracked-variables", "registered"}
    assert all(f["status"] in ("fixed", "left") and f["line"] > 0 for f in layers["findings"])
    assert layers["diff"].startswith("--- a/pkg/layers.py")


@pytest.mark.parametrize(
    "args, message",
    [
        (["nowhere"], "nowhere: no such file or directory"),
        (["notes.txt"], "notes.txt: not a Python file (.py)"),
        (["empty"], "empty: no Python files (*.py) in it"),
        (["pkg", "--write", "--check"], "--write and --check contradict each other"),
    ],
)
def test_usage_errors_are_one_line_with_exit_code_2(cli, project, args, message):
    (project / "notes.txt").write_text("hello\n")
    (project / "empty").mkdir()
    result = cli("migrate", *args)
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert message in line


def test_migrate_imports_neither_tensorflow_nor_keras(project):
    code = (
        "import sys\n"
        "from scaffold.cli import main\n"
        "try:\n"
        "    main(['migrate', 'pkg'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in ('tensorflow', 'keras', 'jax', 'torch') if m in sys.modules))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        cwd=project,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert run.stdout.strip().splitlines()[-1] == "[]", run.stderr


def test_help_has_examples(cli):
    result = cli("migrate", "--help")
    assert result.exit_code == 0
    assert "scaffold migrate src/ --write" in result.stdout
    assert "Exit codes" in result.stdout
