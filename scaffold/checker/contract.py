"""The Keras 3 contract of a custom layer, checked by running the layer.

One check per fault a user can observe (docs/CHECKS.md of scaffold names
them). Parameterised like Keras's own `run_layer_test`: the layer class, its
constructor arguments, the input shapes and dtypes, call arguments, and
optional expectations. Only Keras APIs are used, so the contract holds on
every backend Keras supports (TensorFlow, JAX, PyTorch).

Use it from pytest, one test per check:

    SPEC = LayerSpec(MyLayer, init_kwargs={"units": 8}, input_shape=(4, 16))

    @pytest.mark.parametrize("check", check_names())
    def test_keras_contract(check):
        assert_check(SPEC, check)

or programmatically: `run_check(SPEC, name)` returns a Finding (check,
status, message, fix) whose status is "pass", "fail", "n/a" (the fault
cannot arise) or "error" (the check could not run).

This module imports only keras, numpy and the standard library.
"""

from __future__ import annotations

import ast
import contextlib
import gc
import inspect
import json
import os
import re
import sys
import tempfile
import textwrap
import unittest
import warnings
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import keras
import numpy as np
from keras import ops

PASS, FAIL, NOT_APPLICABLE, ERROR = "pass", "fail", "n/a", "error"

# Constructor arguments every Keras layer takes and `get_config()` records.
BASE_ARGUMENTS = ("name", "trainable", "dtype")


@dataclass
class Finding:
    check: str
    status: str
    message: str
    fix: str = ""


@dataclass
class LayerSpec:
    """How to construct, feed and judge one layer.

    `input_shape` includes the batch size; a list of shapes means several
    inputs, passed to the layer as one list (`inputs_as="list"`) or as
    positional arguments (`inputs_as="args"`). `input_dtype` is one dtype or
    one per input; integer inputs are drawn from `input_range` (low inclusive,
    high exclusive), float inputs from a normal distribution unless a range
    is given. `call_kwargs` are passed to every call; a numpy array among them
    (a mask, say) is fed as a tensor.

    The `expected_*` fields are optional: when given, the matching check also
    asserts them.
    """

    layer_cls: type
    init_kwargs: dict[str, Any] = field(default_factory=dict)
    input_shape: Any = (4, 16)
    input_dtype: Any = "float32"
    input_range: tuple[float, float] | None = None
    inputs_as: str = "list"
    call_kwargs: dict[str, Any] = field(default_factory=dict)
    run_eagerly: bool = False
    expected_output_shape: tuple[int, ...] | None = None
    expected_trainable_weight_shapes: list[tuple[int, ...]] | None = None
    expected_non_trainable_weight_shapes: list[tuple[int, ...]] | None = None
    expected_built_after_init: bool | None = None
    expected_float16_outputs: bool = False
    expected_loss_decrease: bool = False

    @property
    def several_inputs(self) -> bool:
        shape = self.input_shape
        return bool(shape) and isinstance(shape[0], (list, tuple))

    @property
    def input_shapes(self) -> list[tuple[int, ...]]:
        shapes = self.input_shape if self.several_inputs else [self.input_shape]
        return [tuple(int(n) for n in shape) for shape in shapes]

    @property
    def input_dtypes(self) -> list[str]:
        dtypes = self.input_dtype
        if isinstance(dtypes, (list, tuple)):
            return list(dtypes)
        return [dtypes] * len(self.input_shapes)


# -- describing errors -----------------------------------------------------------------


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
# Keras wraps a layer's error in a preamble and a list of the call's arguments;
# TensorFlow appends the graph's traceback. The cause lies between.
_PREAMBLE = re.compile(r"^Exception encountered when calling [^\n]*\n", re.MULTILINE)
_TRAILERS = (
    "\nArguments received by",
    "\nCall arguments received by",
    "\nDetected at node",
    "\nStack trace for op definition",
)


def describe(error: BaseException) -> str:
    """`Type: cause` on one line, whole: Keras's wrapping removed, nothing cut."""
    text = _ANSI.sub("", str(error))
    text = _PREAMBLE.sub("", text)
    for trailer in _TRAILERS:
        text = text.split(trailer, 1)[0]
    text = " ".join(text.split()).strip(" .")
    name = type(error).__name__
    return f"{name}: {text}" if text else name


class LayerRaised(Exception):
    """The layer's own code (or Keras running it) raised while doing something."""

    def __init__(self, doing: str, error: BaseException):
        super().__init__(f"{doing}: {describe(error)}")
        self.doing = doing
        self.error = error


class NotApplicable(Exception):
    """The fault cannot arise here, or another check reports its cause."""


class CannotRun(Exception):
    """A check's precondition does not hold: the check could not run."""


def _user(doing: str, function: Callable, *args, **kwargs):
    """Run code of the layer (or Keras running it); its errors become LayerRaised."""
    try:
        return function(*args, **kwargs)
    except Exception as error:
        raise LayerRaised(doing, error) from error


# -- inputs, construction, calls -------------------------------------------------------


def _shape_text(shapes: list[tuple[int, ...]]) -> str:
    return ", ".join(str(tuple(s)) for s in shapes)


def make_inputs(spec: LayerSpec, seed: int = 0) -> list[np.ndarray]:
    """One array per input, reproducible for a seed."""
    rng = np.random.default_rng(seed)
    arrays = []
    for shape, dtype in zip(spec.input_shapes, spec.input_dtypes):
        dtype = keras.backend.standardize_dtype(dtype)
        if dtype == "bool":
            arrays.append(rng.random(shape) < 0.5)
        elif "int" in dtype:
            low, high = spec.input_range or (0, 10)
            arrays.append(rng.integers(int(low), int(high), size=shape).astype(dtype))
        elif spec.input_range is not None:
            arrays.append(rng.uniform(*spec.input_range, size=shape).astype(dtype))
        else:
            arrays.append(rng.normal(size=shape).astype(dtype))
    return arrays


def _tensor_call_kwargs(spec: LayerSpec) -> dict[str, np.ndarray]:
    return {k: v for k, v in spec.call_kwargs.items() if isinstance(v, np.ndarray)}


def _fresh(value):
    """A layer given as a constructor argument, cloned so each instance owns its own."""
    if isinstance(value, keras.layers.Layer):
        return value.__class__.from_config(value.get_config())
    if isinstance(value, (list, tuple)):
        return type(value)(_fresh(v) for v in value)
    return value


def construct(spec: LayerSpec, **extra):
    arguments = {k: _fresh(v) for k, v in {**spec.init_kwargs, **extra}.items()}
    return _user("constructing the layer", spec.layer_cls, **arguments)


def call_layer(
    spec: LayerSpec,
    layer,
    inputs: list,
    tensor_kwargs: dict | None = None,
    **extra,
):
    """Call `layer` the way the spec says: one input, a list, or positional inputs."""
    kwargs = {**spec.call_kwargs, **(tensor_kwargs or {}), **extra}
    if not spec.several_inputs:
        return layer(inputs[0], **kwargs)
    if spec.inputs_as == "args":
        return layer(*inputs, **kwargs)
    return layer(list(inputs), **kwargs)


def _symbolic_inputs(spec: LayerSpec) -> tuple[list, dict]:
    inputs = [
        keras.Input(shape=shape[1:], dtype=dtype)
        for shape, dtype in zip(spec.input_shapes, spec.input_dtypes)
    ]
    tensors = {
        name: keras.Input(shape=value.shape[1:], dtype=str(value.dtype))
        for name, value in _tensor_call_kwargs(spec).items()
    }
    return inputs, tensors


def _flat(outputs) -> list:
    return list(keras.tree.flatten(outputs))


def _numpy(tensor) -> np.ndarray:
    return np.asarray(ops.convert_to_numpy(tensor))


def _float_outputs(outputs) -> list:
    return [
        o
        for o in _flat(outputs)
        if hasattr(o, "dtype")
        and keras.backend.is_float_dtype(keras.backend.standardize_dtype(o.dtype))
    ]


def _same_outputs(a, b, rtol=1e-5, atol=1e-6) -> bool:
    a, b = [_numpy(o) for o in _flat(a)], [_numpy(o) for o in _flat(b)]
    return len(a) == len(b) and all(
        x.shape == y.shape and np.allclose(x, y, rtol=rtol, atol=atol, equal_nan=True)
        for x, y in zip(a, b)
    )


def _sublayers(layer) -> list:
    return list(layer._flatten_layers(include_self=False, recursive=True))


def _weight_shapes(weights) -> list[tuple[int, ...]]:
    return sorted(tuple(int(n) for n in w.shape) for w in weights)


def _seed(seed: int = 0) -> None:
    keras.utils.set_random_seed(seed)


def _rejects_dynamic(error: LayerRaised) -> bool:
    return "Unrecognized keyword" in str(error) and "'dynamic'" in str(error)


def _adds_state(error: LayerRaised) -> bool:
    """Keras's refusal of a sublayer or weight added to a layer already built."""
    return "cannot add new elements of state" in str(error)


def _raised_in(error: LayerRaised, method: str, cls: type) -> bool:
    """Whether `cls.<method>` of the user's layer is among the frames that raised."""
    traceback = error.error.__traceback__
    while traceback is not None:
        frame = traceback.tb_frame
        owner = frame.f_locals.get("self")
        if frame.f_code.co_name == method and isinstance(owner, cls):
            return True
        traceback = traceback.tb_next
    return False


def _build_adds_state(error: LayerRaised, cls: type) -> bool:
    """build() adds state to a layer Keras has locked (a sublayer built twice)."""
    return _adds_state(error) and _raised_in(error, "build", cls)


def _call_adds_state(error: LayerRaised, cls: type) -> bool:
    """call() creates a sublayer or weight, which Keras refuses once built."""
    return _adds_state(error) and not _raised_in(error, "build", cls)


class _Run:
    """What several checks of one spec share, computed once: the layer built by a
    call and its outputs, its clone from the config, its symbolic call, training."""

    def __init__(self, spec: LayerSpec):
        self.spec = spec
        self._cache: dict[str, Any] = {}

    def _once(self, key: str, compute: Callable):
        """compute() once; a LayerRaised it raises is raised again on every use."""
        if key not in self._cache:
            try:
                self._cache[key] = (compute(), None)
            except LayerRaised as error:
                self._cache[key] = (None, error)
        value, error = self._cache[key]
        if error is not None:
            raise error
        return value

    def inputs(self, seed: int = 0) -> list[np.ndarray]:
        return make_inputs(self.spec, seed)

    def tensor_kwargs(self) -> dict[str, np.ndarray]:
        return _tensor_call_kwargs(self.spec)

    def call(self, layer, inputs=None, **extra):
        return call_layer(
            self.spec,
            layer,
            inputs or self.inputs(),
            self.tensor_kwargs(),
            **extra,
        )

    def _call_first(self):
        _seed()
        with _VariableWatch() as watch:
            layer = construct(self.spec)
            shapes = _shape_text(self.spec.input_shapes)
            outputs = _user(
                f"calling the layer on inputs of shape {shapes}",
                self.call,
                layer,
            )
        # Weak references: a variable made and dropped (a temporary) is not "held".
        return layer, outputs, [weakref.ref(variable) for variable, _ in watch.created]

    def call_error(self) -> LayerRaised | None:
        """Why the layer cannot be constructed and called, or None."""
        try:
            self._once("called", self._call_first)
        except LayerRaised as error:
            return error
        return None

    def called(self):
        """(layer, outputs): a fresh layer called once on the spec's inputs."""
        error = self.call_error()
        if error is not None:
            if _rejects_dynamic(error):
                raise NotApplicable("the layer cannot be constructed (see no-dynamic)")
            if _build_adds_state(error, self.spec.layer_cls):
                raise NotApplicable("build() fails (see composite-build)")
            if _call_adds_state(error, self.spec.layer_cls):
                raise NotApplicable("the layer cannot be called (see training-step)")
            raise CannotRun(f"the layer cannot be used: {error}")
        layer, outputs, _ = self._once("called", self._call_first)
        return layer, outputs

    def created_variables(self) -> list:
        """keras.Variables created while the layer was constructed and first called,
        and still alive."""
        self.called()
        references = self._once("called", self._call_first)[2]
        return [v for v in (reference() for reference in references) if v is not None]

    def clone(self):
        """The called layer rebuilt the way a .keras file rebuilds it, then called."""

        def rebuild():
            layer, _ = self.called()
            clone = _clone_from_config(self, layer)
            _user("calling the layer rebuilt from its config", self.call, clone)
            return clone

        return self._once("clone", rebuild)

    def symbolic(self):
        """(layer, inputs, tensor kwargs, outputs): a fresh layer called on keras.Input."""

        def trace():
            _seed()
            layer = construct(self.spec)
            inputs, tensors = _symbolic_inputs(self.spec)
            outputs = _user(
                "calling the layer on keras.Input",
                call_layer,
                self.spec,
                layer,
                inputs,
                tensors,
            )
            return layer, inputs, tensors, outputs

        return self._once("symbolic", trace)

    def training(self) -> _Training:
        """A few compiled training steps of a model holding the layer."""

        def train():
            steps = 5 if self.spec.expected_loss_decrease else 2
            return _train(self, steps, eager=self.spec.run_eagerly, reuse=True)

        return self._once("training", train)


# -- static facts from the class -------------------------------------------------------


def _class_source_tree(cls: type) -> ast.Module | None:
    try:
        return ast.parse(textwrap.dedent(inspect.getsource(cls)))
    except (OSError, TypeError, SyntaxError, IndentationError):
        return None


def _init_calls(tree: ast.Module) -> list[ast.Call]:
    """Calls that initialise a base class: `super().__init__(...)`, `Base.__init__(self, ...)`."""
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "__init__"
    ]


def _user_init(cls: type):
    """The first `__init__` below keras.layers.Layer, or None if Keras's own is used."""
    for klass in cls.__mro__:
        if "__init__" in vars(klass):
            module = getattr(klass, "__module__", "") or ""
            if klass is keras.layers.Layer or module.startswith("keras."):
                return None
            return vars(klass)["__init__"]
    return None


def _overrides(cls: type, method: str) -> bool:
    """Whether `method` is not keras.layers.Layer's own (the user's, or a Keras
    layer's the class derives from)."""
    return getattr(cls, method, None) is not getattr(keras.layers.Layer, method)


def _constructor_parameters(cls: type) -> list[inspect.Parameter]:
    try:
        parameters = inspect.signature(cls.__init__).parameters.values()
    except (TypeError, ValueError):
        return []
    return [p for p in parameters if p.name != "self"]


def _accepts(cls: type, argument: str) -> bool:
    for p in _constructor_parameters(cls):
        if p.kind is p.VAR_KEYWORD:
            return True
        if p.name == argument and p.kind is not p.VAR_POSITIONAL:
            return True
    return False


# -- the checks ------------------------------------------------------------------------


def check_no_dynamic(run: _Run) -> Finding:
    cls = run.spec.layer_cls
    fix = "drop `dynamic`; compile models that use this layer with run_eagerly=True"
    tree = _class_source_tree(cls)
    calls = _init_calls(tree) if tree is not None else []
    keywords = [keyword.arg for call in calls for keyword in call.keywords]
    if "dynamic" in keywords:
        return Finding(
            "no-dynamic",
            FAIL,
            "passes `dynamic=` to Layer.__init__: Keras 3 rejects it "
            "(ValueError: Unrecognized keyword arguments)",
            fix,
        )
    error = run.call_error()
    if error is not None and _rejects_dynamic(error):
        return Finding(
            "no-dynamic",
            FAIL,
            f"constructing the layer fails: {describe(error.error)}",
            fix,
        )
    if error is not None and tree is None:
        raise CannotRun(f"no source to read, and {error}")
    return Finding("no-dynamic", PASS, "no `dynamic` argument reaches Keras")


def check_init_kwargs(run: _Run) -> Finding:
    cls = run.spec.layer_cls
    fix = "accept **kwargs in __init__ and pass them on: super().__init__(**kwargs)"
    init = _user_init(cls)
    if init is None:
        return Finding("init-kwargs", PASS, "uses Keras's own __init__")
    parameters = _constructor_parameters(cls)
    has_var_keyword = any(p.kind is p.VAR_KEYWORD for p in parameters)
    explicit = {p.name for p in parameters}
    if not has_var_keyword and not set(BASE_ARGUMENTS) <= explicit:
        return Finding(
            "init-kwargs",
            FAIL,
            "__init__ does not accept **kwargs: Layer(name=...), dtype= and trainable= raise "
            "TypeError, and so do from_config() and loading a .keras file, which pass them back",
            fix,
        )
    error = run.call_error()
    if error is not None and "constructing" in error.doing:
        return _init_kwargs_from_source(cls, fix)
    probes = {"name": "contract_probe", "trainable": False, "dtype": "float64"}
    try:  # all three at once; one by one only to tell which is refused
        attempts = [(probes, construct(run.spec, **probes))]
    except LayerRaised:
        attempts = []
        for argument, value in probes.items():
            try:
                attempts.append(
                    ({argument: value}, construct(run.spec, **{argument: value})),
                )
            except LayerRaised as error:
                return Finding(
                    "init-kwargs",
                    FAIL,
                    f"the constructor rejects {argument}= ({describe(error.error)}): "
                    "from_config() and .keras loading pass it back",
                    fix,
                )
    ignored = []
    for given, layer in attempts:
        seen = {
            "name": layer.name,
            "trainable": layer.trainable,
            "dtype": layer.dtype_policy.name,
        }
        ignored += [f"{k}=" for k, v in given.items() if seen[k] != v]
    if ignored:
        return Finding(
            "init-kwargs",
            FAIL,
            f"__init__ takes **kwargs but drops them: {', '.join(ignored)} "
            "have no effect (the layer keeps Keras's defaults)",
            fix,
        )
    return Finding("init-kwargs", PASS, "name=, trainable= and dtype= reach Keras")


def _init_kwargs_from_source(cls: type, fix: str) -> Finding:
    """When the layer cannot be constructed: judge forwarding from __init__'s source."""
    init = _user_init(cls)
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(init)))
    except (OSError, TypeError, SyntaxError, IndentationError):
        raise CannotRun(
            "the layer cannot be constructed and __init__'s source is not available",
        ) from None
    calls = _init_calls(tree)
    forwards = any(k.arg is None for call in calls for k in call.keywords)
    if calls and not forwards:
        return Finding(
            "init-kwargs",
            FAIL,
            "__init__ takes **kwargs but never passes them to super().__init__(): name=, "
            "trainable= and dtype= are dropped",
            fix,
        )
    return Finding("init-kwargs", PASS, "__init__ accepts **kwargs and passes them on")


def check_registered(run: _Run) -> Finding:
    cls = run.spec.layer_cls
    name = keras.saving.get_registered_name(cls)
    if keras.saving.get_registered_object(name) is cls:
        return Finding("registered", PASS, f"registered as {name!r}")
    return Finding(
        "registered",
        FAIL,
        f"{cls.__name__} is not registered: loading a .keras file that holds it fails with "
        "'Could not locate class' unless every caller passes custom_objects",
        "decorate the class with @keras.saving.register_keras_serializable(package=...)",
    )


def _clone_from_config(run: _Run, layer):
    """Rebuild `layer` the way a .keras file does: serialize, then deserialize."""
    cls = run.spec.layer_cls
    serialized = _user(
        "serializing the layer (get_config)", keras.saving.serialize_keras_object, layer
    )
    try:
        text = json.dumps(serialized)
    except (TypeError, ValueError) as error:
        raise LayerRaised("writing the config as JSON", error) from error
    return _user(
        "rebuilding the layer from its config (from_config)",
        keras.saving.deserialize_keras_object,
        json.loads(text),
        custom_objects={cls.__name__: cls},
    )


def _config_differences(a, b) -> list[str]:
    config_a, config_b = a.get_config(), b.get_config()
    keys = sorted(set(config_a) | set(config_b))
    changed = [k for k in keys if _plain(config_a.get(k)) != _plain(config_b.get(k))]
    return [k for k in changed if k != "name"]


def _plain(value):
    return json.loads(
        json.dumps(keras.saving.serialize_keras_object(value), default=str),
    )


def _layer_differences(run: _Run, original, clone, inputs) -> list[str]:
    """How `clone` (rebuilt from the config of `original`, both called) differs."""
    differences = []
    changed = _config_differences(original, clone)
    if changed:
        differences.append(f"the config changes ({', '.join(changed)})")
    shapes, again = _weight_shapes(original.weights), _weight_shapes(clone.weights)
    if shapes != again:
        differences.append(f"weight shapes {shapes} become {again}")
    elif original.weights:
        clone.set_weights(original.get_weights())
        expected = run.call(original, inputs)
        if not _same_outputs(expected, run.call(clone, inputs)):
            # Unless the layer is random at inference (a sampling layer).
            if _same_outputs(expected, run.call(original, inputs)):
                differences.append("the same weights give other outputs")
    return differences


def _another_value(default):
    """A different value of the same kind, to see whether get_config() keeps it."""
    if isinstance(default, bool):
        return not default
    if isinstance(default, int):
        return default + 1
    if isinstance(default, float):
        return default / 2 if default else 0.5
    alternatives = {"valid": "same", "same": "valid", "relu": "tanh", "linear": "relu"}
    if isinstance(default, str) and default in alternatives:
        return alternatives[default]
    return None


def _simple_attributes(layer) -> dict[str, Any]:
    return {
        k: v
        for k, v in vars(layer).items()
        if not k.startswith("_") and isinstance(v, (bool, int, float, str, tuple))
    }


def check_config(run: _Run) -> Finding:
    layer, _ = run.called()
    fix = "return every constructor argument from get_config(), as JSON-serializable values"
    try:
        layer.get_config()
    except NotImplementedError as error:
        return Finding(
            "config",
            FAIL,
            f"get_config() is not implemented ({describe(error)})",
            "implement get_config(): super().get_config() updated with every constructor argument",
        )
    except Exception as error:
        return Finding("config", FAIL, f"get_config() raises {describe(error)}", fix)
    inputs = run.inputs()
    rebuilt = "from_config(get_config()) rebuilds the same layer"
    try:
        clone = run.clone()
    except LayerRaised as error:
        if not _init_kwargs_fault(run, error):
            return Finding("config", FAIL, f"{error}", fix)
        # __init__ rejects name/trainable/dtype (init-kwargs reports it): judge
        # the rest of the config without them.
        rebuilt = f"without name, trainable and dtype (see init-kwargs), {rebuilt}"
        clone = _rebuild_without_base_arguments(run, layer)
        if isinstance(clone, LayerRaised):
            return Finding(
                "config",
                FAIL,
                f"even without name, trainable and dtype, {clone}",
                fix,
            )
    differences = _layer_differences(run, layer, clone, inputs)
    if differences:
        return Finding(
            "config",
            FAIL,
            f"from_config(get_config()) builds another layer: {'; '.join(differences)}",
            fix,
        )
    lost = _lost_arguments(run, layer)
    if lost:
        return Finding(
            "config",
            FAIL,
            "get_config() loses constructor argument(s): " + "; ".join(lost),
            "add "
            + ", ".join(repr(k.split(" ")[0]) for k in lost)
            + " to the dict get_config() returns",
        )
    return Finding("config", PASS, rebuilt)


def _rebuild_without_base_arguments(run: _Run, layer):
    """The layer rebuilt from its config minus name/trainable/dtype, and called; or
    the LayerRaised that says why it cannot be."""
    config = layer.get_config()
    config = {k: v for k, v in config.items() if k not in BASE_ARGUMENTS}
    try:
        clone = _user(
            "rebuilding the layer from its config (from_config)",
            run.spec.layer_cls.from_config,
            config,
        )
        _user("calling the layer rebuilt from its config", run.call, clone)
    except LayerRaised as error:
        return error
    return clone


def _init_kwargs_fault(run: _Run, error: LayerRaised) -> bool:
    """Whether a failed rebuild is the init-kwargs fault (reported by that check)."""
    text = str(error)
    if not isinstance(error.error, TypeError) or "keyword argument" not in text:
        return False
    return any(f"'{argument}'" in text for argument in BASE_ARGUMENTS)


def _lost_arguments(run: _Run, layer) -> list[str]:
    """Constructor arguments absent from the config whose value does not survive it."""
    spec = run.spec
    config = layer.get_config()
    lost = []
    for parameter in _constructor_parameters(spec.layer_cls):
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        name = parameter.name
        if name in config or name in BASE_ARGUMENTS or name in spec.init_kwargs:
            continue
        if parameter.default is parameter.empty:
            continue
        value = _another_value(parameter.default)
        if value is None:  # None-default aliases and values of no known kind
            continue
        _seed()
        try:
            reference = construct(spec)
            changed = construct(spec, **{name: value})
            moved = {
                k
                for k, v in _simple_attributes(changed).items()
                if _simple_attributes(reference).get(k) != v
            }
            inputs = run.inputs()
            run.call(changed, inputs)
            clone = _clone_from_config(run, changed)
            run.call(clone, inputs)
        except Exception:  # that value does not work for this layer: nothing to learn
            continue
        kept = _simple_attributes(clone)
        drifted = sorted(k for k in moved if kept.get(k) != getattr(changed, k, None))
        differences = _layer_differences(run, changed, clone, inputs)
        if drifted:
            differences.append(", ".join(f"{k}={kept.get(k)!r}" for k in drifted))
        if differences:
            lost.append(
                f"{name} (a layer made with {name}={value!r} comes back with "
                f"{'; '.join(differences)})"
            )
    return lost


def _raw_variables(layer) -> list[tuple[str, Any, bool]]:
    """(where, value, trainable) for backend variables Keras does not track
    (a tf.Variable, a torch Parameter), found in the attributes of the layer
    and its sublayers."""
    found = []
    for owner in [layer, *_sublayers(layer)]:
        for name, value in vars(owner).items():
            values = value if isinstance(value, (list, tuple)) else [value]
            for item in values:
                if isinstance(item, keras.Variable):
                    continue
                module = type(item).__module__ or ""
                if module.startswith("tensorflow") and hasattr(item, "assign"):
                    found.append((f"{owner.name}.{name}", item, bool(item.trainable)))
                elif module.startswith("torch") and type(item).__name__ == "Parameter":
                    found.append(
                        (f"{owner.name}.{name}", item, bool(item.requires_grad)),
                    )
    return found


def _raw_value(variable) -> np.ndarray:
    if hasattr(variable, "numpy"):
        try:
            return np.array(variable.numpy())
        except Exception:
            pass
    return np.array(variable.detach().cpu().numpy())


def _untracked(run: _Run, layer) -> list[str]:
    """Trainable keras.Variables made with the layer, alive, and not among its own."""
    tracked = {id(v) for v in layer.variables}
    made = [v for v in run.created_variables() if v.trainable]
    return [v.path for v in made if id(v) not in tracked]


def check_tracked_variables(run: _Run) -> Finding:
    layer, _ = run.called()
    fix = "create state with self.add_weight(...) or keras.Variable(...) in build()"
    hidden = _untracked(run, layer)
    if hidden:
        gc.collect()  # temporaries that only a reference cycle kept alive go
        hidden = _untracked(run, layer)
    if hidden:
        with _VariableWatch() as watch:
            run.call(layer)
        if watch.created:  # made anew by every call, not held: see training-step
            hidden = []
    raw = _raw_variables(layer)
    trainable_raw = [where for where, _, trainable in raw if trainable]
    if trainable_raw or hidden:
        return Finding(
            "tracked-variables",
            FAIL,
            f"{', '.join(trainable_raw + hidden)}: trainable state Keras does not track (not in "
            "layer.weights): fit() never trains it and .keras files do not save it",
            fix,
        )
    lost = _untracked_state_lost(run, raw)
    if lost:
        return Finding(
            "tracked-variables",
            FAIL,
            f"{', '.join(lost)}: state Keras does not track, whose value a reloaded model cannot "
            "get back (it changes when the layer runs, or build() does not recompute it)",
            fix,
        )
    finding = _expected_weights(run.spec, layer)
    if finding is not None:
        return finding
    note = f"; {len(raw)} untracked constant(s) that build() recomputes" if raw else ""
    return Finding(
        "tracked-variables",
        PASS,
        f"{len(layer.weights)} weight(s), all tracked{note}",
    )


def _untracked_state_lost(run: _Run, raw) -> list[str]:
    """Untracked non-trainable variables a reload would not reproduce: their value
    changes when the layer runs, or another instance's build() gives another value."""
    if not raw:
        return []
    first = {where.split(".", 1)[1]: _raw_value(v) for where, v, _ in raw}
    _seed(1)
    again = construct(run.spec)
    run.call(again)
    run.call(again, training=True) if _takes_training(again) else run.call(again)
    lost = []
    for where, variable, _ in _raw_variables(again):
        attribute = where.split(".", 1)[1]
        value = first.get(attribute)
        if value is None or value.shape != _raw_value(variable).shape:
            continue
        if not np.allclose(value, _raw_value(variable)):
            lost.append(f"{run.called()[0].name}.{attribute}")
    return lost


def _takes_training(layer) -> bool:
    try:
        parameters = inspect.signature(layer.call).parameters
    except (TypeError, ValueError):
        return False
    return "training" in parameters


def _expected_weights(spec: LayerSpec, layer) -> Finding | None:
    expectations = (
        ("trainable", spec.expected_trainable_weight_shapes, layer.trainable_weights),
        (
            "non-trainable",
            spec.expected_non_trainable_weight_shapes,
            layer.non_trainable_weights,
        ),
    )
    for kind, expected, weights in expectations:
        if expected is None:
            continue
        expected = sorted(tuple(s) for s in expected)
        if _weight_shapes(weights) != expected:
            return Finding(
                "tracked-variables",
                FAIL,
                f"{kind} weights have shapes {_weight_shapes(weights)}; expected {expected}",
                "create exactly the expected weights in build() (or __init__)",
            )
    return None


def check_built_after_init(run: _Run) -> Finding:
    spec = run.spec
    _seed()
    layer = construct(spec)
    expected = spec.expected_built_after_init
    if expected is not None and layer.built != expected:
        state = "built" if layer.built else "not built"
        return Finding(
            "built-after-init",
            FAIL,
            f"the layer is {state} right after construction; expected the opposite",
            "set `self.built = True` in __init__ only when every weight is created there",
        )
    created = list(layer.weights)
    if not created and not _raw_variables(layer):
        if expected:
            return Finding(
                "built-after-init",
                FAIL,
                "no weights right after construction, although the layer is built",
                "create the weights in __init__ when the layer marks itself built",
            )
        return Finding(
            "built-after-init",
            NOT_APPLICABLE,
            "creates no weights in __init__",
        )
    if layer.built:
        return Finding(
            "built-after-init",
            PASS,
            "creates its weights in __init__ and is built",
        )
    if not _overrides(spec.layer_cls, "build"):
        return Finding(
            "built-after-init",
            PASS,
            "creates its weights in __init__; Keras's default build() adds none",
        )
    fix = "set `self.built = True` after creating the weights in __init__"
    try:
        _user("calling the layer", run.call, layer)
    except LayerRaised as error:
        return Finding(
            "built-after-init",
            FAIL,
            f"weights are created in __init__ but the layer is not marked built, so Keras runs "
            f"build() on the first call, which fails: {describe(error.error)}",
            fix,
        )
    if len(layer.weights) > len(created):
        return Finding(
            "built-after-init",
            FAIL,
            f"weights are created in __init__ but the layer is not marked built, so Keras runs "
            f"build() on the first call, which adds {len(layer.weights) - len(created)} more "
            f"weight(s) ({len(layer.weights)} instead of {len(created)})",
            fix,
        )
    return Finding(
        "built-after-init",
        PASS,
        "creates its weights in __init__; build() adds none",
    )


def check_composite_build(run: _Run) -> Finding:
    spec = run.spec
    error = run.call_error()
    if error is not None and _build_adds_state(error, spec.layer_cls):
        return Finding(
            "composite-build",
            FAIL,
            f"build() adds state to a layer that is already built, so the layer can "
            f"never be built: {error}",
            "in build(), build each sublayer only if it is not built yet "
            "(`if not self.layer.built:`), and create weights once",
        )
    called, _ = run.called()
    if not _sublayers(called):
        return Finding("composite-build", NOT_APPLICABLE, "no sublayers")
    config = called.get_build_config()
    _seed()
    fresh = construct(spec)
    fix = (
        "add build(input_shape) that builds every sublayer with the shape it will see, "
        "e.g. self.dense.build(input_shape)"
    )
    try:
        _user(f"build_from_config({config})", fresh.build_from_config, config)
    except LayerRaised as error:
        return Finding(
            "composite-build",
            FAIL,
            f"building the layer from its input shape, as Keras does before loading weights, "
            f"fails: {error}",
            fix,
        )
    missing = _missing_shapes(called.weights, fresh.weights)
    if missing:
        own = "no build()" if not _overrides(spec.layer_cls, "build") else "its build()"
        return Finding(
            "composite-build",
            FAIL,
            f"layer.build(input_shape) with {own} leaves {len(missing)} of {len(called.weights)} "
            f"weight(s) uncreated (shapes {missing}) that a call creates: set_weights() and "
            "load_weights() on the built layer fail",
            fix,
        )
    return Finding(
        "composite-build",
        PASS,
        f"build(input_shape) creates all {len(called.weights)} weight(s) of its sublayers",
    )


def _missing_shapes(expected_weights, actual_weights) -> list[tuple[int, ...]]:
    remaining = _weight_shapes(actual_weights)
    missing = []
    for shape in _weight_shapes(expected_weights):
        if shape in remaining:
            remaining.remove(shape)
        else:
            missing.append(shape)
    return missing


@contextlib.contextmanager
def _global_policy(name: str):
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(name)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(previous)


def check_dtype_policy(run: _Run) -> Finding:
    spec = run.spec
    called, _ = run.called()
    if not _sublayers(called):
        return Finding("dtype-policy", NOT_APPLICABLE, "no sublayers")
    if not _accepts(spec.layer_cls, "dtype"):
        raise NotApplicable("the constructor does not accept dtype= (see init-kwargs)")
    # Under another global default, a sublayer that ignores the layer's policy shows
    # that default; one that takes the layer's dtype but not its policy
    # (dtype=self.dtype) changes with the layer's dtype without following its policy;
    # one pinned on purpose (dtype="float32" for a last softmax) keeps its own.
    default = "mixed_bfloat16"
    with _global_policy(default):
        mixed = _sublayer_policies(run, "mixed_float16")
        wide = _sublayer_policies(run, "float64")
    ignored = [name for name, policy in mixed if policy == default]
    comparable = len(mixed) == len(wide)
    partial = [
        name
        for (name, policy), (_, other) in zip(mixed, wide)
        if comparable and policy not in ("mixed_float16", default) and policy != other
    ]
    if ignored or partial:
        found = []
        if ignored:
            found.append(f"{', '.join(ignored)} keep the global default policy")
        if partial:
            found.append(
                f"{', '.join(partial)} take the layer's dtype but not its policy "
                "(dtype=self.dtype)"
            )
        return Finding(
            "dtype-policy",
            FAIL,
            f"with dtype='mixed_float16', sublayer(s) {'; '.join(found)}: mixed "
            "precision stops at them",
            "create sublayers with dtype=self.dtype_policy",
        )
    return Finding(
        "dtype-policy",
        PASS,
        "every sublayer follows the layer's dtype policy",
    )


def _sublayer_policies(run: _Run, dtype: str) -> list[tuple[str, str]]:
    """(name, policy) of each sublayer of the layer made with `dtype=` and called."""
    _seed()
    layer = construct(run.spec, dtype=dtype)
    try:
        run.call(layer)
    except Exception:  # some sublayers only exist after a call; judge what exists
        pass
    return [(s.name, s.dtype_policy.name) for s in _sublayers(layer)]


def check_mixed_precision(run: _Run) -> Finding:
    spec = run.spec
    called, reference = run.called()
    if _raw_variables(called):
        raise NotApplicable(
            "Keras cannot cast untracked variables (see tracked-variables)",
        )
    fix = (
        "compute with keras.ops on the inputs and weights Keras casts for you; create weights "
        "with add_weight (no explicit float16 dtype), and cast constants to "
        "self.compute_dtype"
    )
    with _global_policy("mixed_float16"):
        _seed()
        try:
            layer = construct(spec)
            outputs = _user("calling the layer", run.call, layer)
        except LayerRaised as error:
            return Finding(
                "mixed-precision",
                FAIL,
                f"under the global mixed_float16 policy, {error}",
                fix,
            )
    half = [
        w.path
        for w in layer.weights
        if keras.backend.standardize_dtype(w.dtype) in ("float16", "bfloat16")
    ]
    if half:
        return Finding(
            "mixed-precision",
            FAIL,
            f"under mixed_float16 the weights {', '.join(half)} are float16: they cannot be "
            "trained precisely (mixed precision keeps weights in float32)",
            fix,
        )
    finite_before = [np.isfinite(_numpy(o)) for o in _float_outputs(reference)]
    finite_after = [np.isfinite(_numpy(o)) for o in _float_outputs(outputs)]
    pairs = zip(finite_before, finite_after)
    if any(a.shape == b.shape and np.any(a & ~b) for a, b in pairs):
        return Finding(
            "mixed-precision",
            FAIL,
            "under mixed_float16 some outputs are inf or NaN where float32 gives finite values "
            "(a constant or an intermediate overflows float16)",
            "keep large constants (such as -1e9 masks) within float16's range (±65504), "
            "or compute that part in float32",
        )
    dtypes = sorted(
        {keras.backend.standardize_dtype(o.dtype) for o in _float_outputs(outputs)},
    )
    if spec.expected_float16_outputs and dtypes != ["float16"]:
        return Finding(
            "mixed-precision",
            FAIL,
            f"under mixed_float16 the outputs are {', '.join(dtypes) or 'not floats'}, not float16",
            fix,
        )
    return Finding(
        "mixed-precision",
        PASS,
        f"runs under mixed_float16: float32 weights, {', '.join(dtypes) or 'no float'} outputs",
    )


def _shapes_agree(expected, actual) -> bool:
    expected, actual = tuple(expected), tuple(actual)
    return len(expected) == len(actual) and all(
        e is None or a is None or int(e) == int(a) for e, a in zip(expected, actual)
    )


def _all_agree(expected: list[tuple], actual: list[tuple]) -> bool:
    pairs = zip(expected, actual)
    return len(expected) == len(actual) and all(_shapes_agree(e, a) for e, a in pairs)


def _shapes_of(outputs) -> list[tuple]:
    return [tuple(o.shape) for o in _flat(outputs) if hasattr(o, "shape")]


def _declared_shapes(declared) -> list[tuple]:
    """compute_output_shape()'s answer as a list of shapes (one per output)."""
    if isinstance(declared, dict):
        declared = list(declared.values())
    several = isinstance(declared, (list, tuple)) and declared
    if several and isinstance(declared[0], (list, tuple)):
        return [tuple(d) for d in declared]
    return [tuple(declared)]


def check_output_shape(run: _Run) -> Finding:
    spec = run.spec
    fix = (
        "make call() work on symbolic tensors (keras.ops only, no .numpy() or Python "
        "branches on values), or implement compute_output_shape()"
    )
    cannot = (
        "the layer cannot be called on a symbolic keras.Input, so functional and "
        "Sequential models cannot use it"
    )
    error = run.call_error()
    if error is not None and _adds_state(error):
        # Keras refuses the layer's state, so no call works, on keras.Input neither.
        fix = "create sublayers in __init__ and weights in build(), never in call()"
        if _build_adds_state(error, spec.layer_cls):
            fix = "build each sublayer only if it is not built yet; create weights once"
        try:
            run.symbolic()
        except LayerRaised as symbolic_error:
            return Finding(
                "output-shape",
                FAIL,
                f"{cannot}: {describe(symbolic_error.error)}",
                fix,
            )
    _, outputs = run.called()
    actual = _shapes_of(outputs)
    try:
        layer, _, _, symbolic = run.symbolic()
    except LayerRaised as error:
        return Finding("output-shape", FAIL, f"{cannot}: {describe(error.error)}", fix)
    symbolic_shapes = _shapes_of(symbolic)
    if not _all_agree(symbolic_shapes, actual):
        return Finding(
            "output-shape",
            FAIL,
            f"on keras.Input the layer says its output has shape(s) {symbolic_shapes}; called on "
            f"data it returns {actual}",
            "make compute_output_shape() (or compute_output_spec()) follow what call() does",
        )
    if spec.expected_output_shape is not None and not _shapes_agree(
        spec.expected_output_shape, actual[0]
    ):
        return Finding(
            "output-shape",
            FAIL,
            f"the output has shape {actual[0]}; expected {tuple(spec.expected_output_shape)}",
            "make call() return the documented output shape",
        )
    if not _overrides(spec.layer_cls, "compute_output_shape"):
        return Finding(
            "output-shape",
            PASS,
            f"symbolic and real outputs agree: {_shape_text(actual)}",
        )
    shapes = spec.input_shapes
    argument = shapes[0] if not spec.several_inputs else shapes
    try:
        if spec.several_inputs and spec.inputs_as == "args":
            declared = layer.compute_output_shape(*shapes)
        else:
            declared = layer.compute_output_shape(argument)
        declared = _declared_shapes(declared)
    except Exception as error:
        return Finding(
            "output-shape",
            FAIL,
            f"compute_output_shape({argument}) raises {describe(error)}",
            "make compute_output_shape(input_shape) return the output shape for that input shape",
        )
    if not _all_agree(declared, actual):
        return Finding(
            "output-shape",
            FAIL,
            f"compute_output_shape({argument}) says {_shape_text(declared)}; the layer returns "
            f"{_shape_text(actual)}",
            "make compute_output_shape() follow what call() does",
        )
    return Finding(
        "output-shape",
        PASS,
        f"{_shape_text(actual)}, as compute_output_shape() says",
    )


# -- training: a model around the layer ------------------------------------------------


class _VariableWatch:
    """Records the keras.Variables created while it is active. With `in_call_only`,
    only those created while a probe model runs the layer (not the optimizer's)."""

    inside_call = False

    def __init__(self, in_call_only: bool = False):
        self.in_call_only = in_call_only
        self.created: list[tuple[Any, str | None]] = []

    def __enter__(self):
        self._original = keras.Variable.__dict__.get("__init__")
        base_init = keras.Variable.__init__
        watch = self

        def init(variable, *args, **kwargs):
            if not watch.in_call_only or _VariableWatch.inside_call:
                watch.created.append((variable, kwargs.get("name")))
            base_init(variable, *args, **kwargs)

        keras.Variable.__init__ = init
        return self

    def __exit__(self, *exc):
        if self._original is None:
            del keras.Variable.__init__
        else:
            keras.Variable.__init__ = self._original
        return False

    def paths(self) -> list[str]:
        named = [getattr(v, "path", None) or name for v, name in self.created]
        return sorted({path or "a variable" for path in named})


class _ProbeModel(keras.Model):
    """The layer alone in a model, trained on a squared error against fixed targets."""

    def __init__(self, run: _Run, layer):
        super().__init__(name="contract_probe")
        self.probed = layer
        self._probe_spec = run.spec
        self._probe_tensor_names = list(run.tensor_kwargs())

    def call(self, x, training=None):  # `training` reaches the layer through Keras
        count = len(self._probe_spec.input_shapes)
        inputs, tensors = list(x[:count]), dict(
            zip(self._probe_tensor_names, x[count:]),
        )
        _VariableWatch.inside_call = True
        try:
            return call_layer(self._probe_spec, self.probed, inputs, tensors)
        finally:
            _VariableWatch.inside_call = False

    def compute_loss(
        self,
        x=None,
        y=None,
        y_pred=None,
        sample_weight=None,
        training=True,
    ):
        losses = [
            ops.mean(ops.square(ops.subtract(ops.cast(prediction, "float32"), target)))
            for prediction, target in zip(_float_outputs(y_pred), keras.tree.flatten(y))
        ]
        losses += [ops.cast(loss, "float32") for loss in self.losses]
        return ops.sum(ops.stack(losses)) if losses else ops.zeros(())


def _probe_model(run: _Run, seed: int = 0, layer=None):
    """(model, x, y): the layer (a new one unless given) in a probe model built by one
    call, its inputs and random targets for its float outputs."""
    _seed(seed)
    layer = layer if layer is not None else construct(run.spec)
    x = run.inputs(seed) + list(run.tensor_kwargs().values())
    model = _ProbeModel(run, layer)
    outputs = _user("calling the layer", model, x)
    rng = np.random.default_rng(seed + 7)
    shapes = [tuple(o.shape) for o in _float_outputs(outputs)]
    y = [rng.normal(size=shape).astype("float32") for shape in shapes]
    return model, x, y


def _is_sparse(gradient) -> bool:
    """TensorFlow's IndexedSlices, by duck typing (torch tensors have methods of
    these names; sparse gradients have them as tensors)."""
    return all(
        hasattr(gradient, name) and not callable(getattr(gradient, name))
        for name in ("indices", "values", "dense_shape")
    )


class _RecordingSGD(keras.optimizers.SGD):
    """SGD that also keeps, for each trainable variable, the magnitude of the first
    gradient it gets. Gradients Keras drops (None) leave zeros; sparse ones (with
    .indices and .values, from Embedding or take) are made dense."""

    def build(self, variables):
        super().build(variables)
        add = self.add_variable_from_reference
        self.first_gradients = [add(v, name="first_gradient") for v in variables]

    def update_step(self, gradient, variable, learning_rate):
        if _is_sparse(gradient):
            magnitude = ops.scatter(
                ops.expand_dims(gradient.indices, -1),
                ops.abs(ops.cast(gradient.values, variable.dtype)),
                variable.shape,
            )
        else:
            magnitude = ops.abs(ops.cast(gradient, variable.dtype))
        slot = self.first_gradients[self._get_variable_index(variable)]
        first = ops.equal(ops.convert_to_tensor(self.iterations), 0)
        self.assign(slot, ops.where(first, magnitude, ops.convert_to_tensor(slot)))
        super().update_step(gradient, variable, learning_rate)


@dataclass
class _Training:
    """What a few training steps of the probe model showed."""

    weights: list[str]  # the layer's trainable weights, by path below the layer
    gradients: list[np.ndarray | None]  # |first gradient| of each, if training ran
    losses: list[float] = field(default_factory=list)
    created_in_call: list[str] = field(default_factory=list)
    created_weights: list[str] = field(default_factory=list)
    error: LayerRaised | None = None


def _train(
    run: _Run, steps: int, eager: bool, perturb: bool = False, reuse: bool = False
) -> _Training:
    """Train the probe model `steps` times on one batch, as `fit` compiles it; with
    `reuse`, around the layer the first call built (saves building another)."""
    model, x, y = _probe_model(run, layer=run.called()[0] if reuse else None)
    weights = list(model.probed.trainable_weights)
    # Off zero starts (ReZero, LoRA), where one weight hides another's gradient.
    if perturb:
        rng = np.random.default_rng(3)
        for weight in weights:
            value = _numpy(weight)
            weight.assign(
                (value + rng.normal(0, 0.1, size=value.shape)).astype(value.dtype),
            )
    before = {id(w) for w in model.weights}
    optimizer = _RecordingSGD(learning_rate=0.01, name="contract_sgd")
    model.compile(optimizer=optimizer, run_eagerly=eager)
    optimizer.build(model.trainable_variables)  # before training: one trace, not two
    outcome = _Training([_path_in(model.probed, w) for w in weights], [])
    with _VariableWatch(in_call_only=True) as watch:
        try:
            _user("calling the layer again", model, x)
            for _ in range(steps):
                loss = _user(
                    "training a model holding the layer",
                    model.train_on_batch,
                    x,
                    y,
                )
                outcome.losses.append(float(_numpy(loss).reshape(-1)[0]))
        except LayerRaised as error:
            outcome.error = error
    outcome.created_in_call = watch.paths()
    outcome.created_weights = [w.path for w in model.weights if id(w) not in before]
    slots = dict(
        zip((id(v) for v in model.trainable_variables), optimizer.first_gradients),
    )
    if outcome.losses:
        first = [slots.get(id(w)) for w in weights]
        outcome.gradients = [None if g is None else _numpy(g) for g in first]
    return outcome


def _path_in(layer, weight) -> str:
    """A weight's path below its layer (`dense/kernel`), the same for every instance."""
    return weight.path.split(f"{layer.name}/", 1)[-1]


def _gradient_problems(training: _Training, ignored: set[int]) -> dict[int, str]:
    """{index of a trainable weight: what is wrong with its gradient}."""
    problems = {}
    for index, gradient in enumerate(training.gradients):
        if index in ignored:
            continue
        if gradient is None or not np.any(gradient != 0):
            problems[index] = "no gradient (none, or all zero)"
        elif not np.all(np.isfinite(gradient)):
            problems[index] = "a non-finite gradient"
    return problems


def _rebuilt_weights(run: _Run) -> set[int]:
    """Indices of weights made in __init__ that a build() Keras runs anyway replaces
    (the built-after-init fault, reported there): they are left without gradients."""
    _seed()
    fresh = construct(run.spec)
    overridden = _overrides(run.spec.layer_cls, "build")
    if fresh.built or not fresh.trainable_weights or not overridden:
        return set()
    count = len(fresh.trainable_weights)
    if len(run.called()[0].trainable_weights) <= count:
        return set()
    return set(range(count))


def check_gradients(run: _Run) -> Finding:
    layer, outputs = run.called()
    if not layer.trainable_weights:
        return Finding("gradients", NOT_APPLICABLE, "no trainable weights")
    if not _float_outputs(outputs):
        return Finding("gradients", NOT_APPLICABLE, "no float output to take a loss on")
    training = run.training()
    if training.error is not None:  # judged eagerly; training-step reports the failure
        training = _train(run, steps=1, eager=True)
        if training.error is not None:
            raise CannotRun(str(training.error))
    ignored = _rebuilt_weights(run)
    problems = _gradient_problems(training, ignored)
    if problems and not any("non-finite" in p for p in problems.values()):
        again = _gradient_problems(
            _train(run, steps=1, eager=True, perturb=True),
            ignored,
        )
        problems = {i: problem for i, problem in problems.items() if i in again}
    if problems:
        listed = "; ".join(f"{training.weights[i]}: {p}" for i, p in problems.items())
        return Finding(
            "gradients",
            FAIL,
            f"{len(problems)} of {len(training.weights)} trainable weight(s) get no usable "
            f"gradient from a loss on the layer's output ({listed}), so training never moves "
            "them",
            "use every trainable weight in call() through keras.ops (no .numpy(), no Python "
            "math on tensors, no stop_gradient); make weights call() does not use non-trainable "
            "or drop them",
        )
    count = len(training.weights) - len(ignored)
    note = " (weights build() replaced: see built-after-init)" if ignored else ""
    return Finding(
        "gradients",
        PASS,
        f"gradients reach all {count} trainable weight(s){note}",
    )


def check_training_step(run: _Run) -> Finding:
    spec = run.spec
    fix_state = "create sublayers in __init__ and weights in build(), never in call()"
    error = run.call_error()
    if error is not None and _call_adds_state(error, spec.layer_cls):
        return Finding(
            "training-step",
            FAIL,
            f"call() creates a sublayer or weight, which Keras refuses once the layer is "
            f"built: {error}",
            fix_state,
        )
    _, outputs = run.called()
    if not _float_outputs(outputs):
        return Finding(
            "training-step",
            NOT_APPLICABLE,
            "no float output to take a loss on",
        )
    training = run.training()
    if training.created_in_call:
        return Finding(
            "training-step",
            FAIL,
            f"call() creates weights ({', '.join(training.created_in_call)}) each time it "
            "runs: Keras does not track them, so training never updates them and .keras files "
            "do not save them",
            fix_state,
        )
    if training.error is not None:
        how = "as fit() compiles it"
        if spec.run_eagerly:
            how = "eagerly (run_eagerly=True)"
        return Finding(
            "training-step",
            FAIL,
            f"a model holding the layer cannot be trained {how}: {training.error}",
            _training_fix(training.error),
        )
    if training.created_weights:
        return Finding(
            "training-step",
            FAIL,
            f"training creates weights the built layer did not have "
            f"({', '.join(training.created_weights)})",
            fix_state,
        )
    losses = training.losses
    shown = " to ".join(f"{v:.4g}" for v in (losses[0], losses[-1]))
    if not all(np.isfinite(losses)):
        return Finding(
            "training-step",
            FAIL,
            f"training gives a non-finite loss ({shown})",
            "look for divisions by zero, logs or square roots of values that can be zero or "
            "negative, and overflowing exponentials in call()",
        )
    if spec.expected_loss_decrease and not losses[-1] < losses[0]:
        return Finding(
            "training-step",
            FAIL,
            f"{len(losses)} training steps do not lower the loss ({shown})",
            "check that call() uses its weights so that gradients can move the output",
        )
    return Finding(
        "training-step",
        PASS,
        f"{len(losses)} compiled training steps, finite loss ({shown})",
    )


def _training_fix(error: LayerRaised) -> str:
    text = str(error)
    if "numpy" in text.lower():
        return (
            "do not convert tensors to numpy in call(); use keras.ops, or compile with "
            "run_eagerly=True if the layer is eager-only"
        )
    if "Variable" in text or "You cannot add new elements of state" in text:
        return "create sublayers in __init__ and weights in build(), never in call()"
    return (
        "make call() traceable: keras.ops on tensors, no Python side effects or Python "
        "branches on tensor values; compile with run_eagerly=True only if the layer is "
        "eager-only"
    )


def check_keras_round_trip(run: _Run) -> Finding:
    spec = run.spec
    run.called()
    try:
        run.clone()
    except LayerRaised as error:
        cause = "init-kwargs" if _init_kwargs_fault(run, error) else "config"
        message = f"the layer cannot be rebuilt from its config (see {cause})"
        raise NotApplicable(message) from None
    try:
        _, inputs, tensors, outputs = run.symbolic()
    except LayerRaised:
        raise NotApplicable(
            "the layer cannot be called on keras.Input (see output-shape)"
        ) from None
    model = _user(
        "making a functional model",
        keras.Model,
        [*inputs, *tensors.values()],
        outputs,
    )
    rng = np.random.default_rng(1)
    # Away from initial values: a re-initialised weight shows.
    for weight in model.weights:
        value = _numpy(weight)
        if keras.backend.is_float_dtype(keras.backend.standardize_dtype(weight.dtype)):
            weight.assign(rng.uniform(0.5, 1.5, size=value.shape).astype(value.dtype))
    x = run.inputs(2) + list(run.tensor_kwargs().values())
    expected = model(x, training=False)
    saved = [_numpy(w) for w in model.weights]
    fix = (
        "create all state with add_weight()/keras.Variable() in build() or __init__, so Keras "
        "saves and restores it"
    )
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "layer.keras")
        _user("saving the model to .keras", model.save, path)
        try:
            restored = keras.models.load_model(
                path, custom_objects={spec.layer_cls.__name__: spec.layer_cls}
            )
        except Exception as error:
            return Finding(
                "keras-round-trip",
                FAIL,
                f"a model holding the layer is saved to .keras but does not load again: "
                f"{describe(error)}",
                fix,
            )
    actual = _user("calling the reloaded model", restored, x, training=False)
    if _same_outputs(expected, actual):
        return Finding(
            "keras-round-trip",
            PASS,
            "saved to .keras and reloaded: identical outputs",
        )
    if not _same_outputs(expected, model(x, training=False)):  # random at inference
        loaded = [_numpy(w) for w in restored.weights]
        same = [np.array_equal(a, b) for a, b in zip(saved, loaded)]
        if len(loaded) == len(saved) and all(same):
            return Finding(
                "keras-round-trip",
                PASS,
                "reloaded with identical weights (its outputs are random at inference)",
            )
        return Finding(
            "keras-round-trip",
            FAIL,
            "a reloaded model does not have the saved weights",
            fix,
        )
    return Finding(
        "keras-round-trip",
        FAIL,
        "a model holding the layer, saved to .keras and loaded again, gives different "
        "outputs: some state is not saved or not restored",
        fix,
    )


# -- running checks --------------------------------------------------------------------

CHECKS: dict[str, Callable[[_Run], Finding]] = {
    "no-dynamic": check_no_dynamic,
    "init-kwargs": check_init_kwargs,
    "registered": check_registered,
    "config": check_config,
    "built-after-init": check_built_after_init,
    "tracked-variables": check_tracked_variables,
    "composite-build": check_composite_build,
    "dtype-policy": check_dtype_policy,
    "mixed-precision": check_mixed_precision,
    "output-shape": check_output_shape,
    "gradients": check_gradients,
    "training-step": check_training_step,
    "keras-round-trip": check_keras_round_trip,
}

# Checks that read the class only: they run even when the layer cannot be built.
STATIC_CHECKS = ("no-dynamic", "init-kwargs", "registered")


def check_names() -> list[str]:
    return list(CHECKS)


_RUNS: dict[int, tuple[LayerSpec, _Run]] = {}


def _run_for(spec: LayerSpec) -> _Run:
    """One _Run per spec object, so checks run one by one share the layer's first call."""
    entry = _RUNS.get(id(spec))
    if entry is None or entry[0] is not spec:
        entry = _RUNS[id(spec)] = (spec, _Run(spec))
    return entry[1]


def forget(spec: LayerSpec) -> None:
    """Drop the layers and models the checks of `spec` share (after its last check)."""
    _RUNS.pop(id(spec), None)


def run_check(spec: LayerSpec, name: str) -> Finding:
    """Run one check. Never raises: a check that cannot run is an "error" finding."""
    if name not in CHECKS:
        raise KeyError(f"no check named {name!r}; the checks are {', '.join(CHECKS)}")
    run = _run_for(spec)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return CHECKS[name](run)
        except NotApplicable as reason:
            return Finding(name, NOT_APPLICABLE, f"not checked: {reason}")
        except CannotRun as reason:
            return Finding(name, ERROR, f"the check could not run: {reason}")
        except LayerRaised as error:
            if _rejects_dynamic(error):
                return Finding(
                    name,
                    NOT_APPLICABLE,
                    "not checked: the layer cannot be constructed (see no-dynamic)",
                )
            return Finding(name, ERROR, f"the check could not run: {error}")
        except Exception as error:
            return Finding(name, ERROR, f"the check could not run: {describe(error)}")


def run_checks(spec: LayerSpec, names: list[str] | None = None) -> list[Finding]:
    return [run_check(spec, name) for name in names or check_names()]


def assert_check(spec: LayerSpec, name: str) -> Finding:
    """For pytest: fail on a fault or a check that cannot run, skip when not applicable."""
    finding = run_check(spec, name)
    if finding.status == FAIL:
        raise AssertionError(f"{finding.message}\nfix: {finding.fix}")
    if finding.status == ERROR:
        raise AssertionError(finding.message)
    if finding.status == NOT_APPLICABLE:
        pytest = sys.modules.get("pytest")  # its own skip shows where; else unittest's
        if pytest is not None:
            pytest.skip(finding.message)
        raise unittest.SkipTest(finding.message)
    return finding
