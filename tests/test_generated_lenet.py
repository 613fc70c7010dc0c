"""Generate-and-test for `scaffold lenet`: every style x placement x weight API
project is generated with the real CLI, and all their suites run in one pytest
process (one TensorFlow import). One project is also installed for real with
`pip install -e DIR[test]` into a new virtual environment and tested there."""

from __future__ import annotations

import json
import os
import signal
import site
import subprocess
import sys
import time
import venv
import xml.etree.ElementTree as ElementTree

import pytest

from helpers import REPO, run_pytest, run_scaffold
from scaffold.generators.lenet import ARCHITECTURES
from scaffold.names import parse_name
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


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    root = tmp_path_factory.mktemp("lenet_projects")
    for name, args in VARIANTS:
        # The directory is not named like the package, so it cannot shadow it.
        result = run_scaffold("lenet", root / f"{name}-project", *args)
        assert result.returncode == 0, f"scaffold lenet {name}: {result.stderr}"
    junit = root / "junit.xml"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            str(root / f"{name}-project" / "src") for name, _ in VARIANTS
        ),
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
        *[root / f"{name}-project" / "tests" for name, _ in VARIANTS],
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
    assert row["passed"] >= 40


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
        "tests/test_model.py", "tests/test_training.py", cwd=project, timeout=900, python=python
    )
    assert result.returncode == 0, result.stdout[-3000:]
    help_text = subprocess.run([script, "--help"], capture_output=True, text=True, timeout=300)
    assert help_text.returncode == 0 and "--dataset" in help_text.stdout


SHARED_MNIST = REPO.parent / "shared" / "data" / "mnist"
MNIST_LABEL_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]


def test_scaffold_lenet_train_generates_and_trains(tmp_path):
    result = run_scaffold("lenet", tmp_path / "demo", "--train", "--epochs", "2", timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "test accuracy:" in result.stdout
    metrics = json.loads((tmp_path / "demo" / "runs" / "lenet5" / "metrics.json").read_text())
    assert metrics["epochs_run"] == 2 and metrics["parameters"] == 61_750
    assert metrics["test_accuracy"] > 0.5


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
    output = tmp_path / "run"
    command = [
        sys.executable,
        "-m",
        f"{name}.train",
        "--epochs",
        "8",
        "--verbose",
        "2",
        "--output-dir",
        str(output),
    ]
    env = {
        **os.environ,
        "PYTHONPATH": str(root / f"{name}-project" / "src"),
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }
    metadata = output / "backup" / "training_metadata.json"

    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 300
        while True:
            assert process.poll() is None, "training finished before it could be killed"
            assert time.monotonic() < deadline, "no epoch completed in 300 s"
            try:
                if json.loads(metadata.read_text())["epoch"] >= 1:
                    break
            except (OSError, ValueError):
                pass
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
    completed = json.loads(metadata.read_text())["epoch"]
    assert 1 <= completed < 8
    assert not (output / "metrics.json").exists()
    assert len(json.loads((output / "history.json").read_text())["loss"]) == completed

    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"resuming after epoch {completed}" in result.stdout
    metrics = json.loads((output / "metrics.json").read_text())
    assert metrics["resumed_from_epoch"] == completed
    assert metrics["epochs_run"] == 8
    assert len(json.loads((output / "history.json").read_text())["loss"]) == 8
    assert not (output / "backup").exists()  # a finished run leaves no state to resume


def test_every_project_layer_passes_scaffold_check(generated, tmp_path):
    root, _, _ = generated
    config = tmp_path / "lenet.toml"
    config.write_text(
        "[Convolution]\ninput_shape = [4, 12, 12, 1]\n"
        "[Subsampling]\ninput_shape = [4, 8, 8, 6]\n"
        "[FullyConnected]\ninput_shape = [4, 120]\n"
        "[PartialConvolution]\ninput_shape = [4, 14, 14, 6]\n"
        "[ScaledTanh]\ninput_shape = [4, 16]\n"
        "[EuclideanRBF]\ninput_shape = [4, 84]\n"
    )
    targets = [
        f"{name}.layers.{parse_name(layer).module_name}"
        for name, args in VARIANTS
        for layer, *_ in ARCHITECTURES["lecun98" if "lecun98" in args else "relu"].layers
    ]
    env = {
        "PYTHONPATH": os.pathsep.join(
            [str(REPO), *(str(root / f"{n}-project" / "src") for n, _ in VARIANTS)]
        )
    }
    result = run_scaffold(
        "check", *targets, "--config", config, "--format", "json", env=env, timeout=1200
    )
    report = json.loads(result.stdout)
    assert [layer["target"] for layer in report["layers"] if not layer["passed"]] == []
    assert result.returncode == 0 and len(report["layers"]) == len(targets) == 30


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
    metrics = json.loads((tmp_path / "mnist-demo" / "runs" / "lenet5" / "metrics.json").read_text())
    assert metrics["dataset"] == "idx" and metrics["train_images"] == 50_000
    assert metrics["validation_accuracy"] > 0.9
