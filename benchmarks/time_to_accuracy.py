"""Time to accuracy of the generated project's default recipe.

Generates a LeNet-5 project with `scaffold lenet`, trains it with its own
`train` module and default options on each dataset, and prints error and wall
time: digits (test split) and MNIST from IDX files (validation = the last
10,000 training images; ../shared/data/mnist has no test half).

    python benchmarks/time_to_accuracy.py [--datasets digits,idx] [--mnist-dir ../shared/data/mnist]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGETS = {
    "digits": "test error <= 1.5% within 30 s",
    "idx": "validation error <= 0.7% within 180 s",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default="digits,idx")
    parser.add_argument(
        "--mnist-dir", type=Path, default=HERE.parent.parent / "shared" / "data" / "mnist"
    )
    parser.add_argument("--style", default="custom", choices=("custom", "builtin"))
    parser.add_argument("--json", type=Path, default=HERE / "results" / "time_to_accuracy.json")
    args = parser.parse_args()

    env = {**os.environ, "PYTHONPATH": str(HERE.parent), "TF_CPP_MIN_LOG_LEVEL": "2"}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "tta"
        subprocess.run(
            [sys.executable, "-m", "scaffold", "lenet", str(project), "--name", "tta_lenet"],
            check=True,
            stdout=subprocess.DEVNULL,
            env=env,
        )
        env["PYTHONPATH"] = str(project / "src")
        for dataset in args.datasets.split(","):
            output = Path(tmp) / "runs"
            command = [
                sys.executable,
                "-m",
                "tta_lenet.training",
                "--dataset",
                dataset,
                "--style",
                args.style,
                "--verbose",
                "0",
                "--output-dir",
                str(output),
                "--run-name",
                dataset,
            ]
            if dataset == "idx":
                command += ["--data-dir", str(args.mnist_dir)]
            start = time.perf_counter()
            subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
            wall = time.perf_counter() - start
            metrics = json.loads((output / dataset / "metrics.json").read_text())
            split = "test" if metrics["test_accuracy"] is not None else "validation"
            rows.append(
                {
                    "dataset": dataset,
                    "split": split,
                    "error_percent": 100 * (1 - metrics[f"{split}_accuracy"]),
                    "epochs": metrics["epochs_run"],
                    "train_seconds": metrics["seconds"],
                    "wall_seconds": wall,
                    "target": TARGETS.get(dataset, ""),
                    "recipe": metrics["config"],
                }
            )

    print(
        f"{'dataset':8} {'split':10} {'error %':>8} {'epochs':>6} {'train s':>8} {'wall s':>7}  target"
    )
    for row in rows:
        print(
            f"{row['dataset']:8} {row['split']:10} {row['error_percent']:8.2f} {row['epochs']:6d} "
            f"{row['train_seconds']:8.1f} {row['wall_seconds']:7.1f}  {row['target']}"
        )
    machine = f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}"
    print(f"\nstyle {args.style}; {machine}, {date.today()}")
    print(f"rerun: python benchmarks/time_to_accuracy.py --datasets {args.datasets}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps({"rows": rows, "machine": machine, "date": str(date.today())}, indent=2) + "\n"
    )


if __name__ == "__main__":
    main()
