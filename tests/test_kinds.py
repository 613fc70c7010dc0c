"""Kinds are data: a kind folder (kind.toml + layer.py.jinja) from the tool, from
a path, from the project's pyproject.toml or from an installed kind pack, all
taking the same path; a malformed one is refused in one line that names the
file, the line and the field, and nothing is written."""

from __future__ import annotations

import json
import re
import shutil

import black
import pytest

from helpers import REPO, run_scaffold, tree_snapshot
from variants import EXAMPLE_KIND

EXAMPLE = REPO / EXAMPLE_KIND


@pytest.fixture
def kind(tmp_path):
    """A copy of the worked example, to break in one place."""
    folder = tmp_path / "kinds" / "my-norm"
    shutil.copytree(EXAMPLE, folder)
    return folder


def edit(path, old, new):
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def line_of(path, fragment):
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if fragment in line)


# (id, text replaced, replacement, fragment of the line named or None, message)
BROKEN_SPECS = [
    ("typo", 'summary = "Root', 'sumary = "Root', 'sumary = "Root', "sumary: unknown field"),
    (
        "missing summary",
        'summary = "Root-mean-square normalization: `inputs / rms(inputs) * scale`."\n',
        "",
        None,
        "missing field `summary`",
    ),
    (
        "input",
        'input = "features"',
        'input = "sequence"',
        'input = "sequence"',
        'input: "sequence" is not one of: features, images',
    ),
    (
        "bool",
        "owns_weights = true",
        'owns_weights = "yes"',
        "owns_weights",
        'owns_weights: expected true or false, got "yes"',
    ),
    (
        "option type",
        'type = "float"',
        'type = "double"',
        'type = "double"',
        '[options.epsilon] type: "double" is not one of',
    ),
    (
        "option range",
        "max = 0.1",
        'max = "big"',
        'max = "big"',
        '[options.epsilon] max: expected a number, got "big"',
    ),
    (
        "option default",
        "default = 1e-6",
        "default = 1.0",
        "default = 1.0",
        "[options.epsilon] default: must be between 1e-12 and 0.1, got 1",
    ),
    (
        "argument type",
        'type = "positive_float"',
        'type = "positive_real"',
        "positive_real",
        '[[arguments]] #1 type: "positive_real" is not one of',
    ),
    (
        "argument option",
        'option = "epsilon"',
        'option = "eps"',
        'option = "eps"',
        '[[arguments]] #1 option: "eps" is not an option of this kind',
    ),
    (
        "argument default",
        'default = "ones"',
        "default = 3",
        "default = 3",
        "[[arguments]] #2 default: 3 is not a Keras initializer",
    ),
    (
        "argument name",
        'name = "scale_initializer"',
        'name = "class"',
        'name = "class"',
        '[[arguments]] #2 name: "class" is not a Python name',
    ),
    (
        "required without value",
        'type = "positive_float"\noption = "epsilon"',
        'type = "positive_float"\nrequired = true',
        "required = true",
        "epsilon is required: give it an `option` or a value in [test.arguments]",
    ),
    (
        "test output",
        'output_shape = "(channels,)"\n',
        "",
        "[test]",
        "[test]: missing field `output_shape`",
    ),
    (
        "test argument",
        'scale_regularizer = "l2"',
        'scale_regulariser = "l2"',
        "scale_regulariser",
        "[test.arguments] scale_regulariser: is not one of the kind's [[arguments]]",
    ),
    ("toml", 'channels = "8"', "channels = 8 8", "channels = 8 8", "not valid TOML"),
]


@pytest.mark.parametrize(
    "old, new, line, message", [c[1:] for c in BROKEN_SPECS], ids=[c[0] for c in BROKEN_SPECS]
)
def test_a_malformed_spec_is_one_line_naming_file_line_and_field(
    cli, kind, tmp_path, old, new, line, message
):
    spec = kind / "kind.toml"
    edit(spec, old, new)
    before = tree_snapshot(tmp_path)
    result = cli("layer", "Norm", "--kind", kind)
    assert result.exit_code == 2
    [error] = result.stderr.strip().splitlines()
    shown = spec.relative_to(tmp_path)  # paths are shown relative to where scaffold runs
    where = f"{shown}:{line_of(spec, line)}: " if line else f"{shown}: "
    assert where in error, error
    assert message in error
    assert tree_snapshot(tmp_path) == before


def test_a_broken_kind_is_reported_before_its_options_are_read(cli, kind):
    edit(kind / "kind.toml", 'input = "features"', 'input = "sequence"')
    result = cli("layer", "Norm", "--kind", kind, "--epsilon", "0.01")
    assert result.exit_code == 2
    assert 'input: "sequence" is not one of' in result.stderr
    result = cli("layer", "Norm", "--kind", "lstm", "--units", "3")
    assert result.exit_code == 2 and "--kind 'lstm' is not one of: blank," in result.stderr


def test_a_spec_expression_with_an_undefined_name_is_refused_at_use(cli, kind, tmp_path):
    spec = kind / "kind.toml"
    edit(spec, 'trainable = "[(channels,)]"', 'trainable = "[(channel,)]"')
    result = cli("layer", "Norm", "--kind", kind)
    assert result.exit_code == 2
    line = line_of(spec, "trainable =")
    shown = spec.relative_to(tmp_path)
    assert f"{shown}:{line}: [test] trainable: 'channel' is undefined" in result.stderr
    assert not (tmp_path / "norm.py").exists()
    # without a test to generate, the expression is not needed
    assert cli("layer", "Norm", "--kind", kind, "--no-tests").exit_code == 0


@pytest.mark.parametrize(
    "old, new, message",
    [
        (
            "    def call(self, inputs):",
            "    def call(self, {{ inputs }}):",
            "'inputs' is undefined",
        ),
        ("{{ m.get_config() }}", "{{ m.get_config( }}", "template syntax error"),
    ],
    ids=["undefined", "syntax"],
)
def test_a_broken_template_is_one_line_naming_template_and_line(
    cli, kind, tmp_path, old, new, message
):
    template = kind / "layer.py.jinja"
    edit(template, old, new)
    result = cli("layer", "Norm", "--kind", kind)
    assert result.exit_code == 1
    [error] = result.stderr.strip().splitlines()
    shown = template.relative_to(tmp_path)
    assert f"{shown}:{line_of(template, new.strip()[:12])}: " in error and message in error
    assert not (tmp_path / "norm.py").exists()


def test_a_template_whose_output_does_not_parse_names_kind_template_and_line(cli, kind, tmp_path):
    template = kind / "layer.py.jinja"
    edit(template, "        return input_shape", "        return input_shape)")
    result = cli("layer", "Norm", "--kind", kind)
    assert result.exit_code == 1
    shown = template.relative_to(tmp_path)
    assert f"kind my-norm ({shown}): generated norm.py is not valid Python (line" in result.stderr
    assert list(tmp_path.glob("*.py")) == []


def test_a_user_kind_gets_what_a_built_in_kind_gets(cli, kind, tmp_path):
    """Name handling, option validation, black, registration, --dry-run, --force."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    assert cli("layer", "class", "--kind", kind).exit_code == 2
    result = cli("layer", "Norm", "--kind", kind, "--epsilon", "5")
    assert (
        result.exit_code == 2 and "--epsilon must be between 1e-12 and 0.1, got 5" in result.stderr
    )
    result = cli("layer", "Norm", "--kind", kind, "--units", "3")
    assert result.exit_code == 2 and "--units does not apply to --kind my-norm" in result.stderr
    result = cli("layer", "norm-layer", "--kind", kind, "-o", "pkg", "--dry-run")
    assert result.exit_code == 0 and "| class NormLayer(keras.layers.Layer):" in result.stdout
    assert sorted(p.name for p in (tmp_path / "pkg").iterdir()) == ["__init__.py"]
    result = cli("layer", "norm-layer", "--kind", kind, "-o", "pkg", "--epsilon", "0.01")
    assert result.exit_code == 0, result.stderr
    source = (tmp_path / "pkg" / "norm_layer.py").read_text()
    assert black.format_str(source, mode=black.Mode()) == source
    assert "epsilon=0.01," in source
    assert "from .norm_layer import NormLayer" in (tmp_path / "pkg" / "__init__.py").read_text()
    assert '"epsilon": 0.01,' in (tmp_path / "tests" / "test_norm_layer.py").read_text()
    result = cli("layer", "norm-layer", "--kind", kind, "-o", "pkg")
    assert result.exit_code == 1 and "--force" in result.stderr
    assert cli("layer", "norm-layer", "--kind", kind, "-o", "pkg", "--force").exit_code == 0


def test_a_user_kind_named_like_a_built_in_kind_is_refused(cli, tmp_path):
    shutil.copytree(EXAMPLE, tmp_path / "dense")
    result = cli("layer", "Norm", "--kind", "./dense")
    assert result.exit_code == 2
    assert "is named like the built-in kind 'dense'; rename it" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_kind_paths_that_are_not_kinds(cli, tmp_path):
    result = cli("layer", "Norm", "--kind", "./nowhere")
    assert result.exit_code == 2 and "no such kind folder" in result.stderr
    (tmp_path / "empty").mkdir()
    result = cli("layer", "Norm", "--kind", "./empty")
    assert result.exit_code == 2 and "has no kind.toml" in result.stderr


def make_project(root, table):
    (root / "pyproject.toml").write_text('[project]\nname = "p"\n\n[tool.scaffold]\n' + table)
    shutil.copytree(EXAMPLE, root / "layer-kinds" / "rms-norm")
    (root / "src").mkdir()


def test_kinds_named_in_pyproject_are_found_from_below_the_project(cli, tmp_path, monkeypatch):
    make_project(tmp_path, 'kinds = "layer-kinds"\n')
    monkeypatch.chdir(tmp_path / "src")
    result = cli("layer", "Norm", "--kind", "rms-norm")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "src" / "norm.py").is_file()
    listing = cli("kinds").stdout
    folder = tmp_path / "layer-kinds" / "rms-norm"
    assert f"rms-norm (pyproject: {tmp_path / 'pyproject.toml'}, {folder})" in listing
    help_text = " ".join(cli("layer", "--kind", "rms-norm", "--help").stdout.split())
    assert "--epsilon X Small number added to the mean square" in help_text


@pytest.mark.parametrize(
    "table, message",
    [
        (
            'kind-folders = "layer-kinds"\n',
            "[tool.scaffold] kind-folders: unknown key; [tool.scaffold] takes kinds and",
        ),
        ("kinds = 3\n", "[tool.scaffold] kinds: expected a directory of kind folders"),
        ('kinds = "missing"\n', "[tool.scaffold] kinds: "),
    ],
    ids=["unknown key", "wrong type", "not a directory"],
)
def test_a_wrong_tool_scaffold_table_is_one_line_naming_key_and_file(cli, tmp_path, table, message):
    make_project(tmp_path, table)
    result = cli("layer", "Norm", "--kind", "rms-norm")
    assert result.exit_code == 2
    [error] = result.stderr.strip().splitlines()
    assert f"pyproject.toml:5: {message}" in error
    assert not (tmp_path / "norm.py").exists()


def test_a_pyproject_kind_named_like_a_built_in_kind_is_refused(cli, tmp_path):
    make_project(tmp_path, 'kinds = "layer-kinds"\n')
    shutil.copytree(EXAMPLE, tmp_path / "layer-kinds" / "se")
    result = cli("kinds")
    assert result.exit_code == 2 and "named like the built-in kind 'se'" in result.stderr


def install_kind_pack(site):
    """A kind pack as pip installs one: a package of kind folders and an entry point."""
    package = site / "team_kinds"
    shutil.copytree(EXAMPLE, package / "team-norm")
    (package / "__init__.py").write_text("")
    info = site / "team_kinds-1.2.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: team-kinds\nVersion: 1.2\n")
    (info / "entry_points.txt").write_text("[scaffold.kinds]\nteam = team_kinds\n")


def test_a_kind_pack_installed_with_an_entry_point(tmp_path):
    site = tmp_path / "site"
    install_kind_pack(site)
    env = {"PYTHONPATH": f"{REPO}:{site}"}
    listing = run_scaffold("kinds", "--format", "json", cwd=tmp_path, env=env)
    assert listing.returncode == 0, listing.stderr
    [pack] = [k for k in json.loads(listing.stdout)["kinds"] if k["name"] == "team-norm"]
    assert pack["source"] == "entry point" and pack["origin"] == "team (team-kinds 1.2)"
    assert [o["name"] for o in pack["options"]] == ["epsilon"]
    result = run_scaffold("layer", "Norm", "--kind", "team-norm", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert "class Norm(keras.layers.Layer):" in (tmp_path / "norm.py").read_text()
    # built-in kinds never scan the installed distributions
    probe = run_scaffold(
        "layer",
        "X",
        "--kind",
        "dense",
        "--dry-run",
        cwd=tmp_path,
        env={**env, "PYTHONPATH": f"{REPO}:{site}", "PYTHONPROFILEIMPORTTIME": "1"},
    )
    assert "importlib.metadata" not in probe.stderr


def test_scaffold_kinds_lists_every_kind_with_its_options(cli, tmp_path):
    result = cli("kinds", EXAMPLE)
    assert result.exit_code == 0
    assert "dense (built-in)" in result.stdout
    assert re.search(r"--padding valid\|same +default: same", result.stdout)
    assert f"rms-norm (path, {EXAMPLE})" in result.stdout
    data = json.loads(cli("kinds", "--format", "json").stdout)
    names = [k["name"] for k in data["kinds"]]
    assert names == ["blank", "conv-bn-relu", "conv2d", "dense", "se", "subsampling"]
    dense = data["kinds"][names.index("dense")]
    assert dense["options"][0] == {
        "name": "units",
        "flag": "--units",
        "type": "int",
        "default": 32,
        "help": dense["options"][0]["help"],
        "min": 1,
        "max": 65536,
    }


def test_the_readme_tables_are_generated_from_the_specs():
    from scaffold.kinds.docs import readme_sections

    readme = (REPO / "README.md").read_text()
    for name, table in readme_sections().items():
        begin, end = f"<!-- {name}: generated from the kind specs -->\n", f"<!-- end {name} -->"
        assert begin in readme, f"README lacks the {name} table"
        shown = readme.split(begin, 1)[1].split(end, 1)[0]
        assert shown == table, f"README's {name} table is stale: python -m scaffold.kinds.docs"


def test_the_readme_shows_the_worked_example_as_it_is():
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib

    readme = (REPO / "README.md").read_text().split("## Write your own kind", 1)[1]
    spec = re.search(r"```toml\n(.*?)```", readme, re.S).group(1)
    assert tomllib.loads(spec) == tomllib.loads((EXAMPLE / "kind.toml").read_text())
    template = re.search(r"```jinja\n(.*?)```", readme, re.S).group(1)
    assert template == (EXAMPLE / "layer.py.jinja").read_text()


def test_a_kind_pack_that_does_not_load_is_named_in_one_line(tmp_path):
    site = tmp_path / "site"
    install_kind_pack(site)
    (site / "team_kinds-1.2.dist-info" / "entry_points.txt").write_text(
        "[scaffold.kinds]\nteam = team_kinds_gone\n"
    )
    env = {"PYTHONPATH": f"{REPO}:{site}"}
    result = run_scaffold("kinds", cwd=tmp_path, env=env)
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert "kind pack team (team-kinds 1.2) (entry point team_kinds_gone) does not load" in line
    # a built-in kind never looks at the packs
    assert run_scaffold("layer", "X", "--kind", "dense", cwd=tmp_path, env=env).returncode == 0
