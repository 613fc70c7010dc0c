"""What `scaffold check` costs: start-up once per run, then the work per layer.

Runs `scaffold check MODULE --format json` on a generated module of 1 and of
30 correct layers (dense, scale and composite layers in turn), N times each,
alternating so machine noise hits all alike, and prints per checker: the total
wall time, the start-up (Python and the backend's import), and the per-layer
cost, both as (total(30) - total(1)) / 29 and, for this checker, as the median
of the per-layer times it reports. With --baseline DIR, the checker of another
checkout (such as the main branch, with its own virtual environment) is
measured in the same run for comparison. Results are also written as JSON.

    python benchmarks/check_cost.py [--runs 3] [--backend tensorflow]
        [--baseline /work/main --baseline-python /work/main/.venv/bin/python]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

DENSE = """
@register
class Dense{i}(keras.layers.Layer):
    def __init__(self, units=8, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.kernel = self.add_weight(name="kernel", shape=(input_shape[-1], self.units))
        self.bias = self.add_weight(name="bias", shape=(self.units,), initializer="zeros")

    def call(self, inputs):
        return ops.relu(ops.matmul(inputs, self.kernel) + self.bias)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        return {{**super().get_config(), "units": self.units}}
"""
SCALE = """
@register
class Scale{i}(keras.layers.Layer):
    def build(self, input_shape):
        self.scale = self.add_weight(name="scale", shape=(input_shape[-1],), initializer="ones")

    def call(self, inputs):
        return inputs * self.scale
"""
BLOCK = """
@register
class Block{i}(keras.layers.Layer):
    def __init__(self, units=8, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.dense = keras.layers.Dense(units, dtype=self.dtype_policy)
        self.norm = keras.layers.LayerNormalization(dtype=self.dtype_policy)

    def build(self, input_shape):
        self.dense.build(input_shape)
        self.norm.build((*input_shape[:-1], self.units))

    def call(self, inputs):
        return self.norm(self.dense(inputs))

    def get_config(self):
        return {{**super().get_config(), "units": self.units}}
"""
HEADER = (
    "import keras\nfrom keras import ops\n\n"
    'register = keras.saving.register_keras_serializable(package="bench")\n'
)


def write_module(directory: Path, count: int) -> Path:
    kinds = [DENSE, SCALE, BLOCK]
    body = "".join(kinds[i % 3].format(i=i) for i in range(count))
    path = directory / f"layers{count}.py"
    path.write_text(HEADER + body)
    return path


def run_once(command: list[str], cwd: Path, env: dict) -> tuple[float, dict | None]:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    try:
        report = json.loads(result.stdout)
    except ValueError:
        raise SystemExit(f"{' '.join(command)} gave no JSON: {result.stderr[-1000:]}")
    if not report.get("passed"):
        failing = [l["target"] for l in report["layers"] if not l["passed"]]
        raise SystemExit(f"{' '.join(command)}: layers did not pass: {failing}")
    return elapsed, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--backend", default=os.environ.get("KERAS_BACKEND", "tensorflow"))
    parser.add_argument("--baseline", type=Path, help="another checkout to measure alike")
    parser.add_argument("--baseline-python", type=Path, help="the baseline's Python")
    parser.add_argument("--json", type=Path, default=HERE / "results" / "check_cost.json")
    args = parser.parse_args()

    checkers = {"this checkout": (sys.executable, REPO)}
    if args.baseline:
        checkers["baseline"] = (str(args.baseline_python or sys.executable), args.baseline)
    times: dict[str, dict[int, list[float]]] = {name: {1: [], 30: []} for name in checkers}
    reported: list[float] = []
    startups: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        modules = {count: write_module(Path(tmp), count) for count in (1, 30)}
        for _ in range(args.runs):
            for name, (python, root) in checkers.items():
                env = {
                    **os.environ,
                    "PYTHONPATH": str(root),
                    "KERAS_BACKEND": args.backend,
                    "TF_CPP_MIN_LOG_LEVEL": "3",
                }
                for count, module in modules.items():
                    command = [python, "-m", "scaffold", "check", str(module), "--format", "json"]
                    elapsed, report = run_once(command, root, env)
                    times[name][count].append(elapsed)
                    if name == "this checkout" and count == 30:
                        reported += [layer["seconds"] for layer in report["layers"]]
                        seconds = report["seconds"]
                        startups.append(seconds["startup"] + seconds["import"])

    rows = []
    for name in checkers:
        one, thirty = statistics.median(times[name][1]), statistics.median(times[name][30])
        per_layer = (thirty - one) / 29
        rows.append(
            {
                "checker": name,
                "total_1": one,
                "total_30": thirty,
                "startup": one - per_layer,
                "per_layer": per_layer,
            }
        )
    print(f"scaffold check on {args.backend}, {args.runs} run(s), medians (seconds)")
    print(f"{'checker':<14} {'1 layer':>8} {'30 layers':>10} {'start-up':>9} {'per layer':>10}")
    for row in rows:
        print(
            f"{row['checker']:<14} {row['total_1']:>8.2f} {row['total_30']:>10.2f} "
            f"{row['startup']:>9.2f} {row['per_layer']:>10.3f}"
        )
    print(
        f"this checkout, as it reports itself: start-up and import "
        f"{statistics.median(startups):.2f} s, per-layer median {statistics.median(reported):.3f} s "
        f"(min {min(reported):.3f}, max {max(reported):.3f})"
    )
    print(f"command: {sys.executable} -m scaffold check layers30.py --format json")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps(
            {
                "date": str(date.today()),
                "machine": platform.platform(),
                "cpus": os.cpu_count(),
                "backend": args.backend,
                "runs": args.runs,
                "rows": rows,
                "reported_per_layer_median": statistics.median(reported),
                "reported_startup_median": statistics.median(startups),
                "raw": times,
            },
            indent=2,
        )
    )
    print(f"written: {args.json}")


if __name__ == "__main__":
    main()
