"""Whole-process wall time of the generators, beside `python -c pass` and cookiecutter.

Each command runs N times (default 15), the commands alternating so machine
noise hits all alike; the table gives median, min and max, and the ratio of
`scaffold layer` to cookiecutter rendering a comparable one-file layer
template (benchmarks/cookiecutter-layer) measured in the same run. "cold" rows
run with SCAFFOLD_NO_CACHE=1: black and Jinja work from scratch, as on the
first run of a given layer. cookiecutter
is not a dependency of scaffold: it is installed into benchmarks/.venv on first
use. Results are also written as JSON.

    python benchmarks/generator_latency.py [--runs 15] [--json benchmarks/results/latency.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent


COLD = {**os.environ, "SCAFFOLD_NO_CACHE": "1"}  # no black/Jinja cache: a first run


def timed(command: list[str], cwd: Path, env: dict | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(
        command, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return time.perf_counter() - start


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
    args = parser.parse_args()

    scaffold = scaffold_command()
    cookiecutter = cookiecutter_command()
    template = HERE / "cookiecutter-layer"
    layer = lambda d: [*scaffold, "layer", "X", "-o", str(d), "--force"]  # noqa: E731
    lenet = lambda d: [*scaffold, "lenet", str(d / "lenet5"), "--force"]  # noqa: E731
    # name -> (command for a directory, environment)
    commands = {
        "python -c pass": (lambda d: [sys.executable, "-c", "pass"], None),
        "scaffold --help": (lambda d: [*scaffold, "--help"], None),
        "scaffold layer X": (layer, None),
        "scaffold layer X (cold: no cache)": (layer, COLD),
        "scaffold layer X --kind conv-bn-relu (cold)": (
            lambda d: [*scaffold, "layer", "X", "--kind", "conv-bn-relu", "-o", str(d), "--force"],
            COLD,
        ),
        "cookiecutter (one-file layer template)": (
            lambda d: [*cookiecutter, "--no-input", "-f", "-o", str(d), str(template)],
            None,
        ),
        "scaffold lenet DIR": (lenet, None),
        "scaffold lenet DIR (cold: no cache)": (lenet, COLD),
    }
    samples: dict[str, list[float]] = {name: [] for name in commands}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for make, env in commands.values():  # warm-up: OS file cache, .pyc files, caches
            timed(make(tmp), tmp, env)
        for _ in range(args.runs):
            for name, (make, env) in commands.items():
                samples[name].append(timed(make(tmp), tmp, env))

    rows = {
        name: {
            "median_s": statistics.median(values),
            "min_s": min(values),
            "max_s": max(values),
            "runs": len(values),
        }
        for name, values in samples.items()
    }
    cookie = rows["cookiecutter (one-file layer template)"]["median_s"]
    ratio = rows["scaffold layer X"]["median_s"] / cookie
    cold_ratio = rows["scaffold layer X (cold: no cache)"]["median_s"] / cookie
    print(f"{'command':42} {'median s':>9} {'min s':>7} {'max s':>7}")
    for name, row in rows.items():
        print(f"{name:42} {row['median_s']:9.3f} {row['min_s']:7.3f} {row['max_s']:7.3f}")
    print(f"\nscaffold layer / cookiecutter (medians): {ratio:.2f}x; cold: {cold_ratio:.2f}x")
    machine = f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}"
    print(f"{machine}, {date.today()}, {args.runs} runs each")
    print(f"rerun: python benchmarks/generator_latency.py --runs {args.runs}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "rows": rows,
        "layer_over_cookiecutter": ratio,
        "cold_layer_over_cookiecutter": cold_ratio,
        "machine": machine,
        "date": str(date.today()),
    }
    args.json.write_text(json.dumps(payload, indent=2) + "\n")


if __name__ == "__main__":
    main()
