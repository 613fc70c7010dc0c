"""`scaffold check` on a gallery of broken layers, on their fixes, and on bad input."""

import json
import subprocess
import sys

import pytest

from helpers import REPO, run_scaffold

pytestmark = pytest.mark.tensorflow

GALLERY = REPO / "tests" / "gallery" / "broken_layers.py"


def expected():
    sys.path.insert(0, str(GALLERY.parent))
    try:
        from broken_layers import EXPECTED
    finally:
        sys.path.pop(0)
    return EXPECTED


@pytest.fixture(scope="module")
def gallery_report():
    result = run_scaffold("check", GALLERY, "--format", "json", timeout=600)
    assert result.returncode == 1, result.stderr[-2000:]
    return json.loads(result.stdout)


@pytest.mark.parametrize("name", sorted(expected()))
def test_each_pitfall_is_caught_and_nothing_else(gallery_report, name):
    [layer] = [entry for entry in gallery_report["layers"] if entry["target"].endswith(f":{name}")]
    assert layer["error"] == ""
    failed = {f["check"] for f in layer["findings"] if f["status"] == "fail"}
    assert failed == expected()[name]
    for finding in layer["findings"]:
        if finding["status"] == "fail":
            assert finding["fix"], finding
    assert layer["passed"] is (not expected()[name])


def test_the_gallery_covers_every_check(gallery_report):
    checks = {f["check"] for layer in gallery_report["layers"] for f in layer["findings"]}
    caught = set().union(*expected().values())
    assert caught == checks  # every check is shown failing by some layer
    assert len(checks) == 10


def test_text_output_for_a_broken_layer_and_its_fix(tmp_path):
    broken = run_scaffold("check", f"{GALLERY}:RawVariable", timeout=300)
    assert broken.returncode == 1
    assert (
        "FAIL  tracked-variables" in broken.stdout
        and "fix: create it with self.add_weight" in broken.stdout
    )
    assert broken.stdout.strip().endswith("1 layer(s) checked: 0 passed, 1 failed")
    fixed = run_scaffold("check", f"{GALLERY}:FixedRawVariable", timeout=300)
    assert fixed.returncode == 0, fixed.stdout
    assert "FAIL" not in fixed.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["no_such_module_xyz"], "cannot import 'no_such_module_xyz'"),
        ([f"{GALLERY}:NotThere"], "is not a keras.layers.Layer subclass"),
        ([str(REPO / "nowhere.py")], "no such file"),
        (["json"], "defines no keras.layers.Layer subclass"),
        ([f"{GALLERY}:RawVariable", "--arg", "oops"], "is not KEY=VALUE"),
        ([f"{GALLERY}:RawVariable", "--input-shape", "4,x"], "must be positive integers"),
        ([f"{GALLERY}:RawVariable", "--config", "missing.toml"], "no such file"),
    ],
)
def test_bad_targets_and_options_are_one_line_errors(args, message):
    result = run_scaffold("check", *args, timeout=300)
    assert result.returncode == 2, result.stdout + result.stderr
    lines = [l for l in result.stderr.splitlines() if l.startswith("scaffold")]
    assert len(lines) == 1 and message in lines[0]
    assert "Traceback" not in result.stderr


def test_constructor_arguments_and_input_shape_from_a_toml_config(tmp_path):
    config = tmp_path / "layers.toml"
    config.write_text("[IncompleteConfig]\nargs = { units = 3 }\ninput_shape = [2, 5]\n")
    result = run_scaffold(
        "check", f"{GALLERY}:IncompleteConfig", "--config", config, "--format", "json", timeout=300
    )
    report = json.loads(result.stdout)
    [layer] = report["layers"]
    assert layer["input_shape"] == [2, 5]
    shapes = [f for f in layer["findings"] if f["check"] == "tracked-variables"]
    assert shapes and shapes[0]["status"] == "pass"
