"""Inside the child: how to construct and feed a layer the user said little about.

Constructor arguments come from `--arg` and `--config`; a required argument
left out is inferred from its name or annotation (units -> 16, kernel_size -> 3,
rate -> 0.1, activation -> "relu", a layer -> Dense(16), ...). Inputs come from
`--input-shape`, else features, sequences and images are tried in turn (and
integer token ids for embeddings). The first combination that constructs and
runs is kept, and the report says what was inferred.
"""

from __future__ import annotations

import ast
import inspect
import itertools
import re
from dataclasses import dataclass, field
from typing import Any

import keras
import numpy as np

from . import contract

BATCH, STEPS, SIDE, FEATURES = 4, 8, 8, 16
MAX_ARGUMENT_SETS = 12

# Names of constructor arguments that decide how the layer must be fed.
_VOCABULARY = r"(\w+_)?(vocab(ulary)?(_size)?|n_vocab|num_(tokens|embeddings|words)|max_tokens)"
_LENGTH = (
    r"max_?len(gth)?|seq(uence)?_len(gth)?|max_seq_len|max_position(s|_embeddings)?|"
    r"num_positions|num_patches|timesteps|length"
)
_INPUT_SIZE = r"(input|in)_(dim|features|channels|size)|channels|num_channels"
_MODEL_SIZE = r"embed_dim|embedding_dim|d_model|hidden_size|model_dim|dim"

# Required constructor arguments, by name: the values tried, in order.
_BY_NAME: list[tuple[str, list[Any]]] = [
    (r"(num_)?heads?|n_heads|num_attention_heads", [2, 4]),
    (r"(key|head|value)_(dim|size)", [8]),
    (r"(ff|ffn|mlp|intermediate|inner|expansion)_?(dim|size|units)?|dff", [32, 16]),
    (_VOCABULARY, [20]),
    (_LENGTH, [STEPS]),
    (r"(num_|n_)?classes", [4]),
    (r"kernel_size|kernel|window(_size)?", [3, 1]),
    (r"pool(_size)?", [2]),
    (r"strides?", [1]),
    (r"patch_size", [2]),
    (r"dilation(_rate)?", [1]),
    (r".*(rate|dropout|drop_prob|drop_prop|drop_path|prob|probability)|p", [0.1]),
    (r"activation|act", ["relu"]),
    (r"eps(ilon)?", [1e-6]),
    (r"axis", [-1]),
    (r"padding", ["same", "valid"]),
    (r"use_.*|.*_bias|causal|return_.*", [True, False]),
    (r"(.*_)?layer|wrapped|sublayer|module", ["Dense(16)"]),
    (_INPUT_SIZE, [FEATURES]),
    (
        r"units|filters|features|size|"
        r"(embed|embedding|model|hidden|projection|output|out|latent|feature|emb)_?"
        r"(dim|size|units|channels|features)?|" + _MODEL_SIZE,
        [FEATURES, 8],
    ),
]
_BY_ANNOTATION = {int: [FEATURES, 8], float: [0.1], bool: [True, False], str: ["relu"]}


def _named(pattern: str, arguments: dict[str, Any]) -> int | None:
    """The first integer argument whose name matches `pattern`."""
    return next(
        (v for k, v in arguments.items() if re.fullmatch(pattern, k) and isinstance(v, int)),
        None,
    )


class Exited(Exception):
    """The layer called sys.exit() while it was being called."""

    def __init__(self, code):
        super().__init__(f"the layer called sys.exit({code!r})")


@dataclass
class Plan:
    """How one layer will be checked, and what the user did not say."""

    spec: contract.LayerSpec
    inferred: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    fix: str = ""

    def shown_arguments(self) -> dict[str, str]:
        return {k: _show(v) for k, v in self.spec.init_kwargs.items()}


def _show(value) -> str:
    if isinstance(value, keras.layers.Layer):
        config = value.get_config()
        main = [config[k] for k in ("units", "filters") if k in config]
        return f"{type(value).__name__}({', '.join(map(repr, main))})"
    return repr(value)


def candidates_for(parameter: inspect.Parameter) -> list[Any]:
    name = parameter.name.lower()
    for pattern, values in _BY_NAME:
        if re.fullmatch(pattern, name):
            return values
    annotation = parameter.annotation
    if isinstance(annotation, str):
        annotation = {"int": int, "float": float, "bool": bool, "str": str}.get(annotation)
    if annotation in _BY_ANNOTATION:
        return _BY_ANNOTATION[annotation]
    if inspect.isclass(annotation) and issubclass(annotation, keras.layers.Layer):
        return ["Dense(16)"]
    return [FEATURES, 0.1, "relu", True]


def _layer_class(name: str, custom_objects: dict[str, Any]):
    cls = custom_objects.get(name) or getattr(keras.layers, name, None)
    return cls if inspect.isclass(cls) and issubclass(cls, keras.layers.Layer) else None


def to_layer(value: Any, custom_objects: dict[str, Any]):
    """`Dense(8)` or a Keras layer config dict as a layer; anything else unchanged."""
    if isinstance(value, dict) and "class_name" in value and "config" in value:
        cls = _layer_class(str(value["class_name"]), custom_objects)
        try:
            if cls is not None and isinstance(value["config"], dict):
                return cls.from_config(value["config"])
            return keras.layers.deserialize(value, custom_objects=custom_objects)
        except Exception:
            return value
    if not isinstance(value, str):
        return value
    match = re.fullmatch(r"\s*([A-Z][A-Za-z0-9_]*)\((.*)\)\s*", value)
    cls = _layer_class(match.group(1), custom_objects) if match else None
    if cls is None:
        return value
    try:
        call = ast.parse(f"f({match.group(2)})", mode="eval").body
        args = [ast.literal_eval(a) for a in call.args]
        kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
        return cls(*args, **kwargs)
    except Exception:
        return value


def _required(cls: type, given: dict[str, Any]) -> list[inspect.Parameter]:
    try:
        parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
    except (TypeError, ValueError):
        return []
    return [
        p
        for p in parameters
        if p.default is p.empty
        and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        and p.name not in given
    ]


def argument_sets(cls: type, given: dict[str, Any]) -> list[tuple[dict, dict]]:
    """(all arguments, the inferred ones) to try, the most plausible first."""
    missing = _required(cls, given)
    choices = [candidates_for(p) for p in missing]
    sets = []
    for values in itertools.islice(itertools.product(*choices), MAX_ARGUMENT_SETS):
        inferred = {p.name: v for p, v in zip(missing, values)}
        sets.append(({**given, **inferred}, inferred))
    return sets


@dataclass
class Inputs:
    shapes: list[tuple[int, ...]]
    dtype: str = "float32"
    value_range: tuple[float, float] | None = None
    inputs_as: str = "list"

    def spec_fields(self) -> dict[str, Any]:
        shapes = [tuple(s) for s in self.shapes]
        return {
            "input_shape": shapes[0] if len(shapes) == 1 else shapes,
            "input_dtype": self.dtype,
            "input_range": self.value_range,
            "inputs_as": self.inputs_as,
        }


def _call_tensor_parameters(cls: type, given: dict) -> list[str]:
    """Required positional parameters of call() not given by --call-arg (several mean
    several inputs)."""
    try:
        parameters = list(inspect.signature(cls.call).parameters.values())[1:]
    except (TypeError, ValueError):
        return []
    return [
        p.name
        for p in parameters
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        and p.default is p.empty
        and p.name != "training"
        and not p.name.endswith("mask")
        and p.name not in given
    ]


def input_candidates(cls: type, arguments: dict[str, Any], raw_call: dict) -> list[Inputs]:
    """Inputs to try when none is given: token ids for embeddings, else features,
    sequences and images whose last axis matches a size argument."""
    vocabulary = _named(_VOCABULARY, arguments)
    features = _named(_INPUT_SIZE, arguments) or _named(_MODEL_SIZE, arguments)
    features = features or _default_input_size(cls) or FEATURES
    steps = _named(_LENGTH, arguments) or STEPS
    floats = [(BATCH, features), (BATCH, steps, features), (BATCH, SIDE, SIDE, features)]
    tokens = Inputs([(BATCH, steps)], "int32", (0, vocabulary or 10))
    candidates = []
    if vocabulary is not None or re.search(r"embed|token", cls.__name__, re.IGNORECASE):
        candidates.append(tokens)
    count = len(_call_tensor_parameters(cls, raw_call))
    if count > 1:
        candidates += [Inputs([shape] * count, inputs_as="args") for shape in floats[1::-1]]
    candidates += [Inputs([shape]) for shape in floats]
    candidates += [Inputs([shape, shape]) for shape in floats[:2]]
    if tokens not in candidates:
        candidates.append(tokens)
    return candidates


def _default_input_size(cls: type) -> int | None:
    try:
        parameters = inspect.signature(cls.__init__).parameters.values()
    except (TypeError, ValueError):
        return None
    for p in parameters:
        if re.fullmatch(_INPUT_SIZE, p.name) and isinstance(p.default, int) and p.default > 0:
            return p.default
    return None


def given_inputs(cls, request, settings: dict[str, Any], raw_call: dict) -> Inputs | None:
    shapes = request.input_shapes or settings.get("input_shape")
    dtype = request.input_dtype or settings.get("input_dtype")
    value_range = request.input_range or settings.get("input_range")
    if not shapes:
        return None
    default_range = None if dtype is None or "int" not in dtype else (0, 10)
    positional = len(shapes) > 1 and len(_call_tensor_parameters(cls, raw_call)) == len(shapes)
    return Inputs(
        [tuple(s) for s in shapes],
        dtype or "float32",
        tuple(value_range) if value_range else default_range,
        settings.get("inputs_as", "args" if positional else "list"),
    )


def call_arguments(raw: dict[str, Any], inputs: Inputs) -> dict[str, Any]:
    """`mask=true` becomes an all-True mask over the first input's steps; lists become arrays."""
    values = {}
    for name, value in raw.items():
        if name.endswith("mask") and isinstance(value, bool):
            values[name] = np.full(inputs.shapes[0][:-1] or inputs.shapes[0], value)
        elif isinstance(value, list):
            values[name] = np.asarray(value)
        else:
            values[name] = value
    return values


def plan_layer(cls: type, request, settings: dict[str, Any], custom_objects: dict) -> Plan:
    """The first constructor arguments and inputs that construct and run the layer."""
    given = {**settings.get("args", {}), **request.arguments}
    raw_call = {**settings.get("call_args", {}), **request.call_arguments}
    explicit = given_inputs(cls, request, settings, raw_call)
    first_error = None
    for arguments, inferred in argument_sets(cls, given):
        arguments = {k: to_layer(v, custom_objects) for k, v in arguments.items()}
        probe = contract.LayerSpec(cls, init_kwargs=arguments)
        try:
            contract.construct(probe)
        except contract.LayerRaised as error:
            first_error = first_error or ("construct", error, arguments, inferred)
            continue
        tried = [explicit] if explicit else input_candidates(cls, arguments, raw_call)
        failures = []
        for inputs, call_kwargs in _calls(cls, tried, raw_call):
            spec = contract.LayerSpec(
                cls, init_kwargs=arguments, call_kwargs=call_kwargs, **inputs.spec_fields()
            )
            try:
                layer = contract.construct(spec)
                contract.call_layer(spec, layer, contract.make_inputs(spec))
                return Plan(spec, inferred)
            except Exception as error:
                failures.append((inputs, error))
            except SystemExit as exit:  # reported, and the static checks still run
                failures.append((inputs, Exited(exit.code)))
                break
        first_error = first_error or ("call", failures, arguments, inferred)
    return _failed_plan(cls, first_error, explicit, raw_call)


def _mask_parameters(cls: type) -> dict[str, bool]:
    """call()'s mask parameters (`mask`, `query_mask`...): name -> required."""
    try:
        parameters = list(inspect.signature(cls.call).parameters.values())[1:]
    except (TypeError, ValueError):
        return {}
    return {p.name: p.default is p.empty for p in parameters if p.name.endswith("mask")}


def _requires_training(cls: type) -> bool:
    try:
        parameter = inspect.signature(cls.call).parameters.get("training")
    except (TypeError, ValueError):
        return False
    return parameter is not None and parameter.default is parameter.empty


def _calls(cls: type, tried: list[Inputs], raw_call: dict):
    """(inputs, call kwargs) to try: as given; a required mask not given is None at
    first; then, for a layer that takes masks, with all-True masks."""
    masks = {k: v for k, v in _mask_parameters(cls).items() if k not in raw_call}
    # A required `training` (no default) must be given: inference, as Keras calls it.
    required = {"training": False} if _requires_training(cls) else {}
    raw_call = {**required, **raw_call}
    for inputs in tried:
        unmasked = {**{k: None for k, required in masks.items() if required}, **raw_call}
        yield inputs, call_arguments(unmasked, inputs)
    for inputs in tried:
        if masks and len(inputs.shapes[0]) > 2:
            yield inputs, call_arguments({**{k: True for k in masks}, **raw_call}, inputs)


def _failed_plan(cls, failure, explicit: Inputs | None, raw_call) -> Plan:
    kind, detail, arguments, inferred = failure
    inputs = explicit or Inputs([(BATCH, FEATURES)])
    if kind == "call":
        inputs = _telling_failure(detail)[0]
    spec = contract.LayerSpec(
        cls,
        init_kwargs=arguments,
        call_kwargs=call_arguments(raw_call, inputs),
        **inputs.spec_fields(),
    )
    shown = ", ".join(f"{k}={_show(v)}" for k, v in arguments.items())
    if kind == "construct":
        missing = "missing" in str(detail) and "argument" in str(detail)
        guessed = f" (inferred: {', '.join(inferred)})" if inferred else ""
        fix = (
            "give its constructor arguments with --arg NAME=VALUE (or args in --config)"
            if missing or inferred
            else "the constructor itself raises: fix it, or give other arguments with --arg"
        )
        return Plan(
            spec,
            inferred,
            f"{cls.__name__}({shown}) cannot be constructed{guessed}: "
            f"{contract.describe(detail.error)}",
            fix,
        )
    chosen_inputs, error = _telling_failure(detail)
    described = contract.describe(error)
    if isinstance(error, Exited):
        return Plan(
            spec,
            inferred,
            f"calling {cls.__name__} on {_inputs_text(chosen_inputs)}: {error}",
            "a layer must not end the process: raise an exception instead of calling sys.exit()",
        )
    if explicit is not None:
        return Plan(
            spec,
            inferred,
            f"calling {cls.__name__} on the given input {_inputs_text(chosen_inputs)} fails: "
            f"{described}",
            "the layer raises on that input: fix call(), or give the input it expects "
            "(--input-shape, --input-dtype, --call-arg)",
        )
    tried = "; ".join(_inputs_text(i) for i, _ in detail)
    return Plan(
        spec,
        inferred,
        f"calling {cls.__name__} failed on every input tried ({tried}); on "
        f"{_inputs_text(chosen_inputs)}: {described}",
        "say how to call it: --input-shape (repeat it for several inputs), --input-dtype, "
        "--input-range, --call-arg, or per layer in --config",
    )


_SHAPE_WORDS = re.compile(r"ndim|rank|shape|dimension|incompatible|size|unpack|expected", re.I)


def _telling_failure(failures):
    """The failure most likely to show what is wrong: one not about shapes, if any,
    else the one on the most plausible input (the first tried)."""
    for inputs, error in failures:
        if isinstance(error, Exited) or not _SHAPE_WORDS.search(str(error)):
            return inputs, error
    return failures[0]


def _inputs_text(inputs: Inputs) -> str:
    shapes = ", ".join(str(tuple(s)) for s in inputs.shapes)
    dtype = "" if inputs.dtype == "float32" else f" {inputs.dtype}"
    return f"{shapes}{dtype}"
