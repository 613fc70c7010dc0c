"""Evidence for the gallery's truth: run each user-observable scenario of docs/CHECKS.md.

For every layer of layers/ and every check, this runs the situation a user
would be in (construct it with `name=`, save and reload a model, fit it, ...)
directly with Keras and TensorFlow, independently of `scaffold check`, and
records what happened: `fault`, `ok`, `n/a`, or `error` when the probe itself
could not run the scenario. Each layer runs in its own child process (global
dtype policies and registries do not leak between layers); the `registered`
scenario loads the layer's serialized config in a second, fresh process that
only imports the layer's module.

The outcomes are evidence, reviewed by hand into truth.toml; they are not the
truth file itself.

    python benchmarks/check_gallery/probe.py [--layer STEM ...] [--jobs 2]
        (with --layer, only those layers rerun; their entries in the JSON are replaced)
        [--json benchmarks/results/probe.json]
"""

from __future__ import annotations

import argparse
import ast
import copy
import importlib.util
import inspect
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
import tomllib
import traceback
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
LAYERS_DIR = HERE / "layers"
SPECS_FILE = HERE / "layers.toml"
RESULTS_DIR = HERE.parent / "results"

CHECKS = [
    "no-dynamic",
    "init-kwargs",
    "registered",
    "config",
    "built-after-init",
    "tracked-variables",
    "composite-build",
    "dtype-policy",
    "mixed-precision",
    "output-shape",
    "gradients",
    "training-step",
    "keras-round-trip",
]
BASE_KWARGS = ("name", "trainable", "dtype")
CHILD_TIMEOUT = 600


def load_specs() -> dict:
    return tomllib.loads(SPECS_FILE.read_text(encoding="utf-8"))


# -- the parent: one child process per layer -------------------------------------------------


def run_child(stem: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.json"
        command = [sys.executable, __file__, "--child", stem, "--out", str(out)]
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "KERAS_BACKEND": "tensorflow"}
        start = time.perf_counter()
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=CHILD_TIMEOUT, env=env
            )
        except subprocess.TimeoutExpired:
            return {"stem": stem, "error": f"probe timed out after {CHILD_TIMEOUT} s"}
        if not out.exists():
            tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
            return {"stem": stem, "error": "probe crashed: " + " | ".join(tail)}
        result = json.loads(out.read_text())
        result["seconds"] = round(time.perf_counter() - start, 1)
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layer", action="append", help="file stem in layers/ (repeatable)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--json", type=Path, default=RESULTS_DIR / "probe.json")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--load-config", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load_config:
        return load_without_custom_objects(args.child, args.load_config)
    if args.child:
        return child(args.child, args.out)

    specs = load_specs()
    stems = args.layer or sorted(specs)
    unknown = [s for s in stems if s not in specs]
    if unknown:
        sys.exit(f"probe: not in layers.toml: {', '.join(unknown)}")
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(run_child, stems))
    print_table(results)
    if args.layer and args.json.exists():  # a partial rerun updates those layers' entries
        fresh = {r["stem"]: r for r in results}
        kept = [r for r in json.loads(args.json.read_text()) if r["stem"] not in fresh]
        results = sorted(kept + results, key=lambda r: r["stem"])
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nevidence written to {args.json}")
    print("reproduce: python benchmarks/check_gallery/probe.py " + " ".join(sys.argv[1:]))


def print_table(results: list[dict]) -> None:
    short = {"fault": "F", "ok": ".", "n/a": "-", "error": "E", "review": "?"}
    width = max(len(r["stem"]) for r in results)
    print(f"{'layer':<{width}}  " + " ".join(f"{i:>2}" for i in range(1, len(CHECKS) + 1)))
    for result in results:
        if "error" in result:
            print(f"{result['stem']:<{width}}  PROBE ERROR: {result['error']}")
            continue
        cells = [short[result["checks"][c]["outcome"]] for c in CHECKS]
        print(f"{result['stem']:<{width}}  " + " ".join(f"{c:>2}" for c in cells))
    print("\n" + "  ".join(f"{i}={c}" for i, c in enumerate(CHECKS, 1)))
    print("F fault, . ok, - n/a, E the probe could not run the scenario")
    for result in results:
        for check in CHECKS:
            outcome = result.get("checks", {}).get(check)
            if outcome and outcome["outcome"] in ("fault", "error", "review"):
                print(f"  {result['stem']} {check}: {outcome['evidence']}")


# -- the child: every scenario for one layer -------------------------------------------------


def child(stem: str, out: Path) -> None:
    warnings.simplefilter("ignore")
    spec = load_specs()[stem]
    probe = LayerProbe(stem, spec)
    checks = {}
    for check in CHECKS:
        scenario = getattr(probe, "scenario_" + check.replace("-", "_"))
        try:
            outcome, evidence = scenario()
        except Exception as error:  # the probe's own machinery failed
            outcome = "error"
            evidence = f"{type(error).__name__}: {error} @ {_where(error)}"
        finally:
            probe.reset_policy()
        checks[check] = {"outcome": outcome, "evidence": " ".join(str(evidence).split())[:600]}
    out.write_text(json.dumps({"stem": stem, "class": spec["class"], "checks": checks}))


def _where(error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    return f"line {frames[-1].lineno}" if frames else "?"


def _describe(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text[:300]}"


def import_layer_module(stem: str):
    """The gallery file under a private module name (a stem may shadow a real module)."""
    path = LAYERS_DIR / f"{stem}.py"
    name = f"_gallery_{stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def load_without_custom_objects(stem: str, config_path: Path) -> None:
    """Fresh process: import the module (its registration runs), deserialize, no custom_objects."""
    warnings.simplefilter("ignore")
    import keras

    import_layer_module(stem)
    config = json.loads(config_path.read_text())
    try:
        keras.saving.deserialize_keras_object(config)
    except Exception as error:
        print(json.dumps({"loaded": False, "error": _describe(error)}))
        return
    print(json.dumps({"loaded": True}))


class LayerProbe:
    """Builds inputs and models for one layer as layers.toml describes it."""

    def __init__(self, stem: str, spec: dict):
        import keras
        import numpy as np
        import tensorflow as tf

        self.keras, self.np, self.tf = keras, np, tf
        self.stem = stem
        self.spec = spec
        self.module = import_layer_module(stem)
        self.cls = getattr(self.module, spec["class"])
        self.inputs = spec["inputs"]
        self.tensor_kwargs = spec.get("tensor_kwargs", {})
        self.call_kwargs = {**spec.get("call_kwargs", {})}
        self.call_kwargs.update({k: None for k in spec.get("none_kwargs", [])})
        self.pack = spec.get("pack")
        keras.utils.set_random_seed(0)

    # -- plumbing ---------------------------------------------------------------------------

    def reset_policy(self) -> None:
        self.keras.config.set_dtype_policy("float32")

    def arguments(self) -> dict:
        args = {}
        for key, value in self.spec.get("args", {}).items():
            if isinstance(value, dict) and "class_name" in value:
                value = self.keras.layers.deserialize(value)  # a fresh layer each time
            args[key] = value
        return args

    def make(self, **extra):
        return self.cls(**{**self.arguments(), **extra})

    def _array(self, description: dict, seed: int):
        rng = self.np.random.default_rng(seed)
        shape, dtype = description["shape"], description.get("dtype", "float32")
        if dtype == "bool":
            return rng.random(shape) > 0.3
        if dtype.startswith("int"):
            low, high = description.get("range", [0, 2])
            return rng.integers(low, high, size=shape).astype(dtype)
        return rng.normal(size=shape).astype(dtype)

    def sample(self, seed: int = 0) -> tuple[list, dict]:
        arrays = [self._array(d, seed + i) for i, d in enumerate(self.inputs)]
        kwargs = {k: self._array(d, seed + 50) for k, d in self.tensor_kwargs.items()}
        return arrays, kwargs

    def symbolic(self) -> tuple[list, dict]:
        def placeholder(description, name):
            return self.keras.Input(
                shape=tuple(description["shape"][1:]),
                dtype=description.get("dtype", "float32"),
                name=name,
            )

        tensors = [placeholder(d, f"in_{i}") for i, d in enumerate(self.inputs)]
        kwargs = {k: placeholder(d, f"kw_{k}") for k, d in self.tensor_kwargs.items()}
        return tensors, kwargs

    def invoke(self, layer, tensors, kwargs, **extra):
        call_kwargs = {**self.call_kwargs, **kwargs, **extra}
        if self.pack == "list":
            return layer(list(tensors), **call_kwargs)
        return layer(*tensors, **call_kwargs)

    def first(self, outputs):
        return outputs[0] if isinstance(outputs, (list, tuple)) else outputs

    def flat_float(self, outputs) -> list:
        return [
            o
            for o in self.tf.nest.flatten(outputs)
            if self.keras.backend.standardize_dtype(o.dtype).startswith("float")
        ]

    def called(self, **extra):
        layer = self.make(**extra)
        arrays, kwargs = self.sample()
        return layer, self.invoke(layer, arrays, kwargs)

    def functional(self, layer):
        tensors, kwargs = self.symbolic()
        outputs = self.first(self.invoke(layer, tensors, kwargs))
        return self.keras.Model([*tensors, *kwargs.values()], outputs)

    def subclassed(self, layer):
        probe = self

        class Holder(self.keras.Model):
            def __init__(self):
                super().__init__()
                self.inner = layer

            def call(self, xs, training=None):
                n = len(probe.inputs)
                kwargs = dict(zip(probe.tensor_kwargs, xs[n:]))
                return probe.first(probe.invoke(self.inner, xs[:n], kwargs, training=training))

        return Holder()

    def model_inputs(self, seed: int = 0) -> list:
        arrays, kwargs = self.sample(seed)
        return [*arrays, *kwargs.values()]

    def sublayers(self, layer) -> list:
        return list(layer._flatten_layers(include_self=False, recursive=True))

    def raw_variables(self, layer) -> list[tuple[str, object]]:
        """Backend variables Keras does not track, held as attributes of the layer tree."""
        found = []
        for owner in [layer, *self.sublayers(layer)]:
            for attribute, value in vars(owner).items():
                for item in value if isinstance(value, (list, tuple)) else [value]:
                    if isinstance(item, self.tf.Variable):
                        found.append((f"{owner.name}.{attribute}", item))
        return found

    def deterministic(self, model, x) -> bool:
        a = [self.np.asarray(o) for o in self.tf.nest.flatten(model(x, training=False))]
        b = [self.np.asarray(o) for o in self.tf.nest.flatten(model(x, training=False))]
        return all(self.np.array_equal(p, q) for p, q in zip(a, b))

    def perturb(self, model) -> None:
        rng = self.np.random.default_rng(1)
        for weight in model.weights:
            dtype = self.keras.backend.standardize_dtype(weight.dtype)
            if dtype.startswith("float"):
                weight.assign(rng.uniform(0.5, 1.5, size=weight.shape).astype(dtype))

    # -- the scenarios ----------------------------------------------------------------------

    def scenario_no_dynamic(self):
        tree = ast.parse(textwrap.dedent(inspect.getsource(self.cls)))
        passes = [
            node
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and any(k.arg == "dynamic" for k in node.keywords)
        ]
        try:
            self.make()
        except Exception as error:
            if "dynamic" in str(error):
                return "fault", f"construction fails: {_describe(error)}"
        if passes:
            return "fault", "passes dynamic= in its source"
        return "ok", "constructs; no dynamic= in its source"

    def scenario_init_kwargs(self):
        problems = []
        for key, value in (("name", "probe_name"), ("trainable", False), ("dtype", "float64")):
            try:
                layer = self.make(**{key: value})
            except Exception as error:
                problems.append(f"{key}=: {_describe(error)}")
                continue
            took = {
                "name": lambda: layer.name == value,
                "trainable": lambda: layer.trainable is False,
                "dtype": lambda: layer.dtype_policy.name == "float64",
            }[key]()
            if not took:
                problems.append(f"{key}= accepted but ignored")
        if problems:
            return "fault", "; ".join(problems)
        return "ok", "name=, trainable=, dtype= accepted and applied"

    def scenario_registered(self):
        layer = self.make()
        config = self.keras.saving.serialize_keras_object(layer)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "config.json"
            path.write_text(json.dumps(config))
            done = subprocess.run(
                [sys.executable, __file__, "--child", self.stem, "--load-config", str(path)],
                capture_output=True,
                text=True,
                timeout=300,
            )
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        if not lines:
            return "error", f"fresh process gave no answer: {done.stderr.strip()[-300:]}"
        answer = json.loads(lines[-1])
        if answer["loaded"]:
            return "ok", f"fresh process deserializes {config.get('registered_name')!r}"
        if "Could not locate class" in answer["error"]:
            return "fault", f"fresh process: {answer['error']}"
        return "ok", f"class located (load fails for another reason: {answer['error']})"

    def scenario_config(self):
        layer, _ = self.called()
        try:
            config = layer.get_config()
        except Exception as error:
            return "fault", f"get_config() raises {_describe(error)}"
        try:
            json.dumps(config)
        except TypeError as error:
            return "fault", f"config is not JSON: {error}"
        notes = []
        try:
            clone = self.cls.from_config(copy.deepcopy(config))  # Wrapper.from_config pops
        except Exception as error:
            accepted = inspect.signature(self.cls.__init__).parameters
            stripped = {k: v for k, v in config.items() if k not in BASE_KWARGS or k in accepted}
            notes.append(f"from_config fails: {_describe(error)}")
            try:
                clone = self.cls.from_config(copy.deepcopy(stripped))
            except Exception as again:
                return "fault", "; ".join(notes + [f"without name/trainable/dtype too: {again}"])
            notes.append("(works without name/trainable/dtype: via init-kwargs)")
        arrays, kwargs = self.sample()
        self.invoke(clone, arrays, kwargs)
        again = clone.get_config()
        changed = sorted(
            k
            for k in set(config) | set(again)
            if k not in BASE_KWARGS and config.get(k) != again.get(k)
        )
        if changed:
            return "fault", "; ".join(notes + [f"round trip changes {', '.join(changed)}"])
        shapes = [tuple(w.shape) for w in layer.weights]
        if shapes != [tuple(w.shape) for w in clone.weights]:
            return "fault", "; ".join(notes + ["rebuilt layer has other weight shapes"])
        clone.set_weights(layer.get_weights())
        a = self.flat_float(self.invoke(layer, arrays, kwargs, training=False))
        b = self.flat_float(self.invoke(clone, arrays, kwargs, training=False))
        c = self.flat_float(self.invoke(layer, arrays, kwargs, training=False))
        same = all(self.np.allclose(p, q, atol=1e-6) for p, q in zip(a, b))
        stable = all(self.np.allclose(p, q, atol=1e-6) for p, q in zip(a, c))
        if stable and not same:
            return "fault", "; ".join(notes + ["same weights, other outputs"])
        verdict = "fault" if notes else "ok"
        return verdict, "; ".join(notes + [f"config round-trips ({len(config)} keys)"])

    def scenario_built_after_init(self):
        fresh = self.make()
        before = [w.path for w in fresh.weights]
        raw = self.raw_variables(fresh)
        if not before and not raw:
            return "n/a", "no weights created in __init__"
        if fresh.built:
            return "ok", f"{len(before)} weight(s) in __init__, marked built"
        arrays, kwargs = self.sample()
        try:
            self.invoke(fresh, arrays, kwargs)
        except Exception as error:
            return "fault", f"not built; first call fails: {_describe(error)}"
        after = [w.path for w in fresh.weights]
        if len(after) > len(before):
            return "fault", f"first call ran build() again: {len(before)} -> {len(after)} weights"
        return "ok", f"{len(before)} weight(s) in __init__, not marked built, call adds none"

    def scenario_tracked_variables(self):
        layer = self.make()
        model = self.functional_or_subclassed(layer)
        raw = self.raw_variables(layer)
        if not raw:
            return "ok", f"{len(layer.weights)} weight(s), all tracked"
        trainable = [(n, v) for n, v in raw if v.trainable]
        before = {n: self.np.array(v.numpy()) for n, v in trainable}
        self.fit(model)
        frozen = [n for n, _ in trainable if self.np.array_equal(before[n], _value(dict(raw)[n]))]
        tracked = {id(w.value) for w in layer.weights}
        lost = [n for n, v in raw if id(v) not in tracked]
        evidence = f"raw tf.Variable(s) {', '.join(lost)} not in layer.weights"
        if frozen:
            return "fault", f"{evidence}; fit() leaves {', '.join(frozen)} unchanged"
        return "review", evidence

    def scenario_composite_build(self):
        try:
            called, _ = self.called()
        except Exception as error:
            shapes = [tuple(d["shape"]) for d in self.inputs]
            try:
                self.make().build(shapes[0] if len(shapes) == 1 else shapes)
            except Exception as again:
                return "fault", f"build() raises {_describe(again)} (a call: {_describe(error)})"
            return "error", f"a call fails, build() does not: {_describe(error)}"
        subs = self.sublayers(called)
        if not subs:
            return "n/a", "no sublayers"
        fresh = self.make()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                fresh.build_from_config(called.get_build_config())
            except Exception as error:
                return "fault", f"build() fails: {_describe(error)}"
        warned = [str(w.message)[:90] for w in caught if "build()" in str(w.message)]
        missing = len(called.weights) - len(fresh.weights)
        try:
            fresh.set_weights(called.get_weights())
            loads = "set_weights of a called layer works"
        except Exception as error:
            loads = f"set_weights fails: {_describe(error)}"
        evidence = (
            f"build() gives {len(fresh.weights)} weight(s), a call {len(called.weights)}; {loads}"
        )
        if warned:
            evidence += f"; Keras warns: {warned[0]}"
        if missing > 0 or "fails" in loads:
            return "fault", evidence
        return "ok", evidence

    def scenario_dtype_policy(self):
        try:
            layer = self.make(dtype="mixed_float16")
        except TypeError as error:
            return "n/a", f"constructor rejects dtype= ({_describe(error)})"
        arrays, kwargs = self.sample()
        try:
            self.invoke(layer, arrays, kwargs)
            failure = ""
        except Exception as error:
            failure = f"the call fails with dtype='mixed_float16': {_describe(error)}"
        subs = self.sublayers(layer)
        if not subs:
            return "n/a", "no sublayers" + (f" ({failure})" if failure else "")
        stray = [f"{s.name}:{s.dtype_policy.name}" for s in subs]
        stray = [s for s in stray if not s.endswith(":mixed_float16")]
        if stray:
            return "fault", "; ".join([f"sublayer policies: {', '.join(stray)}", failure])
        if failure:
            return "review", failure
        return "ok", f"all {len(subs)} sublayer(s) mixed_float16"

    def scenario_mixed_precision(self):
        reference = [self.np.asarray(o) for o in self.flat_float(self.called()[1])]
        self.keras.config.set_dtype_policy("mixed_float16")
        try:
            layer, outputs = self.called()
        except Exception as error:
            return "fault", f"under mixed_float16: {_describe(error)}"
        half = [w.path for w in layer.weights if w.dtype == "float16"]
        if half:
            return "fault", f"float16 weights: {', '.join(half)}"
        values = [self.np.asarray(o, dtype="float32") for o in self.flat_float(outputs)]
        finite_before = all(self.np.isfinite(r).all() for r in reference)
        if finite_before and not all(self.np.isfinite(v).all() for v in values):
            return "fault", "non-finite outputs under mixed_float16"
        dtypes = sorted(
            {self.keras.backend.standardize_dtype(o.dtype) for o in outputs_list(outputs)}
        )
        return "ok", f"runs; outputs {', '.join(dtypes)}"

    def scenario_output_shape(self):
        layer = self.make()
        tensors, kwargs = self.symbolic()
        try:
            symbolic = self.invoke(layer, tensors, kwargs)
        except Exception as error:
            return "fault", f"call on keras.Input fails: {_describe(error)}"
        real_layer, real = self.called()
        sym_shapes = [tuple(t.shape) for t in outputs_list(symbolic)]
        real_shapes = [tuple(t.shape) for t in outputs_list(real)]
        if not _compatible(sym_shapes, real_shapes):
            return "fault", f"symbolic {sym_shapes}, real {real_shapes}"
        declared_by_user = any(
            "compute_output_shape" in vars(k)
            for k in self.cls.__mro__
            if not k.__module__.startswith(("keras", "tf_keras", "tensorflow"))
        )
        if not declared_by_user:
            return "ok", f"symbolic {sym_shapes} matches real {real_shapes}"
        shapes = [tuple(d["shape"]) for d in self.inputs]
        try:
            declared = real_layer.compute_output_shape(shapes[0] if len(shapes) == 1 else shapes)
        except Exception as error:
            return "fault", f"compute_output_shape() raises {_describe(error)}"
        declared_list = _shape_list(declared)
        if not _compatible(declared_list, real_shapes):
            return "fault", f"compute_output_shape says {declared_list}, real {real_shapes}"
        return "ok", f"compute_output_shape {declared_list} matches real {real_shapes}"

    def scenario_gradients(self):
        layer, _ = self.called()
        weights = layer.trainable_weights
        if not weights:
            return "n/a", "no trainable weights"
        arrays, kwargs = self.sample()
        with self.tf.GradientTape() as tape:
            outputs = self.invoke(layer, arrays, kwargs, training=True)
            loss = 0.0
            for i, out in enumerate(self.flat_float(outputs)):
                target = self.np.random.default_rng(3 + i).normal(size=out.shape)
                loss += self.tf.reduce_sum(self.tf.cast(out, "float32") * target)
        gradients = tape.gradient(loss, [w.value for w in weights])
        dead = []
        for weight, gradient in zip(weights, gradients):
            if isinstance(gradient, self.tf.IndexedSlices):
                gradient = self.tf.convert_to_tensor(gradient)
            value = None if gradient is None else self.np.asarray(gradient)
            if value is None or not self.np.isfinite(value).all() or not value.any():
                dead.append(weight.path)
        if dead:
            return "fault", f"no usable gradient reaches {', '.join(dead)}"
        return "ok", f"gradients reach all {len(weights)} trainable weight(s)"

    def functional_or_subclassed(self, layer):
        try:
            return self.functional(layer)
        except Exception:
            return self.subclassed(layer)

    def fit(self, model):
        x = self.model_inputs()
        outputs = model(x)
        y = self.np.zeros(outputs.shape, dtype="float32")
        model.compile(optimizer="adam", loss="mse")
        return model.fit(x, y, batch_size=2, epochs=2, verbose=0)

    def scenario_training_step(self):
        layer = self.make()
        try:
            model, how = self.functional(layer), "functional"
        except Exception:
            layer = self.make()
            model, how = self.subclassed(layer), "subclassed (functional model fails)"
        try:
            model(self.model_inputs())
            before = len(model.weights)
            history = self.fit(model)
        except Exception as error:
            return "fault", f"{how} fit fails: {_describe(error)}"
        losses = history.history["loss"]
        if not all(self.np.isfinite(losses)):
            return "fault", f"non-finite loss {losses}"
        if len(model.weights) != before:
            return "fault", f"fit creates weights: {before} -> {len(model.weights)}"
        return "ok", f"{how} model fits, loss {losses[-1]:.3g}"

    def scenario_keras_round_trip(self):
        layer = self.make()
        try:
            model = self.functional(layer)
        except Exception as error:
            return "n/a", f"no functional model to save: {_describe(error)}"
        x = self.model_inputs(seed=2)
        model(x)
        self.perturb(model)
        # State Keras does not track is state too (vit-keras assigns pretrained values to it).
        for _, variable in self.raw_variables(layer):
            variable.assign(variable + 0.5)
        deterministic = self.deterministic(model, x)
        expected = [self.np.asarray(o) for o in self.tf.nest.flatten(model(x, training=False))]
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "model.keras")
            try:
                model.save(path)
                restored = self.keras.models.load_model(
                    path, custom_objects={self.cls.__name__: self.cls}
                )
            except Exception as error:
                return "fault", f"save/load fails: {_describe(error)}"
            actual = [self.np.asarray(o) for o in self.tf.nest.flatten(restored(x, training=False))]
        if not deterministic:
            return "n/a", "outputs are random even in inference: nothing to compare"
        same = len(actual) == len(expected) and all(
            a.shape == e.shape and self.np.allclose(a, e, atol=1e-5)
            for a, e in zip(actual, expected)
        )
        if not same:
            return "fault", "reloaded model gives other outputs"
        return "ok", "reloaded model gives the same outputs"


def _value(variable):
    import numpy as np

    return np.array(variable.numpy())


def outputs_list(outputs) -> list:
    return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]


def _shape_list(declared) -> list[tuple]:
    if hasattr(declared, "as_list"):
        return [tuple(declared.as_list())]
    if isinstance(declared, (list, tuple)) and declared and isinstance(declared[0], (list, tuple)):
        return [tuple(d.as_list()) if hasattr(d, "as_list") else tuple(d) for d in declared]
    if isinstance(declared, (list, tuple)) and declared and hasattr(declared[0], "as_list"):
        return [tuple(d.as_list()) for d in declared]
    return [tuple(declared)]


def _compatible(declared: list[tuple], real: list[tuple]) -> bool:
    if len(declared) != len(real):
        return False
    return all(
        len(d) == len(r) and all(a is None or a == b for a, b in zip(d, r))
        for d, r in zip(declared, real)
    )


if __name__ == "__main__":
    main()
