"""The check gallery's data and the precision/recall script, without TensorFlow.

A fake `scaffold` package on PYTHONPATH stands in for the checker, so these
tests show how benchmarks/check_precision.py scores, survives a hanging
checker, prints before its JSON, and extra or unknown fields.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import textwrap
import tomllib
from argparse import Namespace
from pathlib import Path

import pytest

from helpers import REPO

GALLERY = REPO / "benchmarks" / "check_gallery"


def load_script():
    spec = importlib.util.spec_from_file_location(
        "check_precision", REPO / "benchmarks" / "check_precision.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


precision = load_script()


def documented_checks() -> list[str]:
    text = (REPO / "docs" / "CHECKS.md").read_text(encoding="utf-8")
    return re.findall(r"^\| `([a-z-]+)` \|", text, flags=re.MULTILINE)


def test_every_gallery_layer_has_a_spec_a_truth_and_a_source_header():
    specs = tomllib.loads((GALLERY / "layers.toml").read_text(encoding="utf-8"))
    truth, checks = precision.load_truth()
    stems = sorted(p.stem for p in (GALLERY / "layers").glob("*.py"))
    assert len(stems) >= 30
    assert stems == sorted(specs) == sorted(truth)
    assert checks == documented_checks()
    for stem in stems:
        header = (GALLERY / "layers" / f"{stem}.py").read_text(encoding="utf-8")[:600]
        for field in ("# Source: https://github.com/", "# Path: ", "# Commit: ", "# Changes: "):
            assert field in header, f"{stem}: header lacks {field!r}"
        licence = re.search(r"^# Licence: (\S+)", header, flags=re.MULTILINE)
        assert licence and licence.group(1) in ("Apache-2.0", "MIT", "BSD-3-Clause"), stem
        assert specs[stem]["class"] == truth[stem]["class"]


def test_every_fault_says_why():
    truth, checks = precision.load_truth()
    unexplained = [
        (stem, check)
        for stem, entry in truth.items()
        for check in checks
        if precision.truth_of(entry[check])[0] == "fault"
        and not precision.truth_of(entry[check])[2]
    ]
    assert unexplained == []


def report(target: str, findings: dict[str, str], **extra) -> dict:
    return {
        "target": target,
        "findings": [
            {"check": c, "status": s, "message": f"{c} {s}", "fix": "", "new": 1}
            for c, s in findings.items()
        ],
        "error": "",
        **extra,
    }


def test_scoring_counts_hits_misses_false_alarms_and_excuses_consequences():
    checks = ["init-kwargs", "config", "registered"]
    truth = {
        "a": {
            "class": "A",
            "init-kwargs": {"truth": "fault", "why": "no kwargs"},
            "config": {"truth": "fault", "via": ["init-kwargs"], "why": "follows"},
            "registered": "ok",
        },
        "b": {
            "class": "B",
            "init-kwargs": "ok",
            "config": {"truth": "fault", "why": "drops an argument"},
            "registered": {"truth": "fault", "why": "not registered"},
        },
    }
    runs = [
        precision.Run("a", "A", 1, report("a.py:A", {"init-kwargs": "fail", "config": "n/a"})),
        precision.Run(
            "b",
            "B",
            1,
            report("b.py:B", {"init-kwargs": "fail", "config": "pass", "shiny-new": "fail"}),
        ),
    ]
    scores, misses, false_alarms, unknown = precision.score(truth, runs, checks)
    assert vars(scores["init-kwargs"]) == {**vars(precision.Score()), "tp": 1, "fp": 1}
    assert scores["config"].excused == 1 and scores["config"].fn == 1
    assert scores["registered"].fn == 1 and scores["registered"].tn == 1
    assert [(m[0], m[1]) for m in misses] == [("b", "config"), ("b", "registered")]
    assert [(f[0], f[1]) for f in false_alarms] == [("b", "init-kwargs")]
    assert unknown == ["shiny-new"]


@pytest.fixture
def fake_checker(tmp_path, monkeypatch):
    """A `scaffold` package whose `check` behaves as the test says."""

    def install(body: str) -> Namespace:
        package = tmp_path / "fake" / "scaffold"
        package.mkdir(parents=True, exist_ok=True)
        (package / "__init__.py").write_text("")
        (package / "__main__.py").write_text(textwrap.dedent(body))
        monkeypatch.setenv("PYTHONPATH", str(package.parent))
        return Namespace(python=sys.executable, with_config=True, timeout=5)

    return install


SPEC = {"class": "Layer1", "args": {"units": 2}, "inputs": [{"shape": [4, 3]}, {"shape": [4, 3]}]}


def test_a_report_after_printed_text_with_extra_fields_is_read(fake_checker):
    options = fake_checker("""
        import json, sys
        config = json.load(open(sys.argv[sys.argv.index("--config") + 1]))
        print("user code printed this {not json")
        print(json.dumps({"passed": False, "backend": "x", "layers": [
            {"target": sys.argv[2] + ":Layer1", "findings": [
                {"check": "config", "status": "fail", "message": json.dumps(config)}]},
            {"target": sys.argv[2] + ":Helper", "findings": []}]}))
        """)
    run = precision.run_file("transformer_block", "Layer1", SPEC, options)
    assert run.problem == "" and run.extra == ["Helper"]
    passed = json.loads(precision.findings_of(run)["config"]["message"])
    assert passed == {
        "Layer1": {"args": {"units": 2}, "input_shape": [[4, 3], [4, 3]], "inputs_as": "args"}
    }


def test_the_config_speaks_the_checkers_keys():
    spec = {
        "inputs": [{"shape": [2, 3, 4]}],
        "tensor_kwargs": {"mask": {"shape": [2, 3], "dtype": "bool"}},
        "none_kwargs": ["cache"],
    }
    assert precision.checker_config(spec) == {
        "args": {},
        "input_shape": [2, 3, 4],
        "call_args": {"cache": None, "mask": True},
    }
    spec = {
        "inputs": [{"shape": [2, 2], "dtype": "int32", "range": [0, 9]}],
        "tensor_kwargs": {"mask": {"shape": [2, 2, 2], "dtype": "int32"}},
        "pack": "list",
    }
    assert precision.checker_config(spec) == {
        "args": {},
        "input_shape": [2, 2],
        "input_dtype": "int32",
        "input_range": [0, 9],
        "call_args": {"mask": [[[1, 1], [1, 1]], [[1, 1], [1, 1]]]},
    }


def test_a_hanging_checker_is_cut_off_and_its_layer_counts_as_not_run(fake_checker):
    options = fake_checker("import time\ntime.sleep(60)\n")
    run = precision.run_file("transformer_block", "Layer1", SPEC, options)
    assert "timed out" in run.problem
    truth = {"transformer_block": {"class": "Layer1", "config": {"truth": "fault", "why": "w"}}}
    scores, misses, _, _ = precision.score(truth, [run], ["config"])
    assert scores["config"].fn == 1 and "timed out" in misses[0][3]


def test_a_checker_without_json_is_reported_not_crashed_on(fake_checker):
    options = fake_checker("import sys\nprint('Traceback: boom', file=sys.stderr)\nsys.exit(1)\n")
    run = precision.run_file("transformer_block", "Layer1", SPEC, options)
    assert run.problem == "no JSON report (exit 1): Traceback: boom"
