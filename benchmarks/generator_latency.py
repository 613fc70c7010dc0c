"""Whole-process wall time of the generators, beside `python -c pass` and cookiecutter.

The case a user has: a NEW layer name on every run, with a cold cache (an
empty cache directory each time), so no cache keyed by the output can hit.
`scaffold layer NEWNAME` is compared with cookiecutter rendering a comparable
one-file layer template (benchmarks/cookiecutter-layer), measured in the same
run; `scaffold lenet DIR` writes a new project into a new directory, cold.
Rows marked "repeated" rerun the very same command with a warm cache: shown
beside, not the target. Each command runs N times (default 15), the commands
alternating so machine noise hits all alike; the table gives median, min and
max of the wall time and the median CPU time (user + system), which a loaded
machine inflates much less. cookiecutter is not a dependency of scaffold: it is installed into
benchmarks/.venv on first use. Results are also written as JSON.

    python benchmarks/generator_latency.py [--runs 15] [--json benchmarks/results/latency.json]
        [--baseline path/to/another/scaffold]

--baseline adds the same cold rows for another scaffold executable (an older
version, say), measured in the same run.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXAMPLE_KIND = HERE.parent / "examples" / "kinds" / "rms-norm"
TARGETS = {  # row -> (limit, what the limit is relative to)
    "scaffold layer NEWNAME (cold)": (0.6, "cookiecutter (one-file layer template)"),
    "scaffold lenet NEWDIR (cold)": (0.30, None),
}


def timed(command: list[str], cwd: Path, env: dict | None = None) -> tuple[float, float]:
    """Wall time, and CPU time (user + system) of the process: on a loaded machine
    the wall time grows with the load, the CPU time much less."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        command, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def scaffold_command() -> list[str]:
    found = shutil.which("scaffold")
    return [found] if found else [sys.executable, "-m", "scaffold"]


def cookiecutter_command() -> list[str]:
    """cookiecutter's own console script, from a separate environment."""
    environment = HERE / ".venv"
    script = environment / "bin" / "cookiecutter"
    if not script.exists():
        subprocess.run([sys.executable, "-m", "venv", str(environment)], check=True)
        subprocess.run(
            [str(environment / "bin" / "pip"), "install", "-q", "cookiecutter"], check=True
        )
    return [str(script)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json", type=Path, default=HERE / "results" / "latency.json")
    parser.add_argument("--baseline", help="another scaffold executable to time beside")
    args = parser.parse_args()

    scaffold = scaffold_command()
    cookiecutter = cookiecutter_command()
    template = HERE / "cookiecutter-layer"
    counter = itertools.count()

    def fresh(prefix: str) -> str:
        return f"{prefix}{next(counter)}"

    def cold(tmp: Path) -> dict:
        """An empty cache directory: nothing compiled or formatted before."""
        return {**os.environ, "SCAFFOLD_CACHE_DIR": str(tmp / fresh("cache"))}

    warm = {**os.environ}

    # name -> (command for a work directory, environment for it)
    commands = {
        "python -c pass": (lambda d: [sys.executable, "-c", "pass"], lambda d: None),
        "scaffold --help": (lambda d: [*scaffold, "--help"], lambda d: None),
        "scaffold layer NEWNAME (cold)": (
            lambda d: [*scaffold, "layer", fresh("Layer"), "-o", str(d)],
            cold,
        ),
        "scaffold layer NEWNAME --kind conv-bn-relu (cold)": (
            lambda d: [*scaffold, "layer", fresh("Layer"), "--kind", "conv-bn-relu", "-o", str(d)],
            cold,
        ),
        "scaffold layer NEWNAME --kind PATH, a user kind: black (cold)": (
            lambda d: [
                *scaffold,
                "layer",
                fresh("Layer"),
                "--kind",
                str(EXAMPLE_KIND),
                "-o",
                str(d),
            ],
            cold,
        ),
        "cookiecutter (one-file layer template)": (
            lambda d: [*cookiecutter, "--no-input", "-f", "-o", str(d), str(template)],
            lambda d: None,
        ),
        "scaffold lenet NEWDIR (cold)": (
            lambda d: [*scaffold, "lenet", str(d / fresh("lenet")), "--name", "lenet5"],
            cold,
        ),
        **(
            {
                "baseline: scaffold layer NEWNAME (cold)": (
                    lambda d: [args.baseline, "layer", fresh("Layer"), "-o", str(d)],
                    cold,
                ),
                "baseline: scaffold lenet NEWDIR (cold)": (
                    lambda d: [args.baseline, "lenet", str(d / fresh("lenet")), "--name", "p"],
                    cold,
                ),
            }
            if args.baseline
            else {}
        ),
        "repeated: scaffold layer X, same command (warm cache)": (
            lambda d: [*scaffold, "layer", "X", "-o", str(d / "same"), "--force"],
            lambda d: warm,
        ),
        "repeated: scaffold lenet DIR, same command (warm cache)": (
            lambda d: [*scaffold, "lenet", str(d / "same-lenet"), "--force"],
            lambda d: warm,
        ),
    }
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "same").mkdir()
        for make, env in commands.values():  # warm-up: OS file cache, .pyc files
            timed(make(tmp), tmp, env(tmp))
        for _ in range(args.runs):
            for name, (make, env) in commands.items():
                samples[name].append(timed(make(tmp), tmp, env(tmp)))

    rows = {}
    for name, values in samples.items():
        walls, cpus = [w for w, _ in values], [c for _, c in values]
        rows[name] = {
            "median_s": statistics.median(walls),
            "min_s": min(walls),
            "max_s": max(walls),
            "cpu_median_s": statistics.median(cpus),
            "runs": len(values),
        }
    width = max(map(len, rows))
    print(f"{'command':{width}} {'median s':>9} {'min s':>7} {'max s':>7} {'cpu s':>7}")
    for name, row in rows.items():
        print(
            f"{name:{width}} {row['median_s']:9.3f} {row['min_s']:7.3f} {row['max_s']:7.3f} "
            f"{row['cpu_median_s']:7.3f}"
        )
    results = {}
    print()
    for name, (limit, relative_to) in TARGETS.items():
        value, cpu = rows[name]["median_s"], rows[name]["cpu_median_s"]
        if relative_to:
            value /= rows[relative_to]["median_s"]
            cpu /= rows[relative_to]["cpu_median_s"]
            unit, what = "x", f" {relative_to.split(' (')[0]}"
        else:
            unit, what = " s", ""
        met = value <= limit
        results[name] = {"value": value, "cpu_value": cpu, "limit": limit, "met": met}
        print(
            f"{name}: {value:.3g}{unit}{what} (target <= {limit}{unit}): "
            f"{'met' if met else 'NOT met'}; in CPU time {cpu:.3g}{unit}"
        )
    machine = f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}"
    load = os.getloadavg()[0]
    print(f"{machine}, load average {load:.1f}, {date.today()}, {args.runs} runs each")
    print(f"rerun: python benchmarks/generator_latency.py --runs {args.runs}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "rows": rows,
        "targets": results,
        "machine": machine,
        "load_average": load,
        "date": str(date.today()),
    }
    args.json.write_text(json.dumps(payload, indent=2) + "\n")


if __name__ == "__main__":
    main()
