"""Generate-and-test: every supported layer variant is generated with the real
CLI, then all the generated tests run in one pytest process per Keras backend
(TensorFlow and JAX: one import each for the lot) and each variant's results
are checked here. The variants include the README's worked example of a user
kind, and a kind folder added to a copy of the built-in kinds (adding a kind is
adding a folder, nothing else)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree

import pytest

from helpers import REPO, contract_check_names, run_pytest, run_scaffold
from scaffold.kinds.registry import resolve
from scaffold.kinds.schema import ACTIVATIONS
from variants import EXAMPLE_KIND, layer_variants, sampled_layer_variants, user_kind_variants

pytestmark = pytest.mark.tensorflow

VARIANTS = layer_variants() + sampled_layer_variants() + user_kind_variants(REPO / EXAMPLE_KIND)
ADDED_KIND = "rms-norm"  # copied into a copy of templates/kinds/ as a built-in kind
ADDED_VARIANT = ("added_rms_norm", ["--kind", ADDED_KIND, "--epsilon", "0.01"])
BACKENDS = ["tensorflow", "jax"]


def expected_skips(args: list[str]) -> set[str]:
    """The checks that cannot apply to a variant: no weights in __init__ (build
    placement), no sublayers (a kind that owns its weights), no trainable weight
    to get a gradient."""
    option = dict(zip(args, args[1:]))
    skips = set()
    if option.get("--weights-in", "build") == "build":
        skips.add("built-after-init")
    kind = option.get("--kind", "blank")
    spec = resolve(str(REPO / EXAMPLE_KIND) if kind == ADDED_KIND else kind).spec
    if spec.owns_weights or not spec.has_weights:  # no sublayers
        skips |= {"composite-build", "dtype-policy"}
    if dict(spec.test).get("trainable") == "[]":  # declares no trainable weight at all
        skips.add("gradients")
    return skips


def junit_outcomes(junit) -> dict[str, dict[str, str]]:
    """{test module: {test name: "passed" or the failure text}}."""
    outcomes: dict[str, dict[str, str]] = {}
    for case in ElementTree.parse(junit).getroot().iter("testcase"):
        module = case.get("classname").rsplit(".", 1)[-1]
        problem = next(
            (child for child in case if child.tag in ("failure", "error", "skipped")), None
        )
        text = "passed" if problem is None else f"{problem.tag}: {problem.get('message')}"
        outcomes.setdefault(module, {})[case.get("name")] = text
    return outcomes


@pytest.fixture(scope="module")
def templates_with_added_kind(tmp_path_factory):
    """A copy of the templates tree with one more kind folder, and nothing else changed."""
    root = tmp_path_factory.mktemp("templates") / "templates"
    shutil.copytree(REPO / "templates", root)
    shutil.copytree(REPO / EXAMPLE_KIND, root / "kinds" / ADDED_KIND)
    return root


@pytest.fixture(scope="module")
def generated_dir(tmp_path_factory, templates_with_added_kind):
    root = tmp_path_factory.mktemp("generated_layers")
    for name, args in VARIANTS:
        result = run_scaffold("layer", name, *args, "-o", root)
        assert result.returncode == 0, f"scaffold layer {name}: {result.stderr}"
    name, args = ADDED_VARIANT
    env = {"SCAFFOLD_TEMPLATES_DIR": str(templates_with_added_kind)}
    result = run_scaffold("layer", name, *args, "-o", root, env=env)
    assert result.returncode == 0, f"scaffold layer {name}: {result.stderr}"
    return root


@pytest.fixture(scope="module", params=BACKENDS)
def generated(generated_dir, request):
    root = generated_dir
    junit = root.parent / f"generated_layers_{request.param}.xml"
    result = run_pytest(f"--junitxml={junit}", root, cwd=root, env={"KERAS_BACKEND": request.param})
    assert junit.exists(), result.stdout[-3000:] + result.stderr[-3000:]
    return junit_outcomes(junit)


@pytest.mark.parametrize(
    "name, args", VARIANTS + [ADDED_VARIANT], ids=[n for n, _ in VARIANTS] + [ADDED_VARIANT[0]]
)
def test_generated_layer_passes_its_generated_tests(generated, name, args):
    outcomes = generated.get(f"test_{name}", {})
    expected = {f"test_keras_contract[{check}]" for check in contract_check_names()}
    assert set(outcomes) == expected
    problems = {
        test: text
        for test, text in outcomes.items()
        if text != "passed" and not text.startswith("skipped")
    }
    assert problems == {}
    skipped = {
        test[len("test_keras_contract[") : -1] for test, t in outcomes.items() if t != "passed"
    }
    assert skipped == expected_skips(args)


def test_the_generated_contract_is_scaffolds_own(generated_dir):
    """keras_contract.py beside the generated tests is scaffold/checker/contract.py, byte for
    byte, under one header line: the two cannot drift apart."""
    copy = (generated_dir / "keras_contract.py").read_text(encoding="utf-8")
    header, _, body = copy.partition("\n")
    assert header.startswith("# ") and "scaffold/checker/contract.py" in header
    assert body == (REPO / "scaffold" / "checker" / "contract.py").read_text(encoding="utf-8")


def test_an_added_kind_folder_is_a_kind_of_the_cli(templates_with_added_kind, generated_dir):
    env = {"SCAFFOLD_TEMPLATES_DIR": str(templates_with_added_kind)}
    help_text = " ".join(run_scaffold("layer", "--help", env=env).stdout.split())
    assert f"{ADDED_KIND} Root-mean-square normalization" in help_text  # the kinds list
    assert f"--epsilon X Small number added" in help_text
    assert f"({ADDED_KIND}) [default: 1e-06]" in help_text
    listing = run_scaffold("kinds", env=env).stdout
    assert f"{ADDED_KIND} (built-in)" in listing
    assert "epsilon=0.01" in (generated_dir / "added_rms_norm.py").read_text()


def test_every_accepted_activation_is_known_to_the_installed_keras():
    probe = (
        "import sys, keras\n"
        "for name in sys.argv[1:]:\n"
        "    keras.activations.get(name)\n"
        "print('ok')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, *ACTIVATIONS], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().endswith("ok")


def test_every_generated_layer_passes_scaffold_check(generated_dir, tmp_path):
    """The conformance checker agrees with the generated tests: no findings."""
    from scaffold.generators.layer import test_expectations
    from test_render import options_for

    config = {}
    for name, args in VARIANTS:
        options = options_for(name, args)
        expected = test_expectations(options)
        config[options.name.class_name] = {
            "input_shape": list(expected["sample_shape"]),
            "args": expected["arguments"],
        }
    config_file = tmp_path / "layers.json"
    config_file.write_text(json.dumps(config))
    modules = [name for name, _ in VARIANTS]
    result = run_scaffold(
        "check",
        *modules,
        "--config",
        config_file,
        "--format",
        "json",
        cwd=generated_dir,
        timeout=1200,
    )
    report = json.loads(result.stdout)
    failures = {
        layer["target"]: layer["error"] or [f for f in layer["findings"] if f["status"] == "fail"]
        for layer in report["layers"]
        if not layer["passed"]
    }
    assert failures == {}
    assert result.returncode == 0
    assert len(report["layers"]) == len(VARIANTS)
