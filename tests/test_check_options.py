"""`scaffold check` options, parsed and refused in the CLI's own process, before
any child process or Keras import."""

from __future__ import annotations

import pytest

from helpers import REPO, contract_check_names
from scaffold.checker import request as requests
from scaffold.checker import runner


@pytest.fixture
def captured(monkeypatch):
    """Run the CLI up to the point where the child would start; keep the request."""
    seen = []

    def fake_run(request):
        seen.append(request)
        return runner.Outcome(request.backend)

    monkeypatch.setattr(runner, "run", fake_run)
    return seen


def test_options_become_the_request_the_child_gets(cli, tmp_path, captured):
    (tmp_path / "layers.py").write_text("")
    result = cli(
        "check",
        "layers.py:Block",
        "--arg",
        "units=8",
        "--arg",
        "kernel_size=(3, 3)",
        "--arg",
        "activation=relu",
        "--arg",
        "use_bias=false",
        "--arg",
        "initializer=None",
        "--arg",
        "layer=Dense(8)",
        "--arg",
        'inner={"class_name": "Dense", "config": {"units": 4}}',
        "--input-shape",
        "2,5",
        "--input-shape",
        "2,7,3",
        "--input-dtype",
        "int32",
        "--input-range",
        "0,100",
        "--call-arg",
        "training=true",
        "--call-arg",
        "mask=true",
        "--timeout",
        "30",
    )
    assert result.exit_code == 0, result.stderr
    [request] = captured
    assert request.targets == ["layers.py:Block"]
    assert request.arguments == {
        "units": 8,
        "kernel_size": [3, 3],
        "activation": "relu",
        "use_bias": False,
        "initializer": None,
        "layer": "Dense(8)",
        "inner": {"class_name": "Dense", "config": {"units": 4}},
    }
    assert request.input_shapes == [[2, 5], [2, 7, 3]]
    assert (request.input_dtype, request.input_range) == ("int32", [0, 100])
    assert request.call_arguments == {"training": True, "mask": True}
    assert request.timeout == 30 and request.cwd == str(tmp_path)


def test_the_backend_comes_from_the_option_or_the_environment(cli, tmp_path, captured, monkeypatch):
    (tmp_path / "layers.py").write_text("")
    monkeypatch.setenv("KERAS_BACKEND", "jax")
    monkeypatch.setattr(requests, "_installed", lambda name: True)
    assert cli("check", "layers.py").exit_code == 0
    assert cli("check", "layers.py", "--backend", "torch").exit_code == 0
    monkeypatch.delenv("KERAS_BACKEND")
    assert cli("check", "layers.py").exit_code == 0
    assert [r.backend for r in captured] == ["jax", "torch", "tensorflow"]


def test_a_backend_that_is_not_installed_names_the_pip_command(cli, tmp_path, monkeypatch):
    (tmp_path / "layers.py").write_text("")
    monkeypatch.setattr(requests, "_installed", lambda name: name != "torch")
    result = cli("check", "layers.py", "--backend", "torch")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "scaffold: error: the torch backend is not installed; install it with: pip install torch"
    )


CONFIG_PROBLEMS = [
    ("layers.toml", "[Block]\nargs = [1, 2]\n", "args must be a table of NAME = VALUE, got list"),
    ("layers.toml", "[Block]\ninput_shape = 16\n", "input_shape must be a list of positive"),
    ("layers.json", '{"Block": {"input_shape": [[4, 0]]}}', "input_shape must be a list"),
    ("layers.toml", "[Block]\nunits = 3\n", "unknown key(s) units"),
    ("layers.toml", "[Block\n", "is not valid TOML"),
    ("layers.json", "{", "is not valid JSON"),
    ("layers.json", "[1]", "expected a table per layer class name"),
    ("layers.toml", "[Block]\ninput_range = [5, 1]\n", "input_range must be [LOW, HIGH]"),
    ("layers.toml", '[Block]\ninput_dtype = "float8"\n', "input_dtype 'float8' is not one of"),
    ("layers.toml", "[Block]\nargs = {a = " + "[" * 5000 + "]" * 5000 + "}\n", "too deeply"),
    ("layers.json", '{"Block": ' + "[" * 100000 + "]" * 100000 + "}", "too deeply"),
]


@pytest.mark.parametrize("name, text, message", CONFIG_PROBLEMS)
def test_config_problems_are_one_line_errors(cli, tmp_path, name, text, message):
    (tmp_path / "layers.py").write_text("")
    (tmp_path / name).write_text(text)
    result = cli("check", "layers.py", "--config", name)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_a_config_that_is_not_utf8_is_one_line(cli, tmp_path):
    (tmp_path / "layers.py").write_text("")
    (tmp_path / "layers.toml").write_bytes(b"[Block]\nargs = { name = '\xff' }\n")
    result = cli("check", "layers.py", "--config", "layers.toml")
    assert result.exit_code == 2
    assert result.stderr.strip() == "scaffold: error: --config layers.toml is not UTF-8 text"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--arg", "oops"], "--arg 'oops' is not KEY=VALUE"),
        (["--arg", "1x=2"], "is not KEY=VALUE with KEY a Python name"),
        (["--arg", "s={1, 2}"], "cannot be passed on"),
        (["--call-arg", "=3"], "--call-arg '=3' is not KEY=VALUE"),
        (["--input-shape", "4,x"], "must be positive integers"),
        (["--input-shape", "16"], "must be positive integers"),
        (["--input-range", "5,1"], "LOW < HIGH"),
        (["--input-range", "0"], "LOW < HIGH"),
        (["--input-dtype", "float8"], "--input-dtype 'float8' is not one of"),
        (["--config", "missing.toml"], "--config missing.toml: no such file"),
        (["--timeout", "0"], "--timeout"),
        (["--backend", "numpy"], "--backend"),
    ],
)
def test_bad_options_are_one_line_usage_errors(cli, tmp_path, args, message):
    (tmp_path / "layers.py").write_text("")
    result = cli("check", "layers.py", *args)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr


def test_a_missing_file_target_is_refused_before_anything_runs(cli):
    result = cli("check", "nowhere.py")
    assert result.exit_code == 2
    assert result.stderr.strip() == "scaffold: error: nowhere.py: no such file"


def test_the_help_documents_exit_codes_and_backends(cli):
    result = cli("check", "--help")
    assert result.exit_code == 0
    for text in ("0  every applicable check passed", "1  a layer failed a check", "2  usage", "3"):
        assert text in result.stdout
    assert "--backend [tensorflow|jax|torch]" in result.stdout


def test_docs_define_exactly_the_checks_the_contract_runs():
    table = (REPO / "docs" / "CHECKS.md").read_text(encoding="utf-8")
    documented = [line.split("`")[1] for line in table.splitlines() if line.startswith("| `")]
    assert documented == contract_check_names()
