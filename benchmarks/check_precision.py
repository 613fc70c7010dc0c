"""Precision and recall of `scaffold check` on the real-world layer gallery.

Runs `scaffold check FILE --format json` on every file of
benchmarks/check_gallery/layers/ (one child process per file, with a time
limit) and scores its findings against benchmarks/check_gallery/truth.toml:
per check, a `fail` on a layer whose truth is `fault` is a true positive, a
`fail` elsewhere a false positive, a `fault` without a `fail` a miss. A fault
that shows only because of another fault (truth `via = [...]`) is excused when
the checker reports that other fault instead. A layer the checker could not
run counts its true faults as misses. Check names the truth does not know are
listed, not scored.

By default no per-layer configuration is given (a user's first try); with
--with-config each layer's constructor arguments, input shapes and dtypes and
call arguments from check_gallery/layers.toml are passed with --config.

    python benchmarks/check_precision.py [--with-config] [--timeout 600]
        [--repo PATH] [--python PATH] [--layer STEM ...] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
GALLERY = HERE / "check_gallery"
REPO = HERE.parent
FLAGGED = {"fail", "failed", "fault"}
ERRORED = {"error"}


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    excused: int = 0
    checker_errors: int = 0

    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


@dataclass
class Run:
    stem: str
    cls: str
    seconds: float
    report: dict | None = None  # the checker's entry for the truth class
    problem: str = ""  # why there is no usable report
    extra: list = field(default_factory=list)  # other classes the file defines


def load_truth() -> tuple[dict, list[str]]:
    """truth.toml, checked for shape: every layer judges the same checks, values known."""
    truth = tomllib.loads((GALLERY / "truth.toml").read_text(encoding="utf-8"))
    checks = [key for key in next(iter(truth.values())) if key != "class"]
    for stem, entry in truth.items():
        if sorted(k for k in entry if k != "class") != sorted(checks):
            sys.exit(f"check_precision: truth.toml [{stem}] does not judge exactly {checks}")
        for check in checks:
            expected, via, _ = truth_of(entry[check])
            if expected not in ("fault", "ok", "n/a") or not set(via) <= set(checks):
                sys.exit(f"check_precision: truth.toml [{stem}] {check}: bad entry")
    return truth, checks


def load_specs() -> dict:
    return tomllib.loads((GALLERY / "layers.toml").read_text(encoding="utf-8"))


def truth_of(entry) -> tuple[str, list[str], str]:
    """(fault|ok|n/a, via checks, reason) from a plain string or a table."""
    if isinstance(entry, str):
        return entry, [], ""
    return entry["truth"], list(entry.get("via", [])), entry.get("why", "")


def checker_config(spec: dict) -> dict:
    """layers.toml's description in the form `scaffold check --config` reads."""
    inputs = spec["inputs"]
    shapes = [i["shape"] for i in inputs]
    entry = {
        "args": spec.get("args", {}),
        "input_shape": shapes[0] if len(shapes) == 1 else shapes,
    }
    dtypes = [i.get("dtype", "float32") for i in inputs]
    if any(d != "float32" for d in dtypes):
        entry["input_dtype"] = dtypes[0] if len(set(dtypes)) == 1 else dtypes
    ranges = [i["range"] for i in inputs if "range" in i]
    if ranges:
        entry["input_range"] = ranges[0]
    call_args = {**spec.get("call_kwargs", {}), **{k: None for k in spec.get("none_kwargs", [])}}
    for name, tensor in spec.get("tensor_kwargs", {}).items():
        # `true` is the checker's all-True mask over the first input's steps; any
        # other tensor goes as a nested list of ones (attend everywhere)
        if tensor.get("dtype") == "bool" and tensor["shape"] == shapes[0][:-1]:
            call_args[name] = True
        else:
            call_args[name] = _ones(tensor["shape"])
    if call_args:
        entry["call_args"] = call_args
    if len(inputs) > 1:
        entry["inputs_as"] = spec.get("pack") or "args"
    return entry


def _ones(shape: list[int]):
    return [_ones(shape[1:]) for _ in range(shape[0])] if shape else 1


def parse_report(stdout: str) -> dict | None:
    """The checker's JSON document, tolerating text printed before it."""
    text = stdout.strip()
    candidates = [text] + [text[i:] for i in range(len(text)) if text.startswith("{", i)][:50]
    for candidate in candidates:
        try:
            document = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(document, dict) and isinstance(document.get("layers"), list):
            return document
    return None


def run_file(stem: str, cls: str, spec: dict, options) -> Run:
    path = GALLERY / "layers" / f"{stem}.py"
    command = [options.python, "-m", "scaffold", "check", str(path), "--format", "json"]
    with tempfile.TemporaryDirectory() as tmp:
        if options.with_config:
            config = Path(tmp) / "config.json"
            config.write_text(json.dumps({cls: checker_config(spec)}))
            command += ["--config", str(config)]
        start = time.perf_counter()
        try:
            done = subprocess.run(
                command,
                cwd=tmp,
                capture_output=True,
                text=True,
                timeout=options.timeout,
                env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            return Run(stem, cls, options.timeout, problem=f"timed out after {options.timeout} s")
        seconds = round(time.perf_counter() - start, 1)
    document = parse_report(done.stdout)
    if document is None:
        last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        return Run(
            stem, cls, seconds, problem=f"no JSON report (exit {done.returncode}): {last[0]}"
        )
    run = Run(stem, cls, seconds)
    for layer in document["layers"]:
        name = str(layer.get("target", "")).rpartition(":")[2]
        if name == cls:
            run.report = layer
        else:
            run.extra.append(name)
    if run.report is None:
        run.problem = f"no report for {cls} (reported: {', '.join(run.extra) or 'nothing'})"
    elif not run.report.get("findings"):
        run.problem = f"not run: {run.report.get('error') or 'no findings'}"
    return run


def findings_of(run: Run) -> dict[str, dict]:
    if run.report is None:
        return {}
    return {str(f.get("check")): f for f in run.report.get("findings") or [] if isinstance(f, dict)}


def score(truth: dict, runs: list[Run], checks: list[str]):
    scores = {check: Score() for check in checks}
    misses, false_alarms, unknown = [], [], set()
    for run in runs:
        findings = findings_of(run)
        unknown.update(name for name in findings if name not in scores)

        def flagged(check: str) -> bool:
            status = str(findings.get(check, {}).get("status", "")).lower()
            return status in FLAGGED

        for check in checks:
            expected, via, why = truth_of(truth[run.stem][check])
            finding = findings.get(check, {})
            status = str(finding.get("status", "")).lower()
            message = finding.get("message") or run.problem or "not reported"
            if status in ERRORED:
                scores[check].checker_errors += 1
            if expected == "fault":
                if flagged(check):
                    scores[check].tp += 1
                elif via and any(flagged(v) for v in via):
                    scores[check].excused += 1
                else:
                    scores[check].fn += 1
                    misses.append((run.stem, check, why, message))
            elif flagged(check):
                scores[check].fp += 1
                false_alarms.append((run.stem, check, expected, message))
            else:
                scores[check].tn += 1
    return scores, misses, false_alarms, sorted(unknown)


def ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def print_report(scores, misses, false_alarms, unknown, runs, options) -> Score:
    total = Score()
    print(f"{'check':<18} {'TP':>3} {'FP':>3} {'FN':>3} {'TN':>3} {'exc':>3}  precision  recall")
    for check, s in scores.items():
        for attr in ("tp", "fp", "fn", "tn", "excused", "checker_errors"):
            setattr(total, attr, getattr(total, attr) + getattr(s, attr))
        print(
            f"{check:<18} {s.tp:>3} {s.fp:>3} {s.fn:>3} {s.tn:>3} {s.excused:>3}"
            f"  {ratio(s.precision()):>9}  {ratio(s.recall()):>6}"
        )
    print(
        f"{'overall':<18} {total.tp:>3} {total.fp:>3} {total.fn:>3} {total.tn:>3}"
        f" {total.excused:>3}  {ratio(total.precision()):>9}  {ratio(total.recall()):>6}"
    )
    not_run = [r for r in runs if r.problem]
    print(
        f"\n{len(runs)} layers; {len(not_run)} not checkable"
        f" ({'with' if options.with_config else 'without'} per-layer config);"
        f" checker errors (status 'error'): {total.checker_errors}"
    )
    for run in not_run:
        print(f"  not checkable: {run.stem} ({run.cls}): {run.problem}")
    if unknown:
        print(f"check names the truth does not know (not scored): {', '.join(unknown)}")
    print(f"\nfalse positives ({len(false_alarms)}):")
    for stem, check, expected, message in false_alarms:
        print(f"  {stem} {check} (truth {expected}): {message}")
    print(f"\nfalse negatives ({len(misses)}):")
    for stem, check, why, message in misses:
        print(f"  {stem} {check}: truth: {why} | checker: {message}")
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--with-config", action="store_true", help="pass layers.toml via --config")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per file [600]")
    parser.add_argument("--repo", type=Path, default=REPO, help="checkout whose checker runs")
    parser.add_argument("--python", help="interpreter with scaffold installed [REPO/.venv]")
    parser.add_argument("--layer", action="append", help="file stem (repeatable) [all]")
    parser.add_argument("--jobs", type=int, default=1, help="files checked at once [1]")
    parser.add_argument("--json", type=Path, help="result file [benchmarks/results/...]")
    options = parser.parse_args()
    venv = options.repo / ".venv" / "bin" / "python"
    options.python = options.python or (str(venv) if venv.exists() else sys.executable)

    (truth, checks), specs = load_truth(), load_specs()
    stems = options.layer or sorted(truth)
    missing = [s for s in stems if s not in truth or s not in specs]
    if missing:
        sys.exit(f"check_precision: no truth or spec for {', '.join(missing)}")

    def one(stem: str) -> Run:
        return run_file(stem, truth[stem]["class"], specs[stem], options)

    with ThreadPoolExecutor(max_workers=max(1, options.jobs)) as pool:
        runs = list(pool.map(one, stems))
    scores, misses, false_alarms, unknown = score(truth, runs, checks)
    total = print_report(scores, misses, false_alarms, unknown, runs, options)

    mode = "config" if options.with_config else "zero-config"
    path = options.json or HERE / "results" / f"check_precision-{mode}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {
                "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "mode": mode,
                "repo": str(options.repo),
                "python": options.python,
                "overall": {
                    **vars(total),
                    "precision": total.precision(),
                    "recall": total.recall(),
                },
                "per_check": {
                    c: {**vars(s), "precision": s.precision(), "recall": s.recall()}
                    for c, s in scores.items()
                },
                "false_positives": false_alarms,
                "false_negatives": misses,
                "unknown_checks": unknown,
                "runs": [vars(r) for r in runs],
            },
            indent=2,
        )
        + "\n"
    )
    flags = " --with-config" if options.with_config else ""
    print(f"\nwritten to {path}")
    print(f"reproduce: python benchmarks/check_precision.py{flags} --repo {options.repo}")


if __name__ == "__main__":
    main()
