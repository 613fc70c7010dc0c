"""Time to accuracy of the generated project's default recipe, per architecture.

Generates one LeNet-5 project per architecture with `scaffold lenet`, trains
each with its own `training` module and default options on each dataset and
seed, and prints error, epochs and wall time: digits (test split) and MNIST
from IDX files (validation = the last 10,000 training images;
../shared/data/mnist has no test half). The load average is recorded before
and after each run: wall times mean something only on a quiet machine, so
compare recipes by epochs and error at fixed seeds.

    python benchmarks/time_to_accuracy.py [--architectures relu,lecun98]
        [--datasets digits,idx] [--seeds 0] [--mnist-dir ../shared/data/mnist]
        [--train-args "--epochs 40 --batch-size 256"]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGETS = {
    ("relu", "digits"): "test error <= 1.5% within 30 s",
    ("relu", "idx"): "validation error <= 0.55% within 180 s",
    ("lecun98", "digits"): "",
    ("lecun98", "idx"): "validation error <= 0.95% (the paper, without distortions)",
}


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


def generate(root: Path, architecture: str, env: dict) -> str:
    package = f"tta_{architecture}"
    subprocess.run(
        [sys.executable, "-m", "scaffold", "lenet", str(root / package), "--name", package]
        + ["--architecture", architecture],
        check=True,
        stdout=subprocess.DEVNULL,
        env=env,
    )
    return package


def train(root: Path, package: str, dataset: str, seed: int, args) -> dict:
    run = f"{dataset}-{seed}"
    command = [
        *(sys.executable, "-m", f"{package}.training", "--dataset", dataset),
        *("--style", args.style, "--seed", str(seed), "--verbose", "0"),
        *("--output-dir", str(root / "runs" / package), "--run-name", run),
        *shlex.split(args.train_args),
    ]
    if dataset == "idx":
        command += ["--data-dir", str(args.mnist_dir)]
    env = {**os.environ, "PYTHONPATH": str(root / package / "src"), "TF_CPP_MIN_LOG_LEVEL": "2"}
    load_before, start = load_average(), time.perf_counter()
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
    wall, load_after = time.perf_counter() - start, load_average()
    metrics = json.loads((root / "runs" / package / run / "metrics.json").read_text())
    split = "test" if metrics["test_accuracy"] is not None else "validation"
    architecture = package.removeprefix("tta_")
    return {
        "architecture": architecture,
        "dataset": dataset,
        "seed": seed,
        "split": split,
        "error_percent": round(100 * (1 - metrics[f"{split}_accuracy"]), 3),
        "epochs": metrics["epochs_run"],
        "train_seconds": round(metrics["seconds"], 1),
        "wall_seconds": round(wall, 1),
        "load_before": load_before,
        "load_after": load_after,
        "target": TARGETS.get((architecture, dataset), ""),
        "recipe": metrics["config"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--architectures", default="relu,lecun98")
    parser.add_argument("--datasets", default="digits,idx")
    parser.add_argument("--seeds", default="0", help="comma-separated training seeds")
    parser.add_argument(
        "--mnist-dir", type=Path, default=HERE.parent.parent / "shared" / "data" / "mnist"
    )
    parser.add_argument("--style", default="custom", choices=("custom", "builtin"))
    parser.add_argument(
        "--train-args", default="", help="options passed on to training, to try another recipe"
    )
    parser.add_argument("--json", type=Path, default=HERE / "results" / "time_to_accuracy.json")
    args = parser.parse_args()

    env = {**os.environ, "PYTHONPATH": str(HERE.parent), "TF_CPP_MIN_LOG_LEVEL": "2"}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for architecture in args.architectures.split(","):
            package = generate(Path(tmp), architecture, env)
            for dataset in args.datasets.split(","):
                for seed in map(int, args.seeds.split(",")):
                    rows.append(train(Path(tmp), package, dataset, seed, args))
                    print(json.dumps({k: v for k, v in rows[-1].items() if k != "recipe"}))

    print(
        f"\n{'architecture':12} {'dataset':8} {'seed':>4} {'split':10} {'error %':>8} "
        f"{'epochs':>6} {'train s':>8} {'wall s':>7} {'load':>10}  target"
    )
    for row in rows:
        load = f"{row['load_before']:.1f}->{row['load_after']:.1f}"
        print(
            f"{row['architecture']:12} {row['dataset']:8} {row['seed']:4d} {row['split']:10} "
            f"{row['error_percent']:8.2f} {row['epochs']:6d} {row['train_seconds']:8.1f} "
            f"{row['wall_seconds']:7.1f} {load:>10}  {row['target']}"
        )
    machine = f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}"
    print(f"\nstyle {args.style}; {machine}, {date.today()}")
    print("rerun: python " + shlex.join(sys.argv))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps(
            {"rows": rows, "machine": machine, "date": str(date.today()), "argv": sys.argv},
            indent=2,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
