"""`scaffold check` run as a user runs it: galleries of broken, sound and
hard-to-reach layers on TensorFlow and JAX, modules that misbehave, and bad
input. Each gallery run is one `scaffold check` (one child process)."""

from __future__ import annotations

import importlib.util
import json
import os
import textwrap

import pytest

from helpers import REPO, contract_check_names, run_scaffold

pytestmark = pytest.mark.tensorflow

GALLERY = REPO / "tests" / "gallery"
FILES = ("broken_layers.py", "sound_layers.py", "reach_layers.py")
CHECKS = contract_check_names()


def gallery(file: str):
    """A gallery module's EXPECTED, TENSORFLOW_ONLY and INFERRED, without Keras:
    the tables are read from the source."""
    spec = importlib.util.spec_from_file_location(f"tables_{file[:-3]}", GALLERY / file)
    source = (GALLERY / file).read_text()
    tables = source[source.index("\nEXPECTED = ") :]
    namespace: dict = {}
    exec(compile(tables, str(spec.origin), "exec"), namespace)
    return namespace


def expected_layers() -> list[tuple[str, str]]:
    return [(file, name) for file in FILES for name in gallery(file)["EXPECTED"]]


def portable_layers() -> list[tuple[str, str]]:
    return [
        (file, name)
        for file, name in expected_layers()
        if name not in gallery(file).get("TENSORFLOW_ONLY", set())
    ]


def check_json(*args, backend: str, timeout: float = 1800, cwd=GALLERY):
    result = run_scaffold(
        "check", *args, "--format", "json", "--backend", backend, cwd=cwd, timeout=timeout
    )
    try:
        return result, json.loads(result.stdout)
    except ValueError:
        raise AssertionError(f"not JSON: {result.stdout[-2000:]} {result.stderr[-2000:]}")


def by_layer(report) -> dict[tuple[str, str], dict]:
    return {tuple(layer["target"].split(":")): layer for layer in report["layers"]}


@pytest.fixture(scope="module")
def tensorflow_report():
    result, report = check_json(*FILES, backend="tensorflow")
    assert result.returncode == 1, result.stderr[-2000:]  # the broken gallery fails
    return by_layer(report)


@pytest.fixture(scope="module")
def jax_report():
    targets = [f"{file}:{name}" for file, name in portable_layers()]
    result, report = check_json(*targets, backend="jax")
    assert report["backend"] == "jax"
    return by_layer(report)


def assert_exactly_expected(layer: dict, file: str, name: str) -> None:
    assert layer["error"] == "", layer["error"]
    statuses = {f["check"]: f["status"] for f in layer["findings"]}
    assert list(statuses) == CHECKS
    failed = {check for check, status in statuses.items() if status == "fail"}
    not_run = {f["check"]: f["message"] for f in layer["findings"] if f["status"] == "error"}
    assert (failed, not_run) == (gallery(file)["EXPECTED"][name], {})
    for finding in layer["findings"]:
        if finding["status"] == "fail":
            assert finding["fix"], finding
    assert layer["passed"] is not failed


@pytest.mark.parametrize("file, name", expected_layers())
def test_each_layer_fails_exactly_its_checks_on_tensorflow(tensorflow_report, file, name):
    assert_exactly_expected(tensorflow_report[(file, name)], file, name)


@pytest.mark.parametrize("file, name", portable_layers())
def test_each_layer_fails_exactly_its_checks_on_jax(jax_report, file, name):
    assert_exactly_expected(jax_report[(file, name)], file, name)


def test_the_broken_gallery_shows_every_check_failing():
    caught = set().union(*gallery("broken_layers.py")["EXPECTED"].values())
    assert sorted(caught) == sorted(CHECKS)


def test_required_arguments_are_inferred_and_reported(tensorflow_report):
    inferred = gallery("reach_layers.py")["INFERRED"]
    for name, arguments in inferred.items():
        layer = tensorflow_report[("reach_layers.py", name)]
        assert layer["inferred"] == arguments
        assert set(arguments) <= set(layer["arguments"])
    assert tensorflow_report[("reach_layers.py", "TokenAndPositionEmbedding")]["input_dtype"] == (
        "int32"
    )
    two = tensorflow_report[("reach_layers.py", "CrossAttention")]["input_shape"]
    assert two == [[4, 8, 16], [4, 8, 16]]


def test_text_output_for_a_broken_layer_and_its_fix():
    broken = run_scaffold(
        "check", "broken_layers.py:NoKwargs", "sound_layers.py:Linear", cwd=GALLERY, timeout=900
    )
    assert broken.returncode == 1, broken.stderr
    lines = broken.stdout.splitlines()
    assert "broken_layers.py:NoKwargs (input (4, 16))" in lines
    assert any(line.startswith("  FAIL  init-kwargs") for line in lines)
    assert any("fix: accept **kwargs in __init__" in line for line in lines)
    assert "FAIL  config" not in broken.stdout  # one fault, one check
    assert lines[-1] == "2 layer(s) checked on tensorflow: 1 passed, 1 failed"


def test_options_from_a_toml_config_reach_every_kind_of_layer(tmp_path):
    config = tmp_path / "layers.toml"
    config.write_text(textwrap.dedent("""
            [ScaledWrapper]
            args = { layer = "Dense(8)" }
            [TokenAndPositionEmbedding]
            args = { maxlen = 6, vocab_size = 100, embed_dim = 4 }
            input_shape = [3, 6]
            input_dtype = "int32"
            input_range = [0, 100]
            [CrossAttention]
            args = { num_heads = 1, key_dim = 4 }
            input_shape = [[2, 5, 16], [2, 7, 16]]
            [TemperatureSoftmax]
            call_args = { temperature = 2.5 }
            [MaskedMean]
            input_shape = [2, 6, 3]
            call_args = { mask = true }
            """))
    targets = [
        "reach_layers.py:ScaledWrapper",
        "reach_layers.py:TokenAndPositionEmbedding",
        "reach_layers.py:CrossAttention",
        "reach_layers.py:TemperatureSoftmax",
        "sound_layers.py:MaskedMean",
    ]
    result, report = check_json(*targets, "--config", config, backend="tensorflow")
    assert result.returncode == 0, [layer["error"] for layer in report["layers"]]
    layers = {layer["target"].split(":")[1]: layer for layer in report["layers"]}
    assert layers["ScaledWrapper"]["arguments"] == {"layer": "Dense(8)"}
    assert layers["TokenAndPositionEmbedding"]["input_shape"] == [3, 6]
    assert layers["CrossAttention"]["input_shape"] == [[2, 5, 16], [2, 7, 16]]
    assert all(layer["inferred"] == [] for layer in layers.values())


def write(directory, name: str, source: str):
    path = directory / name
    path.write_text(textwrap.dedent(source))
    return path


def test_prints_exits_and_crashes_in_layers_are_reported_and_the_run_goes_on(tmp_path):
    write(
        tmp_path,
        "chatty.py",
        """
        import keras
        print('{"passed": true, "layers": []}')

        @keras.saving.register_keras_serializable(package="chatty")
        class Chatty(keras.layers.Layer):
            def call(self, x):
                print("called", flush=True)
                return x + 1.0
        """,
    )
    write(
        tmp_path,
        "numpy.py",
        """
        import keras

        @keras.saving.register_keras_serializable(package="shadow")
        class Shadow(keras.layers.Layer):
            def call(self, x):
                return x * 3.0
        """,
    )
    write(
        tmp_path,
        "rude.py",
        """
        import ctypes, sys
        import keras

        class ExitsInCall(keras.layers.Layer):
            def call(self, x):
                sys.exit(0)

        class Crashes(keras.layers.Layer):
            def call(self, x):
                ctypes.string_at(0)
        """,
    )
    result, report = check_json(
        "chatty.py", "numpy.py", "rude.py", backend="tensorflow", cwd=tmp_path
    )
    layers = {layer["target"]: layer for layer in report["layers"]}
    assert layers["chatty.py:Chatty"]["passed"] and layers["numpy.py:Shadow"]["passed"]
    assert "sys.exit(0)" in layers["rude.py:ExitsInCall"]["error"]
    assert "SIGSEGV" in layers["rude.py:Crashes"]["error"]
    assert 'rude.py", line' in layers["rude.py:Crashes"]["error"]
    # Static checks still ran on the layer that exits.
    exits = {f["check"]: f["status"] for f in layers["rude.py:ExitsInCall"]["findings"]}
    assert exits["registered"] == "fail" and exits["init-kwargs"] == "pass"
    assert result.returncode == 1  # the unregistered layer fails a check


@pytest.mark.parametrize(
    "source, extra, message",
    [
        ("while True:\n    pass\n", ["--timeout", "5"], "did not finish within 5 s"),
        ("import sys\nsys.exit(0)\n", [], "called sys.exit(0)"),
        ("import sys\nsys.exit(3)\n", [], "called sys.exit(3)"),
        ("raise RuntimeError('no GPU found')\n", [], "RuntimeError: no GPU found"),
    ],
)
def test_a_module_that_will_not_import_is_one_line_and_exit_code_3(
    tmp_path, source, extra, message
):
    write(tmp_path, "bad.py", source)
    for output in ("text", "json"):
        result = run_scaffold(
            "check", "bad.py", *extra, "--format", output, cwd=tmp_path, timeout=900
        )
        assert result.returncode == 3, result.stderr
        errors = [line for line in result.stderr.splitlines() if line.startswith("scaffold")]
        assert len(errors) == 1 and message in errors[0], result.stderr
        if output == "json":
            report = json.loads(result.stdout)
            assert report["passed"] is False and message in report["error"]
        if "--timeout" in extra:
            break  # the slow case once is enough


def test_a_layer_that_hangs_is_stopped_and_the_others_are_checked(tmp_path):
    write(
        tmp_path,
        "slow.py",
        """
        import keras

        @keras.saving.register_keras_serializable(package="slow")
        class Hangs(keras.layers.Layer):
            def call(self, x):
                while True:
                    pass

        @keras.saving.register_keras_serializable(package="slow")
        class Quick(keras.layers.Layer):
            def call(self, x):
                return x - 1.0
        """,
    )
    result = run_scaffold("check", "slow.py", "--timeout", "20", cwd=tmp_path, timeout=900)
    assert result.returncode == 3, result.stdout + result.stderr
    assert "slow.py:Hangs" in result.stdout and "did not finish within 20 s" in result.stdout
    assert "slow.py:Quick (input (4, 16))" in result.stdout
    assert result.stdout.strip().endswith(
        "2 layer(s) checked on tensorflow: 1 passed, 0 failed, 1 could not be fully checked "
        "(exit code 3: some checks could not run)"
    )


@pytest.mark.parametrize(
    "args, message",
    [
        (["no_such_module_xyz"], "cannot import 'no_such_module_xyz'"),
        (["broken_layers.py:NotThere"], "is not a keras.layers.Layer subclass"),
        (["json"], "defines no keras.layers.Layer subclass"),
    ],
)
def test_targets_that_name_nothing_are_usage_errors(args, message):
    result = run_scaffold("check", *args, cwd=GALLERY, timeout=900)
    assert result.returncode == 2, result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("scaffold")]
    assert len(lines) == 1 and message in lines[0]
    assert "Traceback" not in result.stderr


def test_the_checker_leaves_the_users_code_out_of_its_own_process():
    """The CLI parses and refuses without Keras; only the child imports it."""
    probe = (
        "import sys\n"
        "from scaffold.cli import main\n"
        "try:\n"
        "    main(['check', 'x.py', '--input-shape', 'oops'])\n"
        "except SystemExit as exit:\n"
        "    print(exit.code, 'keras' in sys.modules, 'tensorflow' in sys.modules)\n"
    )
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=120,
    )
    assert result.stdout.split() == ["2", "False", "False"]


def test_ctrl_c_kills_the_child_process_group(tmp_path):
    """The user's code runs in a process group of its own; interrupting scaffold
    check ends it too, and the user sees one line."""
    import signal
    import subprocess
    import sys
    import time

    write(tmp_path, "forever.py", "while True:\n    pass\n")
    parent = subprocess.Popen(
        [sys.executable, "-m", "scaffold", "check", "forever.py", "--timeout", "600"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    child = None
    for _ in range(600):
        found = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(parent.pid)], capture_output=True, text=True
        ).stdout.split()
        if found:
            child = int(found[0])
            break
        time.sleep(0.1)
    assert child is not None, "no child process started"
    time.sleep(1)
    parent.send_signal(signal.SIGINT)
    _, stderr = parent.communicate(timeout=60)
    assert parent.returncode == 130 and stderr.strip().endswith("scaffold: interrupted"), stderr
    for _ in range(50):  # the child's group was killed: the pid is gone (or a zombie)
        state = subprocess.run(
            ["ps", "-o", "stat=", "-p", str(child)], capture_output=True, text=True
        ).stdout.strip()
        if state in ("", "Z"):
            break
        time.sleep(0.1)
    assert state in ("", "Z"), state
