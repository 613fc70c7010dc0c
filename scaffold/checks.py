"""`scaffold check`: run a custom Keras layer and report what Keras 3 does wrong with it.

Each check builds and runs the layer for real and yields one Finding: pass,
fail (with how to fix it) or not applicable. Imported only by the `check`
command: this module imports TensorFlow.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import json
import os
import sys
import tempfile
import textwrap
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # findings are reported here, not in C++ logs

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from .errors import ScaffoldError, UsageProblem  # noqa: E402

PASS, FAIL, NOT_APPLICABLE = "pass", "fail", "n/a"

# Shapes tried, in order, when none is configured: features, then images.
DEFAULT_INPUT_SHAPES = ((4, 16), (4, 8, 8, 16))


@dataclass
class Finding:
    check: str
    status: str
    message: str
    fix: str = ""


@dataclass
class LayerReport:
    target: str
    input_shape: list[int] | None
    findings: list[Finding] = field(default_factory=list)
    error: str = ""  # the layer could not even be constructed or called

    @property
    def passed(self) -> bool:
        return not self.error and all(f.status != FAIL for f in self.findings)


@dataclass
class LayerSpec:
    """How to construct and feed one layer."""

    cls: type
    target: str
    arguments: dict[str, Any]
    input_shape: tuple[int, ...] | None


# -- finding the layers -----------------------------------------------------------------


def _import_module(name: str):
    if name.endswith(".py") or os.sep in name or "/" in name:
        path = Path(name).resolve()
        if not path.is_file():
            raise UsageProblem(f"{name}: no such file")
        module_name = path.stem
        sys.path.insert(0, str(path.parent))
        spec = importlib.util.spec_from_file_location(module_name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        try:
            spec.loader.exec_module(module)
        except Exception as error:  # the user's module raised while importing
            raise ScaffoldError(
                f"importing {name} failed: {type(error).__name__}: {error}"
            ) from None
        return module
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        raise UsageProblem(f"cannot import {name!r}: {error}") from None
    except Exception as error:
        raise ScaffoldError(f"importing {name} failed: {type(error).__name__}: {error}") from None


def find_layers(target: str) -> list[type]:
    """`module:Class`, a module (every Layer subclass it defines), or a .py file."""
    module_name, _, class_name = target.partition(":")
    module = _import_module(module_name)
    if class_name:
        cls = getattr(module, class_name, None)
        if not (inspect.isclass(cls) and issubclass(cls, keras.layers.Layer)):
            raise UsageProblem(
                f"{target}: {class_name!r} is not a keras.layers.Layer subclass in {module_name}"
            )
        return [cls]
    layers = [
        obj
        for _, obj in inspect.getmembers(module, inspect.isclass)
        if issubclass(obj, keras.layers.Layer) and obj.__module__ == module.__name__
    ]
    if not layers:
        raise UsageProblem(f"{target}: defines no keras.layers.Layer subclass")
    return layers


def load_config(path: Path | None) -> dict[str, dict[str, Any]]:
    """{ClassName: {"args": {...}, "input_shape": [...]}} from a JSON or TOML file."""
    if path is None:
        return {}
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise UsageProblem(f"--config {path}: {error.strerror}") from None
    try:
        if path.suffix == ".toml":
            import tomllib

            data = tomllib.loads(text)
        else:
            data = json.loads(text)
    except ValueError as error:
        raise UsageProblem(f"--config {path} does not parse: {error}") from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise UsageProblem(f"--config {path}: expected a table per layer class name")
    return data


# -- running the layer ----------------------------------------------------------------------


def _describe(error: BaseException) -> str:
    """`Type: first line of the message`, for one-line reports."""
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__


def _sample(shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


def _construct(spec: LayerSpec, **extra):
    return spec.cls(**{**spec.arguments, **extra})


def _try_call(spec: LayerSpec):
    """(input shape, layer, output) for the first input shape the layer accepts."""
    shapes = [spec.input_shape] if spec.input_shape else list(DEFAULT_INPUT_SHAPES)
    last_error = None
    for shape in shapes:
        layer = _construct(spec)
        try:
            return tuple(shape), layer, layer(_sample(shape))
        except Exception as error:  # try the next shape
            last_error = error
    raise ScaffoldError(
        f"calling the layer failed for input shape(s) {', '.join(map(str, shapes))}: "
        f"{_describe(last_error)}; "
        "give --input-shape"
    )


def _sublayers(layer) -> list:
    return list(layer._flatten_layers(include_self=False, recursive=True))


def _raw_variables(layer) -> list[str]:
    """Attributes holding a tf.Variable that Keras 3 does not track."""
    found = []
    for owner in [layer, *_sublayers(layer)]:
        for name, value in vars(owner).items():
            values = value if isinstance(value, (list, tuple)) else [value]
            for item in values:
                if isinstance(item, tf.Variable):
                    found.append(f"{owner.name}.{name}")
    return found


def _overrides(cls: type, method: str) -> bool:
    """Whether a class below keras.layers.Layer defines `method`."""
    return any(
        method in vars(klass)
        for klass in cls.__mro__
        if klass not in (keras.layers.Layer, object) and issubclass(klass, keras.layers.Layer)
    )


def _source_uses_dynamic(cls: type) -> bool:
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    except (OSError, TypeError, SyntaxError):
        return False
    return any(
        isinstance(node, ast.Call) and any(k.arg == "dynamic" for k in node.keywords)
        for node in ast.walk(tree)
    )


# -- the checks -----------------------------------------------------------------------------


def check_dynamic(spec, state) -> Finding:
    if state.get("dynamic_error") or _source_uses_dynamic(spec.cls):
        return Finding(
            "no-dynamic",
            FAIL,
            "passes `dynamic=` to Keras: Keras 3 rejects that argument",
            "drop `dynamic`; compile models using this layer with run_eagerly=True",
        )
    return Finding("no-dynamic", PASS, "no `dynamic` argument")


def check_built_after_init(spec, state) -> Finding:
    layer = state["fresh"]
    if not layer.weights and not _raw_variables(layer):
        return Finding("built-after-init", NOT_APPLICABLE, "creates no weights in __init__")
    if layer.built:
        return Finding(
            "built-after-init", PASS, "weights created in __init__ and the layer is marked built"
        )
    return Finding(
        "built-after-init",
        FAIL,
        "creates weights in __init__ but is not marked built: Keras may call build() again",
        "set `self.built = True` after creating the weights in __init__",
    )


def check_tracked(spec, state) -> Finding:
    raw = _raw_variables(state["layer"])
    if raw:
        return Finding(
            "tracked-variables",
            FAIL,
            f"{', '.join(raw)} is a raw tf.Variable: Keras 3 does not track it, so fit() "
            "never trains it and .keras files do not save it",
            "create it with self.add_weight(...) or keras.Variable(...)",
        )
    return Finding(
        "tracked-variables", PASS, f"{len(state['layer'].weights)} weight(s), all tracked"
    )


def check_registered(spec, state) -> Finding:
    name = keras.saving.get_registered_name(spec.cls)
    if keras.saving.get_registered_object(name) is spec.cls:
        return Finding("registered", PASS, f"registered as {name!r}")
    return Finding(
        "registered",
        FAIL,
        "not registered: loading a .keras file fails with " "'Could not locate class'",
        "decorate the class with @keras.saving.register_keras_serializable(package=...)",
    )


def check_config(spec, state) -> Finding:
    layer = state["layer"]
    try:
        config = layer.get_config()
    except NotImplementedError:
        return Finding(
            "config",
            FAIL,
            "get_config() is not implemented",
            "implement get_config() returning every constructor argument",
        )
    parameters = [
        name
        for name, p in inspect.signature(spec.cls.__init__).parameters.items()
        if name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]
    missing = [name for name in parameters if name not in config]
    if missing:
        return Finding(
            "config",
            FAIL,
            f"get_config() lacks constructor argument(s) {', '.join(missing)}: "
            "from_config() builds a different layer",
            "add every constructor argument to the dict get_config() returns",
        )
    try:
        json.dumps(config)
        again = spec.cls.from_config(config).get_config()
    except Exception as error:
        return Finding(
            "config",
            FAIL,
            f"config round trip fails: {type(error).__name__}: {error}",
            "keep get_config() JSON-serializable and accepted by __init__",
        )
    if again != config:
        changed = sorted(k for k in set(config) | set(again) if config.get(k) != again.get(k))
        return Finding(
            "config",
            FAIL,
            f"from_config(get_config()) changes {', '.join(changed)}",
            "store constructor arguments unchanged and return them from get_config()",
        )
    return Finding("config", PASS, f"all {len(parameters)} constructor argument(s) round-trip")


def check_composite_build(spec, state) -> Finding:
    fresh = state["fresh"]
    if not _sublayers(fresh):
        return Finding("composite-build", NOT_APPLICABLE, "no sublayers")
    if _overrides(spec.cls, "build") or fresh.built:
        return Finding("composite-build", PASS, "sublayers are built explicitly")
    return Finding(
        "composite-build",
        FAIL,
        "composite layer without build(): build(input_shape) leaves its sublayers unbuilt "
        "(no weights), so whatever builds before calling (model.build, loading weights) "
        "finds none; Keras warns 'does not have a build() method'",
        "add build(input_shape) that calls each sublayer's build() with the propagated shape",
    )


def check_dtype_policy(spec, state) -> Finding:
    if _raw_variables(state["layer"]):
        # Keras cannot cast what it does not track: reported once, by tracked-variables.
        return Finding(
            "dtype-policy", NOT_APPLICABLE, "not checked: raw tf.Variable (see tracked-variables)"
        )
    layer = _construct(spec, dtype="mixed_float16")
    outputs = layer(_sample(state["shape"]))
    stray = [sub.name for sub in _sublayers(layer) if sub.dtype_policy.name != "mixed_float16"]
    if stray:
        return Finding(
            "dtype-policy",
            FAIL,
            f"sublayer(s) {', '.join(stray)} ignore the layer's dtype policy: mixed precision "
            "stops at them",
            "create sublayers with dtype=self.dtype_policy",
        )
    dtype = keras.backend.standardize_dtype(outputs.dtype)
    if dtype != "float16":
        return Finding(
            "dtype-policy",
            FAIL,
            f"with mixed_float16 the output is {dtype}, not float16",
            "compute with keras.ops on the inputs and weights Keras casts for you",
        )
    return Finding("dtype-policy", PASS, "mixed_float16 gives float16 outputs")


def check_gradients(spec, state) -> Finding:
    layer = state["layer"]
    weights = layer.trainable_weights
    if not weights:
        return Finding("gradients", NOT_APPLICABLE, "no trainable weights")
    inputs = tf.constant(_sample(state["shape"]))
    with tf.GradientTape() as tape:
        outputs = layer(inputs, training=True)
        loss = tf.reduce_sum(tf.cast(outputs, "float32") * _sample(tuple(outputs.shape), 3))
    gradients = tape.gradient(loss, weights)
    dead = [
        w.path
        for w, g in zip(weights, gradients)
        if g is None or not np.all(np.isfinite(np.asarray(g))) or not np.any(np.asarray(g) != 0)
    ]
    if dead:
        return Finding(
            "gradients",
            FAIL,
            f"no usable gradient reaches {', '.join(dead)}",
            "use the weight in call() through keras.ops (not .numpy() or Python math)",
        )
    return Finding("gradients", PASS, f"gradients reach all {len(weights)} trainable weight(s)")


def check_output_shape(spec, state) -> Finding:
    layer, shape = state["layer"], state["shape"]
    actual = tuple(state["outputs"].shape)
    if not _overrides(spec.cls, "compute_output_shape"):
        return Finding(
            "output-shape",
            NOT_APPLICABLE,
            f"no compute_output_shape(): Keras traces call() for shapes ({actual})",
        )
    try:
        declared = tuple(layer.compute_output_shape(shape))
    except Exception as error:
        return Finding(
            "output-shape",
            FAIL,
            f"compute_output_shape() fails: {type(error).__name__}",
            "implement compute_output_shape(input_shape)",
        )
    if declared != actual:
        return Finding(
            "output-shape",
            FAIL,
            f"compute_output_shape{shape} says {declared}, the layer returns {actual}",
            "make compute_output_shape() follow what call() does",
        )
    return Finding("output-shape", PASS, f"{actual} as declared")


def check_round_trip(spec, state) -> Finding:
    shape = state["shape"]
    model = keras.Sequential([keras.Input(shape=shape[1:]), _construct(spec)])
    rng = np.random.default_rng(1)
    for weight in model.weights:  # away from initial values: re-initialised weights must show
        weight.assign(rng.uniform(0.5, 1.5, size=weight.shape).astype(weight.dtype))
    x = _sample(shape, 2)
    expected = np.asarray(model(x, training=False))
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "layer.keras")
        try:
            model.save(path)
            # Loaded with the class at hand, so this check is about weights; the
            # `registered` check covers loading without it.
            restored = keras.models.load_model(path, custom_objects={spec.cls.__name__: spec.cls})
            actual = np.asarray(restored(x, training=False))
        except Exception as error:
            return Finding(
                "keras-round-trip",
                FAIL,
                f"save/load fails: {_describe(error)}"[:300],
                "build every weight in build() (or __init__), and implement get_config()",
            )
    if actual.shape != expected.shape or not np.array_equal(actual, expected):
        return Finding(
            "keras-round-trip",
            FAIL,
            "a saved and reloaded model gives different outputs: "
            "some state is not saved or not restored",
            "create all state with add_weight/keras.Variable in build() or __init__",
        )
    return Finding("keras-round-trip", PASS, "saved and reloaded: identical outputs")


CHECKS: list[tuple[str, Callable]] = [
    ("no-dynamic", check_dynamic),
    ("built-after-init", check_built_after_init),
    ("tracked-variables", check_tracked),
    ("registered", check_registered),
    ("config", check_config),
    ("composite-build", check_composite_build),
    ("dtype-policy", check_dtype_policy),
    ("gradients", check_gradients),
    ("output-shape", check_output_shape),
    ("keras-round-trip", check_round_trip),
]


def check_layer(spec: LayerSpec) -> LayerReport:
    report = LayerReport(spec.target, list(spec.input_shape) if spec.input_shape else None)
    state: dict[str, Any] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        keras.utils.set_random_seed(0)
        try:
            state["fresh"] = _construct(spec)
            state["shape"], state["layer"], state["outputs"] = _try_call(spec)
        except ScaffoldError as error:
            report.error = str(error)
        except Exception as error:
            if "dynamic" in str(error):
                report.findings.append(check_dynamic(spec, {"dynamic_error": True}))
                return report
            report.error = (
                f"constructing the layer failed: {_describe(error)}; give its arguments with --arg"
            )
        if report.error:
            return report
        report.input_shape = list(state["shape"])
        for name, check in CHECKS:
            try:
                report.findings.append(check(spec, state))
            except Exception as error:
                report.findings.append(
                    Finding(
                        name,
                        FAIL,
                        f"the check crashed the layer: {_describe(error)}"[:300],
                    )
                )
    return report


def specs_for(target: str, config: dict, arguments: dict, input_shape) -> list[LayerSpec]:
    specs = []
    for cls in find_layers(target):
        settings = config.get(cls.__name__, {})
        args = {**settings.get("args", {}), **arguments}
        shape = input_shape or settings.get("input_shape")
        module = target.partition(":")[0]
        specs.append(
            LayerSpec(cls, f"{module}:{cls.__name__}", args, tuple(shape) if shape else None)
        )
    return specs


def render_text(reports: list[LayerReport]) -> str:
    lines = []
    for report in reports:
        shape = f" (input shape {tuple(report.input_shape)})" if report.input_shape else ""
        lines.append(f"{report.target}{shape}")
        if report.error:
            lines.append(f"  ERROR  {report.error}")
        for finding in report.findings:
            label = {PASS: "pass", FAIL: "FAIL", NOT_APPLICABLE: "n/a "}[finding.status]
            lines.append(f"  {label}  {finding.check:<18} {finding.message}")
            if finding.status == FAIL and finding.fix:
                lines.append(f"        {'':<18} fix: {finding.fix}")
    failed = sum(not r.passed for r in reports)
    lines.append(
        f"{len(reports)} layer(s) checked: {len(reports) - failed} passed, {failed} failed"
    )
    return "\n".join(lines)


def render_json(reports: list[LayerReport]) -> str:
    return json.dumps(
        {
            "passed": all(r.passed for r in reports),
            "layers": [{**asdict(r), "passed": r.passed} for r in reports],
        },
        indent=2,
    )
