"""`scaffold lenet` without TensorFlow: the project tree, its code, its refusals."""

import ast
import subprocess
import sys
from pathlib import Path

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

import black
import pytest

from helpers import tree_snapshot

EXPECTED_FILES = {
    ".github/workflows/ci.yml",
    ".gitignore",
    "README.md",
    "pyproject.toml",
    "src/lenet5/__init__.py",
    "src/lenet5/console.py",
    "src/lenet5/data.py",
    "src/lenet5/errors.py",
    "src/lenet5/export.py",
    "src/lenet5/idx.py",
    "src/lenet5/model.py",
    "src/lenet5/predict.py",
    "src/lenet5/training/__init__.py",
    "src/lenet5/training/__main__.py",
    "src/lenet5/training/artefacts.py",
    "src/lenet5/training/cli.py",
    "src/lenet5/training/config.py",
    "src/lenet5/training/distribute.py",
    "src/lenet5/training/objective.py",
    "src/lenet5/training/pipeline.py",
    "src/lenet5/training/run.py",
    "src/lenet5/training/trainers.py",
    "src/lenet5/layers/__init__.py",
    "src/lenet5/layers/convolution.py",
    "src/lenet5/layers/subsampling.py",
    "src/lenet5/layers/fully_connected.py",
    "tests/conftest.py",
    "tests/keras_contract.py",
    "tests/test_convolution.py",
    "tests/test_subsampling.py",
    "tests/test_fully_connected.py",
    "tests/test_config.py",
    "tests/test_data.py",
    "tests/test_distributed.py",
    "tests/test_model.py",
    "tests/test_trained_model.py",
    "tests/test_training.py",
}


# What --architecture lecun98 adds: its layers beyond the default's, and their tests.
PAPER_LAYERS = {
    "PartialConvolution": "partial_convolution",
    "ScaledTanh": "scaled_tanh",
    "EuclideanRBF": "euclidean_rbf",
}
PAPER_FILES = {
    path
    for module in PAPER_LAYERS.values()
    for path in (f"src/lenet5/layers/{module}.py", f"tests/test_{module}.py")
}


@pytest.fixture
def project(cli, tmp_path):
    result = cli("lenet", "lenet5")
    assert result.exit_code == 0, result.stderr
    return tmp_path / "lenet5"


def without_records(snapshot: dict) -> dict:
    """A tree snapshot without scaffold's records (.scaffold.toml, .scaffold/)."""
    return {
        name: data
        for name, data in snapshot.items()
        if Path(name).name != ".scaffold.toml" and ".scaffold" not in Path(name).parts
    }


def test_the_project_tree(project):
    snapshot = tree_snapshot(project)
    assert set(without_records(snapshot)) == EXPECTED_FILES
    assert ".scaffold.toml" in snapshot  # the one record, at the root


def project_black_mode(project) -> black.Mode:
    """black's mode as the generated project configures it."""
    config = tomllib.loads((project / "pyproject.toml").read_text())
    return black.Mode(line_length=config["tool"]["black"]["line-length"])


def test_every_python_file_parses_and_is_black_formatted(project):
    mode = project_black_mode(project)
    for path in project.rglob("*.py"):
        source = path.read_text()
        ast.parse(source)
        assert black.format_str(source, mode=mode) == source, path
        assert "{{" not in source and "{%" not in source


@pytest.mark.parametrize(
    "architecture, style, placement, api",
    [
        *(
            ("relu", style, placement, api)
            for style in ("custom", "builtin")
            for placement in ("build", "init")
            for api in ("add_weight", "variable")
        ),
        ("lecun98", "custom", "build", "add_weight"),
        ("lecun98", "builtin", "init", "variable"),
    ],
)
def test_the_templates_are_written_as_black_would_write_them(
    tmp_path, architecture, style, placement, api
):
    """Rendered without black, every Python file of the project (the tree of
    templates/lenet and the layers' kind templates) is already black's output,
    and no line outgrows black's width: the generator need not run black."""
    from scaffold.core.files import Render, Text
    from scaffold.generators.lenet import lenet_files, lenet_options
    from scaffold.core.pysource import LINE_LENGTH
    from scaffold.core.render import render_text

    options = lenet_options(tmp_path / "lenet5", None, style, placement, api, architecture)
    written = [i for i in lenet_files(options) if isinstance(i, (Render, Text))]
    items = {i.path: i for i in written if i.path.suffix == ".py"}.values()  # one contract copy
    expected = EXPECTED_FILES | (PAPER_FILES if architecture == "lecun98" else set())
    assert len(items) == len([f for f in expected if f.endswith(".py")])
    for item in items:
        if isinstance(item, Text):  # copied as it is: black never runs on it
            assert black.format_str(item.text, mode=black.Mode()) == item.text, item.path
            continue
        text = render_text(item.template, dict(item.context), item.search)
        assert black.format_str(text, mode=black.Mode()) == text, item.path
        long = [line for line in text.splitlines() if len(line) > LINE_LENGTH]
        assert long == [], f"{item.path.name}: lines over {LINE_LENGTH} columns make black run"


@pytest.mark.parametrize("tool", ["ruff", "black"])
def test_the_project_passes_its_own_lint(project, tool):
    command = {"ruff": ["ruff", "check", "."], "black": ["black", "--check", "."]}[tool]
    result = subprocess.run(
        [sys.executable, "-m", *command], cwd=project, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


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
    assert "from .layers import Convolution, FullyConnected, Subsampling" in model
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
    assert result.stdout.count("identical") == 4  # module, test, contract, registration
    # nothing changes but a record of this generation in the layers' package
    assert without_records(tree_snapshot(project)) == without_records(before)


def test_regenerating_is_idempotent_and_a_user_edit_is_a_conflict(cli, project):
    before = tree_snapshot(project)
    result = cli("lenet", "lenet5")
    # every file and the record
    assert result.exit_code == 0 and result.stdout.count("identical") == len(EXPECTED_FILES) + 1
    (project / "src/lenet5/training/run.py").write_text("# mine\n")
    edited = tree_snapshot(project)
    result = cli("lenet", "lenet5")
    assert result.exit_code == 1 and "run.py" in result.stderr
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
        (["lenet", "x", "--name", "---"], "is not a Python package name"),
        (["lenet", "x", "--style", "fancy"], "'fancy' is not one of"),
        (["lenet", "x", "--architecture", "alexnet"], "'alexnet' is not one of"),
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


def test_the_paper_architecture_adds_its_layers_and_passes_its_own_lint(paper_project):
    assert set(without_records(tree_snapshot(paper_project))) == EXPECTED_FILES | PAPER_FILES
    mode = project_black_mode(paper_project)
    for path in paper_project.rglob("*.py"):
        source = path.read_text()
        assert black.format_str(source, mode=mode) == source, path
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "."],
        cwd=paper_project,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_paper_model_is_built_from_every_custom_layer_with_the_scaled_tanh(paper_project):
    init = (paper_project / "src/lenet5/layers/__init__.py").read_text()
    model = (paper_project / "src/lenet5/model.py").read_text()
    for cls, module in {**PAPER_LAYERS, "Convolution": "convolution"}.items():
        assert f"from .{module} import {cls}" in init
        assert cls in model
    [custom] = [
        node
        for node in ast.parse(model).body
        if isinstance(node, ast.FunctionDef) and node.name == "custom_layers"
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


def test_the_paper_architecture_trains_with_the_papers_loss_by_name(paper_project):
    objective = (paper_project / "src/lenet5/training/objective.py").read_text()
    assert '"rubbish-class": RubbishClassCrossentropy' in objective
    assert 'MODEL_LOSS = {"custom": "rubbish-class", "builtin": "rubbish-class"}' in objective
    assert "class RubbishClassCrossentropy" in (paper_project / "src/lenet5/model.py").read_text()
    # predict loads model.keras, whose compiled loss is the paper's: it is registered
    predict = (paper_project / "src/lenet5/predict.py").read_text()
    assert "from .model import RubbishClassCrossentropy" in predict


def test_the_default_architecture_is_unchanged_by_the_option(cli, tmp_path):
    assert cli("lenet", "a").exit_code == 0
    assert cli("lenet", "b", "--name", "a", "--architecture", "relu").exit_code == 0
    assert tree_snapshot(tmp_path / "a") == tree_snapshot(tmp_path / "b")


def test_the_paper_readme_has_the_parameter_table(paper_project):
    readme = (paper_project / "README.md").read_text()
    rows = [line.split("|") for line in readme.splitlines() if line.startswith("| ")]
    counts = {row[1].strip(): row[-2].strip() for row in rows}
    layers = ("C1", "S2", "C3", "S4", "C5", "F6", "output", "total")
    assert {layer: counts.get(layer) for layer in layers} == {
        "C1": "156",
        "S2": "12",
        "C3": "1,516",
        "S4": "32",
        "C5": "48,120",
        "F6": "10,164",
        "output": "0",
        "total": "60,000",
    }


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
        assert result.stdout.count("identical") == 4  # module, test, keras_contract.py, __init__.py
    assert without_records(tree_snapshot(paper_project)) == without_records(before)
