"""Does a migrated layer compute what the original computed, given the same weights?

Run as a script, once per side, each in its own process (a module's
registrations and Keras itself must not mix):

    python migrate_equivalence.py original ORIGINAL.py CONFIG.json STATE.npz REPORT.json
    python migrate_equivalence.py migrated MIGRATED.py CONFIG.json STATE.npz REPORT.json

CONFIG maps class names to {"args": {...}, "input_shape": [...]} (the
`scaffold check --config` format, plus optional "input_dtype", "input_range").
The original side builds each layer on a fixed input, records every variable
it holds by attribute path (raw tf.Variables included, which Keras 3 does not
track) and the output of a second call. The migrated side builds its layer on
the same input, assigns the recorded values by the same paths and compares
its output. With TF_USE_LEGACY_KERAS=1 the original runs on Keras 2
(tf_keras), for layers Keras 3 cannot even construct (dynamic=True,
add_weight's positional name).
"""

from __future__ import annotations

import collections.abc
import importlib.util
import json
import os
import sys
import traceback
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

TOLERANCE = 1e-5


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    sys.path.insert(0, str(path.parent))
    spec.loader.exec_module(module)
    return module


def _keras():
    import tensorflow as tf

    return tf.keras  # Keras 3, or Keras 2 under TF_USE_LEGACY_KERAS=1


def _sample(settings: dict):
    import numpy as np

    shape = tuple(settings["input_shape"])
    rng = np.random.default_rng(0)
    dtype = settings.get("input_dtype", "float32")
    if dtype.startswith("int"):
        low, high = settings.get("input_range", [0, 10])
        return rng.integers(low, high, size=shape).astype(dtype)
    if "input_range" in settings:
        low, high = settings["input_range"]
        return rng.uniform(low, high, size=shape).astype(dtype)
    return rng.normal(size=shape).astype(dtype)


def _is_variable(value) -> bool:
    return all(hasattr(value, a) for a in ("assign", "numpy", "shape")) and not _is_layer(value)


def _is_layer(value) -> bool:
    return isinstance(value, _keras().layers.Layer)


def _internal_attributes() -> set[str]:
    """Attributes Keras itself puts on a built layer with a weight and a sublayer."""
    keras = _keras()

    class Probe(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.probe_sublayer = keras.layers.Dense(2)

        def build(self, input_shape):
            self.probe_weight = self.add_weight(name="w", shape=(2,))

        def call(self, inputs):
            return self.probe_sublayer(inputs) * self.probe_weight

    probe = Probe()
    probe(_sample({"input_shape": [1, 2]}))
    return {name for name in vars(probe) if not name.startswith("probe_")}


def _is_builtin(layer) -> bool:
    module = type(layer).__module__
    return module.startswith(("keras.", "tf_keras.", "keras_", "tensorflow."))


def state(layer, internal: set[str]) -> dict:
    """Every variable reachable from the layer, by attribute path."""
    found: dict = {}
    seen: set[int] = set()

    def visit(value, path: str) -> None:
        if id(value) in seen:
            return
        seen.add(id(value))
        if _is_variable(value):
            found[path] = value
        elif _is_layer(value):
            if _is_builtin(value) and path:
                for index, weight in enumerate(value.weights):
                    found[f"{path}#{index}"] = weight
                return
            for name in sorted(vars(value)):
                if name not in internal:
                    visit(getattr(value, name), f"{path}.{name}" if path else name)
        elif isinstance(value, collections.abc.Mapping):
            for key in sorted(value, key=str):
                visit(value[key], f"{path}[{key!r}]")
        elif isinstance(value, collections.abc.Sequence) and not isinstance(value, (str, bytes)):
            for index, item in enumerate(value):
                visit(item, f"{path}[{index}]")

    visit(layer, "")
    return found


def _outputs(value) -> list:
    import numpy as np
    import tensorflow as tf

    return [np.asarray(v) for v in tf.nest.flatten(value)]


def _modules(modules: list[dict], side: str, report: dict):
    """(key, module, config) for each module that imports; the others are reported."""
    for entry in modules:
        key = entry["key"]
        try:
            module = _load(Path(entry["path"]), f"{side}_{key}")
        except Exception as error:
            report[key] = {"module_error": f"{type(error).__name__}: {error}"[:300]}
            continue
        report[key] = {}
        yield key, module, entry["config"]


def run_original(modules: list[dict], state_path: Path) -> dict:
    import numpy as np

    internal = _internal_attributes()
    arrays, report = {}, {}
    for key, module, config in _modules(modules, "original", report):
        for name, settings in config.items():
            try:
                layer = getattr(module, name)(**settings.get("args", {}))
                x = _sample(settings)
                layer(x)  # builds
                values = {p: np.asarray(v.numpy()) for p, v in state(layer, internal).items()}
                outputs = _outputs(layer(x))
            except Exception as error:
                report[key][name] = {
                    "ran": False,
                    "error": f"{type(error).__name__}: {error}"[:300],
                }
                continue
            for path, value in values.items():
                arrays[f"{key}/{name}/state/{path}"] = value
            for index, output in enumerate(outputs):
                arrays[f"{key}/{name}/output/{index}"] = output
            report[key][name] = {"ran": True, "variables": sorted(values), "outputs": len(outputs)}
    np.savez(state_path, **arrays)
    return report


def run_migrated(modules: list[dict], state_path: Path, original: dict) -> dict:
    import numpy as np

    internal = _internal_attributes()
    saved = np.load(state_path)
    report = {}
    for key, module, config in _modules(modules, "migrated", report):
        for name, settings in config.items():
            before = original.get(key, {}).get(name, {})
            report[key][name] = _compare_one(module, name, settings, before, saved, key, internal)
    return report


def _compare_one(module, name, settings, before, saved, key, internal) -> dict:
    import numpy as np

    result = {"imported": hasattr(module, name)}
    try:
        layer = getattr(module, name)(**settings.get("args", {}))
        x = _sample(settings)
        layer(x)
        variables = state(layer, internal)
        result["trainable_weights"] = len(layer.trainable_weights)
        if not before.get("ran"):
            result["same_outputs"] = None  # the original never ran: nothing to compare with
            return result
        if sorted(variables) != before["variables"]:
            result["same_outputs"] = False
            result["error"] = (
                f"variables differ: original {before['variables']}, migrated {sorted(variables)}"
            )
            return result
        for path, variable in variables.items():
            variable.assign(saved[f"{key}/{name}/state/{path}"])
        outputs = _outputs(layer(x))
        expected = [saved[f"{key}/{name}/output/{i}"] for i in range(before["outputs"])]
        result["same_outputs"] = len(outputs) == len(expected) and all(
            a.shape == b.shape and np.allclose(a, b, rtol=TOLERANCE, atol=TOLERANCE, equal_nan=True)
            for a, b in zip(outputs, expected)
        )
        if not result["same_outputs"]:
            result["error"] = "outputs differ"
    except Exception as error:
        result["same_outputs"] = False
        result["error"] = f"{type(error).__name__}: {error}"[:300]
    return result


def main(argv: list[str]) -> None:
    side, plan_path, state_path, out_path = argv[:4]
    modules = json.loads(Path(plan_path).read_text())
    try:
        if side == "original":
            report = run_original(modules, Path(state_path))
        else:
            original = json.loads(Path(argv[4]).read_text())
            report = run_migrated(modules, Path(state_path), original)
    except Exception:
        report = {"error": traceback.format_exc(limit=3)[-1500:]}
    Path(out_path).write_text(json.dumps(report, indent=2))


def _side(args: list, env: dict | None = None, timeout: float = 1800) -> dict:
    import subprocess

    out = Path(args[3])
    out.unlink(missing_ok=True)
    run = subprocess.run(
        [sys.executable, __file__, *map(str, args)],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if not out.exists():
        return {"error": f"the {args[0]} side died (exit {run.returncode}): {run.stderr[-1500:]}"}
    return json.loads(out.read_text())


def legacy_keras_available() -> bool:
    return importlib.util.find_spec("tf_keras") is not None


def compare(pairs: list[tuple[str, Path, Path, dict]], workdir: Path) -> dict:
    """For (key, original file, migrated file, config) pairs: per module key and
    class, on which Keras the original ran ("keras3", "keras2" or None) and
    whether the migrated layer gives the same outputs from the same weights.
    Three processes in all, whatever the number of modules."""
    import numpy as np

    workdir.mkdir(parents=True, exist_ok=True)
    originals = [{"key": k, "path": str(o), "config": c} for k, o, _, c in pairs]
    migrated = [{"key": k, "path": str(m), "config": c} for k, _, m, c in pairs]
    (workdir / "originals.json").write_text(json.dumps(originals))
    (workdir / "migrated.json").write_text(json.dumps(migrated))
    state_path = workdir / "state.npz"
    report = _side(["original", workdir / "originals.json", state_path, workdir / "k3.json"])
    if "error" in report:
        return report
    for results in report.values():
        for entry in results.values():
            if isinstance(entry, dict):
                entry["runtime"] = "keras3" if entry.get("ran") else None
    retry = [
        {**m, "config": {n: m["config"][n] for n, e in report[m["key"]].items() if not e["ran"]}}
        for m in originals
        if "module_error" not in report[m["key"]]
        and any(not e["ran"] for e in report[m["key"]].values())
    ]
    if retry and legacy_keras_available():
        (workdir / "retry.json").write_text(json.dumps(retry))
        legacy_state = workdir / "legacy_state.npz"
        legacy = _side(
            ["original", workdir / "retry.json", legacy_state, workdir / "k2.json"],
            env={"TF_USE_LEGACY_KERAS": "1"},
        )
        if "error" not in legacy:
            arrays = dict(np.load(state_path))
            arrays.update(np.load(legacy_state))
            np.savez(state_path, **arrays)
            for key, results in legacy.items():
                for name, entry in results.items():
                    if not isinstance(entry, dict):
                        continue
                    if entry["ran"]:
                        report[key][name] = {**entry, "runtime": "keras2"}
                    else:
                        report[key][name]["keras2_error"] = entry["error"]
    (workdir / "original.json").write_text(json.dumps(report))
    result = _side(
        ["migrated", workdir / "migrated.json", state_path, workdir / "after.json"]
        + [workdir / "original.json"]
    )
    if "error" in result:
        return result
    for key, results in result.items():
        for name, entry in results.items():
            if isinstance(entry, dict):
                entry["original"] = report.get(key, {}).get(name, {})
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
