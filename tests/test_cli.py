"""`scaffold` as a user drives it: files on disk, messages, exit codes."""

import sys

import pytest

from helpers import run_scaffold, tree_snapshot
from scaffold import __version__


def test_layer_writes_the_module_and_its_test_beside_it(cli, tmp_path):
    result = cli("layer", "conv-bn-relu", "--kind", "conv-bn-relu", "--filters", "16")
    assert result.exit_code == 0, result.stderr
    assert "create  conv_bn_relu.py" in result.stdout
    source = (tmp_path / "conv_bn_relu.py").read_text()
    assert "class ConvBnRelu(keras.layers.Layer):" in source
    test = (tmp_path / "test_conv_bn_relu.py").read_text()
    assert "from conv_bn_relu import ConvBnRelu" in test
    assert '"filters": 16,' in test  # filters is required: the test passes the value


def test_no_tests_and_tests_dir(cli, tmp_path):
    assert cli("layer", "Scale", "--no-tests").exit_code == 0
    # the module, and the record of how it was generated
    assert sorted(p.name for p in tmp_path.iterdir()) == [".scaffold", ".scaffold.toml", "scale.py"]
    assert cli("layer", "Shift", "--tests-dir", "checks").exit_code == 0
    assert (tmp_path / "checks" / "test_shift.py").is_file()


def test_identical_rerun_is_reported_and_changes_nothing(cli, tmp_path):
    assert cli("layer", "Scale").exit_code == 0
    before = {p: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    result = cli("layer", "Scale")
    assert result.exit_code == 0
    assert result.stdout.count("identical") == 4  # module, test, keras_contract.py, record
    assert {p: p.stat().st_mtime_ns for p in tmp_path.iterdir()} == before


def test_a_differing_file_refuses_everything_until_force(cli, tmp_path):
    (tmp_path / "scale.py").write_text("# my own work\n")
    result = cli("layer", "Scale")
    assert result.exit_code == 1
    assert "scale.py" in result.stderr and "--force" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scale.py"]  # not even the test
    assert (tmp_path / "scale.py").read_text() == "# my own work\n"

    result = cli("layer", "Scale", "--force")
    assert result.exit_code == 0
    assert "overwrite  scale.py" in result.stdout
    assert "class Scale(" in (tmp_path / "scale.py").read_text()


def test_dry_run_shows_code_and_diffs_and_writes_nothing(cli, tmp_path):
    result = cli("layer", "Scale", "--dry-run")
    assert result.exit_code == 0
    assert (
        "create  scale.py" in result.stdout
        and "| class Scale(keras.layers.Layer):" in result.stdout
    )
    assert "nothing was written" in result.stdout
    assert list(tmp_path.iterdir()) == []

    cli("layer", "Scale")
    (tmp_path / "scale.py").write_text((tmp_path / "scale.py").read_text().replace("Ones", "Zeros"))
    before = tree_snapshot(tmp_path)
    result = cli("layer", "Scale", "--dry-run")
    assert result.exit_code == 1  # the real run would be refused
    assert "conflict  scale.py" in result.stdout
    assert "| -" in result.stdout and "| +" in result.stdout
    assert "identical  test_scale.py" in result.stdout
    result = cli("layer", "Scale", "--dry-run", "--force")
    assert result.exit_code == 0 and "overwrite  scale.py" in result.stdout
    assert tree_snapshot(tmp_path) == before


def make_package(root, *parts):
    directory = root
    for part in parts:
        directory = directory / part
        directory.mkdir()
        (directory / "__init__.py").write_text("")
    return directory


def test_a_package_registers_the_layer_idempotently(cli, tmp_path):
    (tmp_path / "src").mkdir()
    layers = make_package(tmp_path / "src", "mypkg", "layers")
    (layers / "__init__.py").write_text('"""My layers."""\n\nfrom .old import Old\n')
    (layers / "old.py").write_text("class Old:\n    pass\n")
    assert cli("layer", "Scale", "-o", "src/mypkg/layers").exit_code == 0
    assert cli("layer", "Shift", "-o", "src/mypkg/layers").exit_code == 0
    # Without __all__, `from mypkg.layers import *` exports every public name:
    # the imports alone export the new classes, and nothing else changes.
    assert (layers / "__init__.py").read_text() == (
        '"""My layers."""\n\nfrom .old import Old\nfrom .scale import Scale\n'
        "from .shift import Shift\n"
    )
    # The test lands in tests/ at the project root and imports through the package.
    test = (tmp_path / "tests" / "test_scale.py").read_text()
    assert "from mypkg.layers.scale import Scale" in test
    assert (
        '@keras.saving.register_keras_serializable(package="mypkg")'
        in (layers / "scale.py").read_text()
    )

    before = tree_snapshot(tmp_path)
    result = cli("layer", "Scale", "-o", "src/mypkg/layers")
    assert result.exit_code == 0
    assert tree_snapshot(tmp_path) == before
    assert "update" not in result.stdout


def test_registration_appends_to_an_existing_all(cli, tmp_path):
    layers = make_package(tmp_path, "pkg")
    (layers / "__init__.py").write_text('from .a import A\n\n__all__ = ["A"]\n\nVERSION = 1\n')
    assert cli("layer", "Scale", "-o", "pkg").exit_code == 0
    init = (layers / "__init__.py").read_text()
    assert init.index("from .scale import Scale") < init.index("__all__")
    assert "VERSION = 1" in init
    namespace = {}
    exec(compile(init.replace("from .", "# from ."), "init", "exec"), namespace)
    assert namespace["__all__"] == ["A", "Scale"]


def test_a_broken_init_is_reported_not_rewritten(cli, tmp_path):
    layers = make_package(tmp_path, "pkg")
    (layers / "__init__.py").write_text("def broken(:\n")
    before = tree_snapshot(tmp_path)
    result = cli("layer", "Scale", "-o", "pkg")
    assert result.exit_code == 1 and "does not parse" in result.stderr
    assert tree_snapshot(tmp_path) == before


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["layer", "class"], 2, "keyword"),
        (["layer", "../evil"], 2, "path"),
        (["layer", "Foo", "--kind", "lstm"], 2, "'lstm' is not one of"),
        (["layer", "Foo", "--units", "abc"], 2, "not a valid integer"),
        (["layer", "Foo", "--kind", "dense", "--units", "0"], 2, "--units must be between"),
        (["layer", "Foo", "--units", "3"], 2, "--units does not apply to --kind blank"),
        (["layer", "Foo", "--weights-in", "init"], 2, "--input-dim"),
        (["layer", "Foo", "--kind", "dense", "--activation", "nope"], 2, "not a Keras activation"),
        (["layer", "Foo", "--no-tests", "--tests-dir", "t"], 2, "contradict"),
        (["layer"], 2, "Missing argument 'NAME'"),
        (["layer", "Foo", "--bogus"], 2, "No such option"),
        (["nope"], 2, "No such command"),
    ],
)
def test_bad_input_is_one_line_with_the_right_code_and_writes_nothing(
    cli, tmp_path, args, code, message
):
    result = cli(*args)
    assert result.exit_code == code
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_output_dir_that_is_a_file_is_refused(cli, tmp_path):
    (tmp_path / "taken").write_text("")
    result = cli("layer", "Scale", "-o", "taken")
    assert result.exit_code == 1 and "is a file" in result.stderr


def test_version_and_help(cli):
    result = cli("--version")
    assert result.exit_code == 0 and __version__ in result.stdout
    result = cli("--help")
    assert result.exit_code == 0 and "layer" in result.stdout and "Examples" in result.stdout
    result = cli("layer", "--help")
    assert result.exit_code == 0
    for flag in (
        "--kind",
        "--weights-in",
        "--weight-api",
        "--dynamic",
        "--input-dim",
        "--dry-run",
        "--force",
    ):
        assert flag in result.stdout


def test_the_cli_never_imports_tensorflow(tmp_path):
    probe = (
        "import sys\n"
        "from scaffold.cli import main\n"
        "try:\n"
        "    main(['layer', 'Probe', '--kind', 'conv-bn-relu', '-o', sys.argv[1]])\n"
        "except SystemExit as e:\n"
        "    assert e.code == 0, e.code\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras'))\n"
        "print(heavy)\n"
    )
    import subprocess

    from helpers import REPO

    result = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
    assert (tmp_path / "probe.py").is_file()


def test_the_console_entry_point_runs_as_a_real_process(tmp_path):
    result = run_scaffold("layer", "Scale", "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "scale.py").is_file()
    result = run_scaffold("layer", "1abc")
    assert result.returncode == 2
    assert result.stderr.startswith("scaffold: error:") and "Traceback" not in result.stderr


def test_the_readme_example_is_what_the_tool_generates(cli, tmp_path):
    import re

    from helpers import REPO

    readme = (REPO / "README.md").read_text()
    example = re.search(r"```python\n(.*?)```", readme, re.S).group(1)
    assert cli("layer", "Scale", "--weights-in", "init", "--input-dim", "16").exit_code == 0
    generated = (tmp_path / "scale.py").read_text().splitlines()
    shown = [line for line in example.splitlines() if line.strip() not in ("", "...")]
    assert [line for line in shown if line not in generated] == []
    assert len(shown) > 30


@pytest.mark.parametrize("args", [["check", "my_layers"], ["lenet", "proj", "--train"]])
def test_without_the_tensorflow_extra_check_and_train_name_the_install_command(tmp_path, args):
    """The default install has no TensorFlow: the commands that run models say what to add."""
    import subprocess

    from helpers import REPO

    probe = (
        "import sys\n"
        "for module in ('tensorflow', 'sklearn', 'matplotlib'):\n"
        "    sys.modules[module] = None  # as if not installed\n"
        "from scaffold.cli import main\n"
        "main(sys.argv[1:])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert (
        line.startswith("scaffold: error:") and "pip install 'scaffold-keras[tensorflow]'" in line
    )
    assert list(tmp_path.iterdir()) == []
