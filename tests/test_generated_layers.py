"""Generate-and-test: every supported layer variant is generated with the real
CLI, then all the generated tests run in one pytest process per Keras backend
(TensorFlow and JAX: one import each for the lot) and each variant's results
are checked here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree

import pytest

from helpers import REPO, contract_check_names, run_pytest, run_scaffold
from scaffold.options import ACTIVATIONS, KINDS, Kind
from variants import layer_variants, sampled_layer_variants

pytestmark = pytest.mark.tensorflow

VARIANTS = layer_variants() + sampled_layer_variants()
BACKENDS = ["tensorflow", "jax"]


def expected_skips(args: list[str]) -> set[str]:
    """The checks that cannot apply to a variant: no weights in __init__ (build
    placement), no sublayers (every kind but the composite)."""
    option = dict(zip(args, args[1:]))
    skips = set()
    if option.get("--weights-in", "build") == "build":
        skips.add("built-after-init")
    if KINDS[Kind(option.get("--kind", "blank"))].own_weights:
        skips |= {"composite-build", "dtype-policy"}
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
def generated_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("generated_layers")
    for name, args in VARIANTS:
        result = run_scaffold("layer", name, *args, "-o", root)
        assert result.returncode == 0, f"scaffold layer {name}: {result.stderr}"
    return root


@pytest.fixture(scope="module", params=BACKENDS)
def generated(generated_dir, request):
    if request.param == "jax":
        pytest.importorskip("jax")
    root = generated_dir
    junit = root.parent / f"generated_layers_{request.param}.xml"
    result = run_pytest(f"--junitxml={junit}", root, cwd=root, env={"KERAS_BACKEND": request.param})
    assert junit.exists(), result.stdout[-3000:] + result.stderr[-3000:]
    return junit_outcomes(junit)


@pytest.mark.parametrize("name, args", VARIANTS, ids=[n for n, _ in VARIANTS])
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
    """keras_contract.py beside the generated tests is scaffold/contract.py, byte for
    byte, under one header line: the two cannot drift apart."""
    copy = (generated_dir / "keras_contract.py").read_text(encoding="utf-8")
    header, _, body = copy.partition("\n")
    assert header.startswith("# ") and "scaffold/contract.py" in header
    assert body == (REPO / "scaffold" / "contract.py").read_text(encoding="utf-8")


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
        config[options.name.class_name] = {
            "input_shape": list(test_expectations(options)["sample_shape"])
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
