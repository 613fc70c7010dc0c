"""`scaffold migrate` on a gallery of real TF 2.0-era layers: what it fixes, what
it leaves, whether the migrated layers pass `scaffold check`, and whether they
still import and compute what the originals computed from the same weights.

    python benchmarks/migrate_gallery.py            # the table, and JSON in benchmarks/results/
    python benchmarks/migrate_gallery.py --no-before  # skip `scaffold check` on the originals

Each gallery file (benchmarks/migrate_gallery/*.py) names its source, commit
and licence; benchmarks/migrate_gallery/layers.json gives each layer's
constructor arguments and input. The gallery is copied to a temporary
directory, migrated there with `scaffold migrate --write` (no hand edits),
checked for idempotence (`--check` must then find nothing), and every layer is
run through `scaffold check`, before and after. Originals that cannot run on
Keras 3 (dynamic=True, add_weight's positional name) are run on Keras 2
(tf_keras) for the output comparison, when it is installed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GALLERY = REPO / "benchmarks" / "migrate_gallery"
RESULTS = REPO / "benchmarks" / "results"
sys.path.insert(0, str(REPO / "tests"))

from helpers import run_scaffold  # noqa: E402
from migrate_equivalence import compare  # noqa: E402


def scaffold(*args, cwd: Path) -> subprocess.CompletedProcess:
    return run_scaffold(*args, cwd=cwd, timeout=1800, env={"TF_CPP_MIN_LOG_LEVEL": "3"})


def check(directory: Path, stem: str, config: dict, work: Path) -> dict:
    """{class: (passed, failed checks, error)} from `scaffold check FILE --config`."""
    config_path = work / f"{stem}.{directory.name}.json"
    config_path.write_text(json.dumps(config))
    result = scaffold(
        "check", f"{stem}.py", "--config", config_path, "--format", "json", cwd=directory
    )
    try:
        report = json.loads(result.stdout)
    except ValueError:
        line = (result.stderr.strip().splitlines() or ["no output"])[-1]
        return {name: (False, [], line) for name in config}
    found = {}
    for layer in report["layers"]:
        name = layer["target"].rpartition(":")[2]
        failed = [f["check"] for f in layer["findings"] if f["status"] == "fail"]
        found[name] = (layer["passed"], failed, layer.get("error", ""))
    return {name: found.get(name, (False, [], "not checked")) for name in config}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-before", action="store_true", help="skip checking the originals")
    args = parser.parse_args()
    layers = json.loads((GALLERY / "layers.json").read_text())
    start = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        original, migrated, work = tmp / "original", tmp / "migrated", tmp / "work"
        shutil.copytree(GALLERY, original)
        shutil.copytree(GALLERY, migrated)
        work.mkdir()
        run = scaffold("migrate", ".", "--write", "--format", "json", cwd=migrated)
        if run.returncode != 0:
            sys.exit(f"scaffold migrate --write failed: {run.stderr.strip()}")
        report = {Path(f["path"]).stem: f for f in json.loads(run.stdout)["files"]}
        again = scaffold("migrate", ".", "--check", cwd=migrated)
        idempotent = again.returncode == 0
        before, after = {}, {}
        for stem, config in layers.items():
            after[stem] = check(migrated, stem, config, work)
            if not args.no_before:
                before[stem] = check(original, stem, config, work)
        pairs = [
            (stem, original / f"{stem}.py", migrated / f"{stem}.py", config)
            for stem, config in layers.items()
        ]
        outputs = compare(pairs, work / "equivalence")
    rows = []
    for stem, config in layers.items():
        findings = report[stem]["findings"]
        for name in config:
            mine = [f for f in findings if f["layer"] == name]
            same = outputs.get(stem, {}).get(name, {})
            rows.append(
                {
                    "layer": f"{stem}:{name}",
                    "fixed": sorted({f["rewrite"] for f in mine if f["status"] == "fixed"}),
                    "left": sorted({f["rewrite"] for f in mine if f["status"] == "left"}),
                    "left_why": [f["message"] for f in mine if f["status"] == "left"],
                    "passes_before": before.get(stem, {}).get(name, (None,))[0],
                    "passes_after": after[stem][name][0],
                    "failed_after": after[stem][name][1],
                    "error_after": after[stem][name][2],
                    "imports": same.get("imported", False),
                    "same_outputs": same.get("same_outputs"),
                    "original_ran_on": same.get("original", {}).get("runtime"),
                    "compare_error": same.get("error", ""),
                }
            )
    print_table(rows, idempotent, time.time() - start)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "migrate_gallery.json"
    out.write_text(json.dumps({"idempotent": idempotent, "layers": rows}, indent=2))
    (RESULTS / "migrate_gallery.md").write_text(markdown(rows))
    print(f"\nresults: {out.relative_to(REPO)}, and a table in migrate_gallery.md")


def markdown(rows: list[dict]) -> str:
    """The table the README shows."""

    def mark(value) -> str:
        return {True: "yes", False: "no", None: "-"}[value]

    lines = [
        "| layer | fixed | left | `check` before | after | same outputs |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        after = mark(row["passes_after"])
        if not row["passes_after"]:
            after += " (" + (", ".join(row["failed_after"]) or "error") + ")"
        same = mark(row["same_outputs"]) + (
            " (Keras 2)" if row["original_ran_on"] == "keras2" else ""
        )
        lines.append(
            f"| `{row['layer']}` | {', '.join(row['fixed']) or '-'} | {', '.join(row['left']) or '-'} "
            f"| {mark(row['passes_before'])} | {after} | {same} |"
        )
    return "\n".join(lines) + "\n"


def print_table(rows: list[dict], idempotent: bool, seconds: float) -> None:
    def mark(value) -> str:
        return {True: "yes", False: "NO", None: "-"}[value]

    print(f"{'layer':<52} {'before':>6} {'after':>6} {'outputs':>8}  fixed / left")
    for row in rows:
        same = mark(row["same_outputs"])
        if row["original_ran_on"] == "keras2":
            same += "*"
        fixed = ", ".join(row["fixed"]) or "-"
        left = ", ".join(row["left"])
        print(
            f"{row['layer']:<52} {mark(row['passes_before']):>6} {mark(row['passes_after']):>6} "
            f"{same:>8}  {fixed}" + (f" / LEFT {left}" if left else "")
        )
        if not row["passes_after"]:
            why = ", ".join(row["failed_after"]) or row["error_after"]
            print(f"{'':<52} {'':>6} {'':>6} {'':>8}  check fails: {why}")
        if row["compare_error"]:
            print(f"{'':<52} {'':>6} {'':>6} {'':>8}  outputs: {row['compare_error']}")
    n = len(rows)
    passed = sum(bool(r["passes_after"]) for r in rows)
    before = sum(bool(r["passes_before"]) for r in rows)
    imports = sum(bool(r["imports"]) for r in rows)
    compared = [r for r in rows if r["same_outputs"] is not None]
    same = sum(bool(r["same_outputs"]) for r in compared)
    print(
        f"\n{n} layers: pass `scaffold check` {before}/{n} before, {passed}/{n} "
        f"({100 * passed / n:.0f}%) after `scaffold migrate --write`; "
        f"import {imports}/{n}; same outputs {same}/{len(compared)} compared "
        f"(* original run on Keras 2); second migration changes nothing: "
        f"{'yes' if idempotent else 'NO'}; {seconds:.0f} s"
    )


if __name__ == "__main__":
    main()
