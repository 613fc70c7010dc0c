"""`scaffold lenet` without TensorFlow: the project tree, its code, its refusals."""

import ast
import subprocess
import sys

import black
import pytest

from helpers import tree_snapshot

EXPECTED_FILES = {
    ".github/workflows/ci.yml",
    ".gitignore",
    "README.md",
    "pyproject.toml",
    "src/lenet5/__init__.py",
    "src/lenet5/data.py",
    "src/lenet5/distribute.py",
    "src/lenet5/model.py",
    "src/lenet5/train.py",
    "src/lenet5/layers/__init__.py",
    "src/lenet5/layers/convolution.py",
    "src/lenet5/layers/subsampling.py",
    "src/lenet5/layers/fully_connected.py",
    "tests/conftest.py",
    "tests/test_convolution.py",
    "tests/test_subsampling.py",
    "tests/test_fully_connected.py",
    "tests/test_data.py",
    "tests/test_distributed.py",
    "tests/test_model.py",
    "tests/test_training.py",
}


@pytest.fixture
def project(cli, tmp_path):
    result = cli("lenet", "lenet5")
    assert result.exit_code == 0, result.stderr
    return tmp_path / "lenet5"


def test_the_project_tree(project):
    assert set(tree_snapshot(project)) == EXPECTED_FILES


def test_every_python_file_parses_and_is_black_formatted(project):
    for path in project.rglob("*.py"):
        source = path.read_text()
        ast.parse(source)
        assert black.format_str(source, mode=black.Mode()) == source, path
        assert "{{" not in source and "{%" not in source


def test_layers_are_registered_and_used_by_the_model(project):
    init = (project / "src/lenet5/layers/__init__.py").read_text()
    for cls, module in (
        ("Convolution", "convolution"),
        ("Subsampling", "subsampling"),
        ("FullyConnected", "fully_connected"),
    ):
        assert f"from .{module} import {cls}" in init
        assert (
            f'@keras.saving.register_keras_serializable(package="lenet5")'
            in (project / f"src/lenet5/layers/{module}.py").read_text()
        )
    model = (project / "src/lenet5/model.py").read_text()
    assert "from .layers import Convolution, Subsampling, FullyConnected" in model
    assert 'Convolution(filters=120, kernel_size=5, activation="relu", name="c5")' in model


def test_init_placement_passes_input_sizes_to_every_custom_layer(cli, tmp_path):
    assert cli("lenet", "p", "--weights-in", "init", "--weight-api", "variable").exit_code == 0
    model = (tmp_path / "p/src/p/model.py").read_text()
    assert "Convolution(channels=1, filters=6" in model
    assert "Subsampling(channels=16," in model
    assert "FullyConnected(input_dim=84, units=num_classes" in model
    assert "keras.Variable(" in (tmp_path / "p/src/p/layers/convolution.py").read_text()


def test_project_layers_are_exactly_what_scaffold_layer_renders(cli, project):
    """One source of truth: regenerating a project layer with `scaffold layer` changes nothing."""
    before = tree_snapshot(project)
    result = cli(
        "layer",
        "Convolution",
        "--kind",
        "conv2d",
        "--filters",
        "6",
        "--kernel-size",
        "5",
        "--activation",
        "relu",
        "-o",
        project / "src/lenet5/layers",
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("identical") == 3  # module, test, registration
    assert tree_snapshot(project) == before


def test_regenerating_is_idempotent_and_a_user_edit_is_a_conflict(cli, project):
    before = tree_snapshot(project)
    result = cli("lenet", "lenet5")
    assert result.exit_code == 0 and result.stdout.count("identical") == len(EXPECTED_FILES)
    (project / "src/lenet5/train.py").write_text("# mine\n")
    edited = tree_snapshot(project)
    result = cli("lenet", "lenet5")
    assert result.exit_code == 1 and "train.py" in result.stderr
    assert tree_snapshot(project) == edited
    assert cli("lenet", "lenet5", "--force").exit_code == 0
    assert tree_snapshot(project) == before


def test_dry_run_writes_nothing(cli, tmp_path):
    result = cli("lenet", "lenet5", "--dry-run")
    assert result.exit_code == 0 and "create  lenet5/src/lenet5/model.py" in result.stdout
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "args, message",
    [
        (["lenet", "9lives"], "starts with a digit"),
        (["lenet", "x", "--name", "class"], "shadow"),
        (["lenet", "x", "--name", "keras"], "shadow"),
        (["lenet", "x", "--name", "---"], "cannot make a Python package name"),
        (["lenet", "x", "--style", "fancy"], "'fancy' is not one of"),
        (["lenet", "x", "--weights-in", "call"], "'call' is not one of"),
        (["lenet", "x", "--epochs", "3"], "only apply with --train"),
        (["lenet", "x", "--dataset", "idx"], "only apply with --train"),
        (["lenet", "x", "--train", "--dry-run"], "contradict"),
        (["lenet", "x", "--train", "--epochs", "0"], "--epochs must be at least 1"),
    ],
)
def test_bad_lenet_options_are_refused(cli, tmp_path, args, message):
    result = cli(*args)
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_a_file_in_the_way_is_refused(cli, tmp_path):
    (tmp_path / "taken").write_text("")
    result = cli("lenet", "taken")
    assert result.exit_code == 1 and "is a file" in result.stderr


def test_the_generated_model_module_imports_only_what_it_needs(project):
    tree = ast.parse((project / "src/lenet5/model.py").read_text())
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert imported == {"keras"}


@pytest.fixture
def paper_project(cli, tmp_path):
    result = cli("lenet", "lenet5", "--architecture", "lecun98")
    assert result.exit_code == 0, result.stderr
    return tmp_path / "lenet5"


PAPER_LAYERS = {
    "Convolution": "convolution",
    "Subsampling": "subsampling",
    "PartialConvolution": "partial_convolution",
    "FullyConnected": "fully_connected",
    "ScaledTanh": "scaled_tanh",
    "EuclideanRBF": "euclidean_rbf",
}


def test_the_paper_architecture_adds_its_layers_to_the_tree(paper_project):
    added = {
        path
        for module in ("partial_convolution", "scaled_tanh", "euclidean_rbf")
        for path in (f"src/lenet5/layers/{module}.py", f"tests/test_{module}.py")
    }
    assert set(tree_snapshot(paper_project)) == EXPECTED_FILES | added
    for path in paper_project.rglob("*.py"):
        source = path.read_text()
        ast.parse(source)
        assert black.format_str(source, mode=black.Mode()) == source, path


def test_the_paper_model_is_built_from_every_custom_layer_with_the_scaled_tanh(paper_project):
    init = (paper_project / "src/lenet5/layers/__init__.py").read_text()
    model = (paper_project / "src/lenet5/model.py").read_text()
    for cls, module in PAPER_LAYERS.items():
        assert f"from .{module} import {cls}" in init
        assert cls in model
    tree = ast.parse(model)
    [custom] = [
        n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "custom_layers"
    ]
    calls = [ast.unparse(node.func) for node in ast.walk(custom) if isinstance(node, ast.Call)]
    # every layer up to F6 is followed by the squashing function; the output is the RBF
    assert calls == [
        "input_range",
        *("Convolution", "ScaledTanh", "Subsampling", "ScaledTanh"),
        *("PartialConvolution", "ScaledTanh", "Subsampling", "ScaledTanh"),
        *("Convolution", "ScaledTanh", "keras.layers.Flatten", "FullyConnected", "ScaledTanh"),
        *("EuclideanRBF", "keras.layers.Rescaling"),
    ]
    assert 'ARCHITECTURE = "lecun98"' in model and "class RubbishClassCrossentropy" in model
    train = (paper_project / "src/lenet5/train.py").read_text()
    assert "loss=build_loss()" in train


def test_the_paper_readme_has_the_parameter_table(paper_project):
    readme = (paper_project / "README.md").read_text()
    rows = [line for line in readme.splitlines() if line.startswith("| ")]
    counts = {
        row.split("|")[1].strip(): row.split("|")[-2].strip()
        for row in rows
        if row.split("|")[1].strip() in ("C1", "S2", "C3", "S4", "C5", "F6", "output", "total")
    }
    assert counts == {
        "C1": "156",
        "S2": "12",
        "C3": "1,516",
        "S4": "32",
        "C5": "48,120",
        "F6": "10,164",
        "output": "0",
        "total": "60,000",
    }
    assert "7x12 bitmaps" in readme and "1.7159 tanh(2a/3)" in readme and "-0.1" in readme


def test_paper_layers_are_exactly_what_scaffold_layer_renders(cli, paper_project):
    before = tree_snapshot(paper_project)
    layers = paper_project / "src/lenet5/layers"
    for args in (
        ["PartialConvolution", "--kind", "partial-conv2d"],
        ["ScaledTanh", "--kind", "scaled-tanh"],
        ["EuclideanRBF", "--kind", "rbf"],
        ["Subsampling", "--kind", "subsampling", "--activation", "linear"],
    ):
        result = cli("layer", *args, "-o", layers)
        assert result.exit_code == 0, result.stderr
        assert result.stdout.count("identical") == 3
    assert tree_snapshot(paper_project) == before


def test_an_unknown_architecture_is_refused(cli, tmp_path):
    result = cli("lenet", "x", "--architecture", "alexnet")
    assert result.exit_code == 2 and "'alexnet' is not one of" in result.stderr
    assert list(tmp_path.iterdir()) == []
