"""Generated code after generation: the record, `scaffold update` (three-way
merge with the user's edits), `scaffold destroy`, and `[tool.scaffold]` defaults.

A template change is simulated with a kind of the user's at "version 1" and
"version 2" (a copy of the blank kind; version 2 changes compute_output_shape),
and for the LeNet project with a copy of the whole template tree."""

from __future__ import annotations

import hashlib
import shutil
import tomllib

import pytest

from helpers import REPO, run_scaffold, tree_state

BLANK = REPO / "templates" / "kinds" / "blank"
V1_METHOD = "    def compute_output_shape(self, input_shape):\n        return input_shape\n"
V2_METHOD = "    def compute_output_shape(self, input_shape):\n        return tuple(input_shape)\n"
CALL = "        outputs = ops.multiply(inputs, self.scale)\n"
EDITED_CALL = "        # scaled first: the bias is added in the scaled space\n" + CALL


def stamp_kind(folder, version: int) -> None:
    """The kind `stamp` at `version` in `folder` (replaced if there)."""
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(BLANK, folder)
    template = folder / "layer.py.jinja"
    text = template.read_text()
    old = "    def compute_output_shape(self, input_shape):\n        return input_shape\n"
    assert old in text
    if version == 2:
        template.write_text(text.replace(old, V2_METHOD))


@pytest.fixture
def package(tmp_path):
    """A package with its own __init__.py, and the kind `stamp` at version 1."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_bytes(b'"""My package."""\n\nVERSION = 1\n')
    stamp_kind(tmp_path / "kinds" / "stamp", 1)
    return tmp_path / "pkg"


def replace(path, old, new):
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def record_of(directory):
    return tomllib.loads((directory / ".scaffold.toml").read_text())


def generate_stamp(cli, *extra):
    result = cli("layer", "Stamp", "--kind", "./kinds/stamp", "-o", "pkg", *extra)
    assert result.exit_code == 0, result.stderr


# -- the record -------------------------------------------------------------------------


def test_the_record_holds_version_kind_answers_and_fingerprints(cli, tmp_path, package):
    generate_stamp(cli)
    assert cli("layer", "Fc", "--kind", "dense", "--units", "12", "-o", "pkg").exit_code == 0
    record = record_of(package)
    stamp, fc = record["layers"]["stamp"], record["layers"]["fc"]
    assert stamp["kind"] == "stamp" and stamp["kind-source"] == "path"
    assert stamp["kind-folder"] == "../kinds/stamp"
    assert fc["kind"] == "dense" and fc["answers"]["units"] == 12
    assert fc["answers"]["activation"] == "linear" and fc["answers"]["weights-in"] == "build"
    assert fc["tool-version"] and fc["registered-in"] == "__init__.py"
    # the contract module beside the test is every layer's: destroy keeps it for the others
    assert sorted(fc["files"]) == ["../tests/keras_contract.py", "../tests/test_fc.py", "fc.py"]
    for name, sha in record["files"].items():
        data = (package / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == sha
        assert (package / ".scaffold" / sha).read_bytes() == data  # the base of a merge
    assert record["directories"] == ["../tests"]  # what destroy may remove again
    text = (package / ".scaffold.toml").read_text()
    assert max(len(line) for line in text.splitlines()) < 100
    # stable: the same generation again writes the same bytes
    assert cli("layer", "Fc", "--kind", "dense", "--units", "12", "-o", "pkg").exit_code == 0
    assert (package / ".scaffold.toml").read_text() == text


def test_a_project_has_one_record_at_its_root(cli, tmp_path):
    assert cli("lenet", "proj").exit_code == 0
    records = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob(".scaffold.toml"))
    assert [str(p) for p in records] == ["proj/.scaffold.toml"]
    record = record_of(tmp_path / "proj")
    assert record["project"]["answers"]["name"] == "proj"
    assert "src/proj/layers/convolution.py" in record["files"]
    assert "src/proj/model.py" in record["project"]["files"]


# -- update -----------------------------------------------------------------------------


def test_update_keeps_the_users_edit_and_applies_the_template_change(cli, tmp_path, package):
    generate_stamp(cli)
    module = package / "stamp.py"
    replace(module, CALL, EDITED_CALL)
    stamp_kind(tmp_path / "kinds" / "stamp", 2)
    result = cli("update", "pkg")
    assert result.exit_code == 0, result.stderr
    assert "merged  pkg/stamp.py (your edits kept)" in result.stdout
    text = module.read_text()
    assert EDITED_CALL in text and V2_METHOD in text and V1_METHOD not in text
    record = record_of(package)
    # the new base is the new rendering, not the merged file
    base = (package / ".scaffold" / record["files"]["stamp.py"]).read_text()
    assert V2_METHOD in base and EDITED_CALL not in base
    assert len(list((package / ".scaffold").iterdir())) == len(record["files"])  # no stale copy
    # a second update has nothing to do
    again = cli("update", "pkg")
    assert again.exit_code == 0 and "unchanged  pkg/stamp.py" in again.stdout


def test_an_unedited_file_is_replaced(cli, tmp_path, package):
    generate_stamp(cli)
    stamp_kind(tmp_path / "kinds" / "stamp", 2)
    result = cli("update")  # found from the current directory up... none here
    assert result.exit_code == 2 and "no .scaffold.toml" in result.stderr
    result = cli("update", "pkg", "--layer", "Stamp")
    assert result.exit_code == 0, result.stderr
    assert "replaced  pkg/stamp.py" in result.stdout
    assert V2_METHOD in (package / "stamp.py").read_text()


def conflicting_edit(package):
    module = package / "stamp.py"
    replace(module, "        return input_shape\n", "        return tuple(input_shape)[:]\n")
    return module


def test_an_overlapping_edit_is_a_conflict_and_nothing_is_written(cli, tmp_path, package):
    generate_stamp(cli)
    module = conflicting_edit(package)
    line = module.read_text().splitlines().index("        return tuple(input_shape)[:]") + 1
    stamp_kind(tmp_path / "kinds" / "stamp", 2)
    before = tree_state(tmp_path)
    result = cli("update", "pkg")
    assert result.exit_code == 1
    assert f"conflict  pkg/stamp.py: line {line}" in result.stdout
    assert "nothing was written" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert tree_state(tmp_path) == before


def test_conflicts_inline_writes_markers(cli, tmp_path, package):
    generate_stamp(cli)
    module = conflicting_edit(package)
    stamp_kind(tmp_path / "kinds" / "stamp", 2)
    result = cli("update", "pkg", "--conflicts", "inline")
    assert result.exit_code == 0, result.stderr
    assert "(markers written)" in result.stdout and "resolve them" in result.stdout
    text = module.read_text()
    assert "<<<<<<< yours\n        return tuple(input_shape)[:]\n=======\n" in text
    assert "        return tuple(input_shape)\n>>>>>>> scaffold " in text


def test_set_changes_an_answer_checked_like_scaffold_layer(cli, tmp_path):
    assert cli("layer", "Fc", "--kind", "dense", "--units", "12").exit_code == 0
    before = tree_state(tmp_path)
    refused = cli("update", "--set", "units=0")
    assert refused.exit_code == 2 and "--units must be between 1 and" in refused.stderr
    unknown = cli("update", "--set", "filters=3")
    assert unknown.exit_code == 2 and "--filters does not apply to --kind dense" in unknown.stderr
    assert tree_state(tmp_path) == before
    result = cli("update", "--set", "units=64")
    assert result.exit_code == 0, result.stderr
    assert '"units": 64,' in (tmp_path / "test_fc.py").read_text()
    assert record_of(tmp_path)["layers"]["fc"]["answers"]["units"] == 64


def test_a_deleted_file_stays_deleted_and_dry_run_writes_nothing(cli, tmp_path, package):
    generate_stamp(cli)
    (tmp_path / "tests" / "test_stamp.py").unlink()
    replace(package / "stamp.py", CALL, EDITED_CALL)
    stamp_kind(tmp_path / "kinds" / "stamp", 2)
    before = tree_state(tmp_path)
    dry = cli("update", "pkg", "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert "| -    def compute_output_shape" not in dry.stdout  # the method line is kept
    assert "|          return input_shape" not in dry.stdout
    assert "| +        return tuple(input_shape)" in dry.stdout
    assert "dry run: nothing was written" in dry.stdout
    assert tree_state(tmp_path) == before
    result = cli("update", "pkg")
    assert "deleted  tests/test_stamp.py (you deleted it: left deleted)" in result.stdout
    assert not (tmp_path / "tests" / "test_stamp.py").exists()


def test_a_registration_the_user_removed_stays_removed(cli, tmp_path, package):
    generate_stamp(cli)
    init = package / "__init__.py"
    init.write_bytes(b'"""My package."""\n\nVERSION = 1\n')
    stamp_kind(tmp_path / "kinds" / "stamp", 2)
    result = cli("update", "pkg")
    assert result.exit_code == 0, result.stderr
    assert "Stamp is not registered in pkg/__init__.py: left as it is" in result.stderr
    assert init.read_bytes() == b'"""My package."""\n\nVERSION = 1\n'


def test_the_lenet_project_goes_through_the_same_cycle(cli, tmp_path):
    assert cli("lenet", "proj").exit_code == 0
    config = tmp_path / "proj" / "src" / "proj" / "training" / "config.py"
    replace(config, '"digits": {"epochs": 40,', '"digits": {"epochs": 60,')  # the user's
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    template = templates / "lenet" / "src" / "{{package}}" / "training" / "config.py.jinja"
    replace(template, "early stopping on validation loss", "early stopping on the validation loss")
    # a new process: one run reads one template tree
    env = {"SCAFFOLD_TEMPLATES_DIR": str(templates)}
    result = run_scaffold("update", "proj", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert "merged  proj/src/proj/training/config.py (your edits kept)" in result.stdout
    assert "unchanged  proj/src/proj/model.py" in result.stdout
    text = config.read_text()
    assert '"digits": {"epochs": 60,' in text and "early stopping on the validation" in text
    changed = run_scaffold("update", "proj", "--set", "weights-in=init", cwd=tmp_path, env=env)
    assert changed.returncode == 0, changed.stderr
    assert "replaced  proj/src/proj/layers/convolution.py" in changed.stdout
    layers = tmp_path / "proj" / "src" / "proj" / "layers"
    assert "self.built = True" in (layers / "convolution.py").read_text()  # weights in __init__
    assert '"digits": {"epochs": 60,' in config.read_text()


def test_a_paper_project_records_its_architecture_and_an_update_keeps_it(cli, tmp_path):
    assert cli("lenet", "proj", "--architecture", "lecun98").exit_code == 0
    assert record_of(tmp_path / "proj")["project"]["answers"]["architecture"] == "lecun98"
    model = tmp_path / "proj" / "src" / "proj" / "model.py"
    before = model.read_text()
    result = run_scaffold("update", "proj", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "unchanged  proj/src/proj/model.py" in result.stdout
    assert model.read_text() == before and "EuclideanRBF" in before
    assert record_of(tmp_path / "proj")["project"]["answers"]["architecture"] == "lecun98"
    assert cli("lenet", "plain").exit_code == 0  # the default is not recorded
    assert "architecture" not in record_of(tmp_path / "plain")["project"]["answers"]


# -- destroy ----------------------------------------------------------------------------


@pytest.mark.parametrize("output", ["pkg", "pkg/new"])
def test_generate_then_destroy_leaves_the_tree_byte_identical(cli, tmp_path, package, output):
    before = tree_state(tmp_path)
    assert cli("layer", "Fc", "--kind", "dense", "-o", output).exit_code == 0
    assert cli("layer", "Gate", "-o", output).exit_code == 0
    assert (tmp_path / "tests").is_dir() == (output == "pkg")  # a package's tests/
    dry = cli("destroy", "Fc", "-o", output, "--dry-run")
    assert dry.exit_code == 0 and "remove" in dry.stdout and "dry run" in dry.stdout
    assert cli("destroy", "Fc", "-o", output).exit_code == 0
    result = cli("destroy", "gate", "-o", output)
    assert result.exit_code == 0, result.stderr
    assert tree_state(tmp_path) == before  # __init__.py bytes, no tests/, no record


def test_destroy_refuses_an_edited_file_unless_forced(cli, tmp_path, package):
    before = tree_state(tmp_path)
    generate_stamp(cli)
    replace(package / "stamp.py", CALL, EDITED_CALL)
    edited = tree_state(tmp_path)
    result = cli("destroy", "Stamp", "-o", "pkg")
    assert result.exit_code == 1
    assert "changed since scaffold generated them: pkg/stamp.py" in result.stderr
    assert tree_state(tmp_path) == edited
    assert cli("destroy", "Stamp", "-o", "pkg", "--force").exit_code == 0
    assert tree_state(tmp_path) == before


def test_destroy_is_not_for_projects_nor_unknown_layers(cli, tmp_path):
    assert cli("lenet", "proj").exit_code == 0
    result = cli("destroy", "Convolution", "-o", "proj")
    assert result.exit_code == 2 and "delete its directory yourself" in result.stderr
    assert cli("layer", "Fc").exit_code == 0
    result = cli("destroy", "Other")
    assert result.exit_code == 2 and "its record lists: Fc" in result.stderr


def test_a_file_two_layers_share_goes_with_the_last_one(cli, tmp_path, package):
    """A shared generated file (a test helper) is listed by each layer's entry."""
    assert cli("layer", "Fc", "--kind", "dense", "-o", "pkg").exit_code == 0
    assert cli("layer", "Gate", "-o", "pkg").exit_code == 0
    helper = tmp_path / "tests" / "helper.py"
    helper.write_text("SHARED = 1\n")
    sha = hashlib.sha256(helper.read_bytes()).hexdigest()
    (package / ".scaffold" / sha).write_bytes(helper.read_bytes())
    text = (package / ".scaffold.toml").read_text()
    text = text.replace("[files]\n", f'[files]\n"../tests/helper.py" = "{sha}"\n')
    text = text.replace("files = [\n", 'files = [\n    "../tests/helper.py",\n')
    (package / ".scaffold.toml").write_text(text)
    assert cli("destroy", "Fc", "-o", "pkg").exit_code == 0
    assert helper.exists()
    assert cli("destroy", "Gate", "-o", "pkg").exit_code == 0
    assert not helper.exists() and not (tmp_path / "tests").exists()


# -- all or nothing ---------------------------------------------------------------------


def fail_on(monkeypatch, module, name, call_number, exception):
    real = getattr(module, name)
    calls = {"n": 0}

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == call_number:
            raise exception
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, failing)


@pytest.mark.parametrize("call_number", [1, 2, 3])
@pytest.mark.parametrize("exception", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_a_failed_update_leaves_the_tree_as_before(
    cli, tmp_path, package, monkeypatch, call_number, exception
):
    from scaffold.core import journal

    generate_stamp(cli)
    replace(package / "stamp.py", CALL, EDITED_CALL)
    stamp_kind(tmp_path / "kinds" / "stamp", 2)
    before = tree_state(tmp_path)
    fail_on(monkeypatch, journal, "write_file", call_number, exception)
    result = cli("update", "pkg")
    assert result.exit_code in (1, 130)
    monkeypatch.undo()
    assert tree_state(tmp_path) == before


@pytest.mark.parametrize("failing", [("write_file", 1), ("unlink", 1), ("unlink", 2)])
@pytest.mark.parametrize("exception", [OSError(13, "Permission denied"), KeyboardInterrupt()])
def test_a_failed_destroy_leaves_the_tree_as_before(
    cli, tmp_path, package, monkeypatch, failing, exception
):
    from scaffold.core import journal

    assert cli("layer", "Fc", "--kind", "dense", "-o", "pkg").exit_code == 0
    before = tree_state(tmp_path)
    name, call_number = failing
    target = journal if name == "write_file" else journal.os
    fail_on(monkeypatch, target, name, call_number, exception)
    result = cli("destroy", "Fc", "-o", "pkg")
    assert result.exit_code in (1, 130)
    monkeypatch.undo()
    assert tree_state(tmp_path) == before


# -- [tool.scaffold] --------------------------------------------------------------------


def project(tmp_path, table: str):
    (tmp_path / "src" / "app" / "layers").mkdir(parents=True)
    (tmp_path / "src" / "app" / "__init__.py").write_text("")
    (tmp_path / "src" / "app" / "layers" / "__init__.py").write_text("")
    (tmp_path / "docs").mkdir()
    (tmp_path / "pyproject.toml").write_text(f'[project]\nname = "app"\n\n[tool.scaffold]\n{table}')


def test_tool_scaffold_sets_defaults_that_the_command_line_overrides(cli, tmp_path, monkeypatch):
    project(
        tmp_path,
        'output-dir = "src/app/layers"\nkind = "dense"\nunits = 64\nweight-api = "variable"\n',
    )
    monkeypatch.chdir(tmp_path / "docs")  # a subdirectory: paths are the pyproject's
    assert cli("layer", "Fc").exit_code == 0
    module = (tmp_path / "src" / "app" / "layers" / "fc.py").read_text()
    assert "keras.Variable(" in module
    assert '"units": 64,' in (tmp_path / "tests" / "test_fc.py").read_text()
    assert cli("layer", "Small", "--units", "8", "--kind", "dense").exit_code == 0
    assert '"units": 8,' in (tmp_path / "tests" / "test_small.py").read_text()
    # a kind without units (and whose weights are its sublayers') takes neither default
    assert cli("layer", "Block", "--kind", "conv-bn-relu", "--filters", "4").exit_code == 0
    help_text = "".join(cli("layer", "--help").stdout.split())  # Click wraps at hyphens
    pyproject = tmp_path / "pyproject.toml"
    assert f"[default:64,from{pyproject}]" in help_text
    assert f"[default:src/app/layers,from{pyproject}]" in help_text
    assert "(dense)[default:32]" not in help_text


@pytest.mark.parametrize(
    "table, message",
    [
        ("colour = 1\n", "[tool.scaffold] colour: unknown key"),
        ('units = "many"\n', '[tool.scaffold] units: expected a whole number, got "many"'),
        ("units = 0\n", "[tool.scaffold] units: --units must be between 1"),
        ('weights-in = "ctor"\n', "[tool.scaffold] weights-in: expected build or init"),
        ("dynamic = 1\n", "[tool.scaffold] dynamic: expected true or false, got 1"),
    ],
)
def test_a_wrong_default_is_one_line_naming_key_and_file(cli, tmp_path, table, message):
    project(tmp_path, table)
    result = cli("layer", "Fc", "--kind", "dense")
    assert result.exit_code == 2
    [error] = result.stderr.strip().splitlines()
    assert f"pyproject.toml:5: {message}" in error
    assert not (tmp_path / "fc.py").exists()


def test_lenet_takes_its_defaults_too(cli, tmp_path):
    project(tmp_path, 'weights-in = "init"\nunits = 64\n')
    assert cli("lenet", "proj").exit_code == 0
    assert record_of(tmp_path / "proj")["project"]["answers"]["weights-in"] == "init"


def test_destroy_finds_layers_where_tool_scaffold_puts_them(cli, tmp_path):
    project(tmp_path, 'output-dir = "src/app/layers"\n')
    before = tree_state(tmp_path)
    assert cli("layer", "Fc").exit_code == 0
    assert cli("destroy", "Fc").exit_code == 0
    assert tree_state(tmp_path) == before
