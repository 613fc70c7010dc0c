"""Whole-process wall time of `scaffold layer`, beside `python -c pass`.

Runs each command N times (default 15), alternating them so machine noise hits
all alike, and prints the median, min and max. Also writes the numbers as JSON.

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
from pathlib import Path


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def scaffold_executable() -> list[str]:
    found = shutil.which("scaffold")
    return [found] if found else [sys.executable, "-m", "scaffold"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json", type=Path, default=Path("benchmarks/results/latency.json"))
    args = parser.parse_args()

    scaffold = scaffold_executable()
    commands = {
        "python -c pass": lambda d: [sys.executable, "-c", "pass"],
        "scaffold --help": lambda d: [*scaffold, "--help"],
        "scaffold layer X (blank)": lambda d: [*scaffold, "layer", "X", "-o", str(d), "--force"],
        "scaffold layer X --kind conv-bn-relu": lambda d: [
            *scaffold,
            "layer",
            "X",
            "--kind",
            "conv-bn-relu",
            "-o",
            str(d),
            "--force",
        ],
    }
    samples: dict[str, list[float]] = {name: [] for name in commands}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for name, make in commands.items():  # warm the OS file cache once
            timed(make(tmp), tmp)
        for _ in range(args.runs):
            for name, make in commands.items():
                samples[name].append(timed(make(tmp), tmp))

    rows = {
        name: {
            "median_s": statistics.median(values),
            "min_s": min(values),
            "max_s": max(values),
            "runs": len(values),
        }
        for name, values in samples.items()
    }
    print(f"{'command':40} {'median s':>9} {'min s':>7} {'max s':>7}")
    for name, row in rows.items():
        print(f"{name:40} {row['median_s']:9.3f} {row['min_s']:7.3f} {row['max_s']:7.3f}")
    print(f"\n{os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}")
    print("rerun: python benchmarks/generator_latency.py --runs", args.runs)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"rows": rows, "cores": os.cpu_count()}, indent=2) + "\n")


if __name__ == "__main__":
    main()
