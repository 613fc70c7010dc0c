"""Before and after, by running: every layer of tests/migrate_cases (one idiom,
or the TF 2.0 tutorial's set, per file) is migrated with the real CLI; the
migrated layer passes `scaffold check` and, given the original's weights,
computes the original's outputs (on Keras 2 when Keras 3 cannot run the
original at all)."""

from __future__ import annotations

import ast
import json
import shutil

import pytest

from helpers import REPO, run_scaffold
from migrate_equivalence import compare, legacy_keras_available

pytestmark = pytest.mark.tensorflow

CASES = REPO / "tests" / "migrate_cases"
CONFIG = json.loads((CASES / "config.json").read_text())


def classes_by_file() -> dict[str, list[str]]:
    found = {}
    for path in sorted(CASES.glob("*.py")):
        tree = ast.parse(path.read_text())
        found[path.stem] = [n.name for n in tree.body if isinstance(n, ast.ClassDef)]
    return found


LAYERS = {name: stem for stem, names in classes_by_file().items() for name in names}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    work = tmp_path_factory.mktemp("migrate-cases")
    original, migrated = work / "original", work / "migrated"
    shutil.copytree(CASES, original)
    shutil.copytree(CASES, migrated)
    write = run_scaffold("migrate", ".", "--write", "--format", "json", cwd=migrated)
    assert write.returncode == 0, write.stderr
    again = run_scaffold("migrate", ".", "--check", cwd=migrated)
    files = sorted(p.name for p in migrated.glob("*.py"))
    check = run_scaffold(
        "check", *files, "--config", "config.json", "--format", "json", cwd=migrated, timeout=900
    )
    pairs = [
        (stem, original / f"{stem}.py", migrated / f"{stem}.py", {n: CONFIG[n] for n in names})
        for stem, names in classes_by_file().items()
    ]
    outputs = compare(pairs, work / "equivalence")
    return {
        "write": json.loads(write.stdout),
        "again": again,
        "check": json.loads(check.stdout),
        "outputs": outputs,
    }


def test_every_case_has_its_config():
    assert set(LAYERS) == set(CONFIG)


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_the_migrated_layer_passes_scaffold_check(runs, name):
    [layer] = [l for l in runs["check"]["layers"] if l["target"].endswith(f":{name}")]
    failed = [f"{f['check']}: {f['message']}" for f in layer["findings"] if f["status"] == "fail"]
    assert layer["passed"], layer["error"] or failed


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_the_migrated_layer_computes_what_the_original_computed(runs, name):
    result = runs["outputs"][LAYERS[name]][name]
    original = result["original"]
    if not original.get("ran") and not legacy_keras_available():
        pytest.skip(f"the original needs Keras 2 (tf_keras): {original.get('error')}")
    assert original.get("ran"), original
    assert result["same_outputs"] is True, result.get("error")


def test_every_rewrite_is_exercised_and_nothing_is_left(runs):
    findings = [f for file in runs["write"]["files"] for f in file["findings"]]
    assert not [f for f in findings if f["status"] == "left"]
    assert {f["rewrite"] for f in findings} == {
        "tracked-variables",
        "no-dynamic",
        "init-kwargs",
        "config",
        "registered",
        "composite-build",
        "dtype-policy",
        "add-weight-keywords",
        "call-training",
    }


def test_the_originals_that_keras_3_rejects_are_compared_on_keras_2(runs):
    if not legacy_keras_available():
        pytest.skip("tf_keras is not installed")
    runtimes = {
        name: runs["outputs"][stem][name]["original"]["runtime"] for name, stem in LAYERS.items()
    }
    # dynamic=True and add_weight's positional name fail on Keras 3 at once
    assert runtimes["EagerSquare"] == runtimes["MyDenseLayer"] == "keras2"
    assert runtimes["InitVariables"] == "keras3"


def test_a_second_migration_changes_nothing(runs):
    assert runs["again"].returncode == 0, runs["again"].stdout
