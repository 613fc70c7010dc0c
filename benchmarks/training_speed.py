"""Training speed of the generated LeNet-5: custom layers against keras.layers.

Generates a project with `scaffold lenet`, then times `model.fit` steps per
second after warm-up for each style, with and without XLA (`jit_compile`) and
with a numpy or a tf.data input, on the same data and batch size. The
configurations alternate round by round so machine noise hits all alike; the
table gives medians and the custom/builtin ratio per setting. Results are also
written as JSON.

    python benchmarks/training_speed.py [--rounds 5] [--steps 100] [--batch-size 128]
"""

from __future__ import annotations

import argparse
import importlib
import itertools
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
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def generate_project(directory: Path) -> str:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "scaffold",
            "lenet",
            str(directory / "bench"),
            "--name",
            "bench_lenet",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(HERE.parent)},
    )
    sys.path.insert(0, str(directory / "bench" / "src"))
    return "bench_lenet"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--json", type=Path, default=HERE / "results" / "training_speed.json")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        package = generate_project(Path(tmp))
        import keras
        import numpy as np
        import tensorflow as tf

        build_model = importlib.import_module(f"{package}.model").build_model
        rng = np.random.default_rng(0)
        n = args.batch_size * args.steps
        images = rng.random((n, 32, 32, 1), dtype="float32")
        labels = rng.integers(0, 10, n).astype("int32")
        inputs = {
            "numpy": lambda: (images, labels),
            "tf.data": lambda: (
                tf.data.Dataset.from_tensor_slices((images, labels))
                .batch(args.batch_size)
                .prefetch(tf.data.AUTOTUNE),
                None,
            ),
        }

        settings = list(itertools.product(("off", "on"), inputs))
        models = {}
        for jit, feed in settings:
            for style in ("custom", "builtin"):
                keras.utils.set_random_seed(0)
                model = build_model(style)
                model.compile(
                    optimizer=keras.optimizers.Adam(1e-3),
                    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                    metrics=["accuracy"],
                    jit_compile=jit == "on",
                )
                x, y = inputs[feed]()
                model.fit(x, y, batch_size=args.batch_size, epochs=1, steps_per_epoch=5, verbose=0)
                models[(style, jit, feed)] = (model, x, y)

        samples = {key: [] for key in models}
        for _ in range(args.rounds):
            for key, (model, x, y) in models.items():
                start = time.perf_counter()
                model.fit(x, y, batch_size=args.batch_size, epochs=1, verbose=0)
                samples[key].append(args.steps / (time.perf_counter() - start))

    rows = []
    print(
        f"{'jit_compile':>11} {'input':>8} {'custom steps/s':>15} {'builtin steps/s':>16} {'custom/builtin':>15}"
    )
    for jit, feed in settings:
        custom = statistics.median(samples[("custom", jit, feed)])
        builtin = statistics.median(samples[("builtin", jit, feed)])
        rows.append(
            {
                "jit_compile": jit,
                "input": feed,
                "custom_steps_per_s": custom,
                "builtin_steps_per_s": builtin,
                "ratio": custom / builtin,
            }
        )
        print(f"{jit:>11} {feed:>8} {custom:15.1f} {builtin:16.1f} {custom / builtin:15.2f}")
    machine = f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}"
    print(
        f"\nbatch {args.batch_size}, {args.steps} steps per measurement, median of {args.rounds} rounds; "
        f"{machine}, {date.today()}"
    )
    print(f"rerun: python benchmarks/training_speed.py --rounds {args.rounds} --steps {args.steps}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps({"rows": rows, "machine": machine, "date": str(date.today())}, indent=2) + "\n"
    )


if __name__ == "__main__":
    main()
