"""Generate-and-test for `scaffold lenet`: every style x placement x weight API
project is generated with the real CLI, and all their suites run in one pytest
process (one TensorFlow import). One project is also installed for real with
`pip install -e DIR[test]` into a new virtual environment and tested there."""

from __future__ import annotations

import json
import os
import re
import signal
import site
import subprocess
import sys
import time
import venv
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from helpers import REPO, run_pytest, run_scaffold
from variants import lenet_variants

pytestmark = pytest.mark.tensorflow

VARIANTS = lenet_variants()


def junit_counts(junit) -> dict[str, dict[str, int]]:
    """{project: {"passed": n, "failed": n}} from a junit file of several projects."""
    counts: dict[str, dict[str, int]] = {}
    for case in ElementTree.parse(junit).getroot().iter("testcase"):
        # "<name>-project.tests.test_model" (a collection error leaves classname empty)
        project = (case.get("classname") or case.get("name")).split(".")[0].removesuffix("-project")
        failed = any(child.tag in ("failure", "error") for child in case)
        row = counts.setdefault(project, {"passed": 0, "failed": 0})
        row["failed" if failed else "passed"] += 1
    return counts


def project_path(root, names: list[str]) -> str:
    """PYTHONPATH for several projects in one pytest process: their sources, and one
    tests directory for keras_contract.py (every project holds the same copy)."""
    paths = [root / f"{name}-project" / "src" for name in names]
    paths.append(root / f"{names[0]}-project" / "tests")
    return os.pathsep.join(map(str, paths))


# Tests that do not depend on how the layers are written (placement, weight
# API) run in one project per style; the layer-dependent ones run in all.
LAYER_DEPENDENT = ("test_model.py", "test_trained_model.py")
FULL_SUITE = {name for name, _ in VARIANTS if name.endswith("_build_add_weight")}


def suite(project, name):
    """The test paths of `project` that its variant needs."""
    tests = project / "tests"
    if name in FULL_SUITE:
        return [tests]
    layer_tests = [
        t
        for t in sorted(tests.glob("test_*.py"))
        if (project / "src" / name / "layers" / t.name.removeprefix("test_")).exists()
    ]
    return [*layer_tests, *(tests / t for t in LAYER_DEPENDENT)]


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    root = tmp_path_factory.mktemp("lenet_projects")
    for name, args in VARIANTS:
        # The directory is not named like the package, so it cannot shadow it.
        result = run_scaffold("lenet", root / f"{name}-project", *args, timeout=600)
        assert result.returncode == 0, f"scaffold lenet {name}: {result.stderr}"
    junit = root / "junit.xml"
    env = {
        **os.environ,
        "PYTHONPATH": project_path(root, [name for name, _ in VARIANTS]),
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }
    result = run_pytest(
        "--import-mode=importlib",
        "-W",
        "ignore::DeprecationWarning",
        "-m",
        "not distributed",  # run once, below, not in every project
        f"--rootdir={root}",
        f"--junitxml={junit}",
        *[path for name, _ in VARIANTS for path in suite(root / f"{name}-project", name)],
        cwd=root,
        env=env,
        timeout=2400,
    )
    assert junit.exists(), result.stdout[-3000:] + result.stderr[-3000:]
    return root, junit_counts(junit), result.stdout


@pytest.mark.parametrize("name", [n for n, _ in VARIANTS])
def test_generated_project_passes_its_own_suite(generated, name):
    _, counts, output = generated
    row = counts.get(name)
    assert row is not None, output[-3000:]
    assert row["failed"] == 0, output[-5000:]
    assert row["passed"] >= (100 if name in FULL_SUITE else 40)


def test_a_project_installs_with_pip_and_passes_its_tests_there(generated, tmp_path):
    root, _, _ = generated
    name = VARIANTS[0][0]
    project = root / f"{name}-project"
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    # Let the new environment see this one's packages (TensorFlow is 2 GB): pip
    # then finds every dependency satisfied, but still builds and installs the
    # project from its pyproject.toml with its console script.
    inner_site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    outer_site = [p for p in site.getsitepackages() if p.endswith("site-packages")]
    (tmp_path / "venv" / inner_site.split(str(environment) + "/", 1)[1] / "outer.pth").write_text(
        "\n".join(outer_site) + "\n"
    )
    install = subprocess.run(
        [python, "-m", "pip", "install", "-q", "-e", f"{project}[test]"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    script = environment / "bin" / f"{name.replace('_', '-')}-train"
    assert script.exists()
    result = run_pytest(
        "tests/test_model.py", "tests/test_config.py", cwd=project, timeout=900, python=python
    )
    assert result.returncode == 0, result.stdout[-3000:]
    for command, option in (
        ("train", "--run-name"),
        ("predict", "--invert"),
        ("export", "--format"),
    ):
        script = environment / "bin" / f"{name.replace('_', '-')}-{command}"
        help_text = subprocess.run([script, "--help"], capture_output=True, text=True, timeout=300)
        assert help_text.returncode == 0 and option in help_text.stdout


SHARED_MNIST = REPO.parent / "shared" / "data" / "mnist"
NOISE = ("cuInit", "cuda", "oneDNN", "cpu_feature_guard", "absl::InitializeLog", "Traceback")


def latest_run(project):
    """The run directory a project's `runs/latest` names."""
    runs = project / "runs"
    return runs / (runs / "latest").read_text().strip()


def completed_epochs(project) -> int:
    try:
        return json.loads((latest_run(project) / "state.json").read_text())["epoch"]
    except (OSError, ValueError, KeyError):
        return 0


def wait_for_an_epoch(project, process, seconds=600):
    deadline = time.monotonic() + seconds
    while completed_epochs(project) < 1:
        assert process.poll() is None, "training ended before an epoch was saved"
        assert time.monotonic() < deadline, f"no epoch completed in {seconds} s"
        time.sleep(0.05)


def scaffold_process(*args, cwd):
    return subprocess.Popen(
        [sys.executable, "-m", "scaffold", *map(str, args)],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def alive(pid: int) -> bool:
    """Running (a zombie waiting to be reaped is not)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


MNIST_LABEL_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]


def test_scaffold_lenet_train_generates_and_trains_quietly(tmp_path):
    result = run_scaffold("lenet", tmp_path / "demo", "--train", "--epochs", "2", timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "test accuracy:" in result.stdout
    # No TensorFlow start-up noise on a machine without a GPU.
    assert [line for line in result.stderr.splitlines() if any(n in line for n in NOISE)] == []
    metrics = json.loads((latest_run(tmp_path / "demo") / "metrics.json").read_text())
    assert metrics["epochs_run"] == 2 and metrics["parameters"] == 61_750
    assert metrics["test_accuracy"] > 0.5


def test_quiet_start_up_keeps_python_warnings(tmp_path):
    """The console scripts drop TensorFlow's native start-up noise, but a
    Python warning raised meanwhile, or later, still shows."""
    name = "quiet"
    assert run_scaffold("lenet", tmp_path / f"{name}-project", "--name", name).returncode == 0
    root = tmp_path
    probe = (
        "import builtins, warnings\n"
        "real_import = builtins.__import__\n"
        "def noisy(module, *args, **kwargs):\n"
        "    if module == 'tensorflow':\n"
        "        warnings.warn('raised while TensorFlow is imported')\n"
        "    return real_import(module, *args, **kwargs)\n"
        "builtins.__import__ = noisy\n"
        f"from {name}.console import quiet_tensorflow\n"
        "quiet_tensorflow()\n"
        "warnings.warn('raised afterwards')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        env={**os.environ, "PYTHONPATH": str(root / f"{name}-project" / "src")},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "raised while TensorFlow is imported" in result.stderr
    assert "raised afterwards" in result.stderr
    assert [line for line in result.stderr.splitlines() if any(n in line for n in NOISE)] == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_killed_scaffold_takes_its_training_with_it_and_a_rerun_resumes(tmp_path):
    train = ["lenet", "demo", "--train", "--epochs", "4"]
    parent = scaffold_process(*train, cwd=tmp_path)
    try:
        wait_for_an_epoch(tmp_path / "demo", parent)
        child = int((latest_run(tmp_path / "demo") / ".lock").read_text())
        # Paused, the training holds its run however long the next command takes.
        os.kill(child, signal.SIGSTOP)
        # The same command while the run is in use: one line, no traceback.
        busy = run_scaffold(*train, cwd=tmp_path, timeout=600)
        assert busy.returncode == 1
        assert busy.stderr.strip().splitlines() == [
            f"error: run {latest_run(tmp_path / 'demo').name} is in use by another training "
            f"process (pid {child}); wait for it to end, or stop it"
        ]
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 60
        while alive(child):
            assert time.monotonic() < deadline, "the training child outlived scaffold"
            time.sleep(0.1)
    finally:
        parent.kill()
        parent.wait()
    completed = completed_epochs(tmp_path / "demo")
    result = run_scaffold(*train, cwd=tmp_path, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"after epoch {completed}" in result.stdout
    metrics = json.loads((latest_run(tmp_path / "demo") / "metrics.json").read_text())
    assert metrics["resumed_from_epoch"] == completed and metrics["epochs_run"] == 4


def test_ctrl_c_during_scaffold_lenet_train_prints_one_line(tmp_path):
    parent = scaffold_process("lenet", "demo", "--train", "--epochs", "40", cwd=tmp_path)
    try:
        wait_for_an_epoch(tmp_path / "demo", parent)
        parent.send_signal(signal.SIGINT)
        _, stderr = parent.communicate(timeout=600)
    finally:
        parent.kill()
        parent.wait()
    assert parent.returncode == 130
    [line] = stderr.strip().splitlines()
    assert re.fullmatch(r"interrupted after epoch \d+; run the same command to resume", line)


@pytest.mark.skipif(
    not SHARED_MNIST.is_dir(), reason="needs ../shared/data/mnist beside the checkout"
)
def test_generated_idx_loader_reads_the_real_mnist_files(generated):
    root, _, _ = generated
    name = VARIANTS[0][0]
    probe = (
        "import sys, json, numpy as np\n"
        f"from {name}.data import load\n"
        "s = load('idx', sys.argv[1])\n"
        "labels = np.concatenate([s.train.labels, s.validation.labels])\n"
        "print(json.dumps({'train': len(s.train), 'validation': len(s.validation),\n"
        "  'test': s.test is None, 'shape': list(s.train.images.shape[1:]),\n"
        "  'max': float(s.train.images.max()), 'counts': np.bincount(labels).tolist()}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, str(SHARED_MNIST)],
        env={**os.environ, "PYTHONPATH": str(root / f"{name}-project" / "src")},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary == {
        "train": 50_000,
        "validation": 10_000,
        "test": True,
        "shape": [32, 32, 1],
        "max": 1.0,
        "counts": MNIST_LABEL_COUNTS,
    }


def test_a_killed_training_resumes_from_its_last_completed_epoch(generated, tmp_path):
    root, _, _ = generated
    name = VARIANTS[0][0]
    command = [sys.executable, "-m", f"{name}.training", "--epochs", "8", "--verbose", "2"]
    env = {**os.environ, "PYTHONPATH": str(root / f"{name}-project" / "src")}
    process = subprocess.Popen(
        command, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_for_an_epoch(tmp_path, process)
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
    run = latest_run(tmp_path)
    completed = completed_epochs(tmp_path)
    assert 1 <= completed < 8
    assert not (run / "metrics.json").exists()
    assert len(json.loads((run / "history.json").read_text())["loss"]) >= completed

    result = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"resuming run {run.name} after epoch {completed}" in result.stdout
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["resumed_from_epoch"] == completed
    assert metrics["epochs_run"] == 8
    assert len(json.loads((run / "history.json").read_text())["loss"]) == 8
    assert not (run / "checkpoint").exists()  # a finished run leaves no state to resume


def project_layer_config(placement: str) -> dict:
    """Per layer class: the arguments and input shape its generated test uses."""
    from scaffold.generators.layer import test_expectations
    from scaffold.generators.lenet import _layer_options, lenet_options

    options = lenet_options(REPO / "p", "p", "custom", placement, None)
    config = {}
    for layer in _layer_options(options):
        expected = test_expectations(layer)
        config[layer.name.class_name] = {
            "args": expected["arguments"],
            "input_shape": list(expected["sample_shape"]),
        }
    return config


def test_every_project_layer_passes_scaffold_check(generated, tmp_path):
    root, _, _ = generated
    env = {
        "PYTHONPATH": os.pathsep.join(
            [str(REPO), *(str(root / f"{n}-project" / "src") for n, _ in VARIANTS)]
        )
    }
    checked = 0
    for placement in ("build", "init"):  # the layers take other arguments in each
        config = tmp_path / f"{placement}.json"
        config.write_text(json.dumps(project_layer_config(placement)))
        targets = [
            f"{name}.layers.{module}"
            for name, args in VARIANTS
            if args[args.index("--weights-in") + 1] == placement
            for module in ("convolution", "subsampling", "fully_connected")
        ]
        result = run_scaffold(
            "check", *targets, "--config", config, "--format", "json", env=env, timeout=1200
        )
        report = json.loads(result.stdout)
        assert [layer["target"] for layer in report["layers"] if not layer["passed"]] == []
        assert result.returncode == 0
        checked += len(report["layers"])
    assert checked == 24


def test_project_layer_tests_pass_on_jax(generated):
    """The layers use keras.ops only: their tests pass on JAX too (training stays
    TensorFlow). One project per weight placement and weight API."""
    root, _, _ = generated
    names = [name for name, _ in VARIANTS if name.startswith("lenet_custom_")]
    layer_tests = [
        root / f"{name}-project" / "tests" / f"test_{module}.py"
        for name in names
        for module in ("convolution", "subsampling", "fully_connected")
    ]
    result = run_pytest(
        "--import-mode=importlib",
        f"--rootdir={root}",
        *layer_tests,
        cwd=root,
        env={"KERAS_BACKEND": "jax", "PYTHONPATH": project_path(root, names)},
        timeout=2400,
    )
    assert result.returncode == 0, result.stdout[-5000:]
    summary = result.stdout.strip().splitlines()[-1]
    assert "failed" not in summary and "error" not in summary, summary


def test_distributed_training_in_a_generated_project(generated):
    """Mirrored on two logical CPUs equals one device; two workers on 127.0.0.1
    agree exactly; a killed worker's job resumes after a restart."""
    root, _, _ = generated
    name = VARIANTS[0][0]
    result = run_pytest(
        "-m",
        "distributed",
        cwd=root / f"{name}-project",
        env={"PYTHONPATH": str(root / f"{name}-project" / "src")},
        timeout=1200,
    )
    assert result.returncode == 0, result.stdout[-5000:]
    assert "3 passed" in result.stdout


@pytest.mark.skipif(
    not SHARED_MNIST.is_dir(), reason="needs ../shared/data/mnist beside the checkout"
)
def test_scaffold_lenet_train_on_idx_files_given_by_a_relative_path(tmp_path):
    relative = os.path.relpath(SHARED_MNIST, tmp_path)
    result = run_scaffold(
        "lenet",
        "mnist-demo",
        "--train",
        "--dataset",
        "idx",
        "--data-dir",
        relative,
        "--epochs",
        "1",
        cwd=tmp_path,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "validation accuracy:" in result.stdout  # the shared data has no test half
    metrics = json.loads((latest_run(tmp_path / "mnist-demo") / "metrics.json").read_text())
    assert metrics["dataset"] == "idx" and metrics["train_images"] == 50_000
    assert metrics["validation_accuracy"] > 0.9
