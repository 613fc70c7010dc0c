"""Typed, validated options for `scaffold layer` (and the layers of `scaffold lenet`).

Every decision about what a layer looks like is made here, before any template
is rendered: which hyperparameters a kind takes, their defaults and ranges, and
which combinations make no sense. Templates only lay the result out.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Mapping

from .errors import UsageProblem
from .names import LayerName
from .paper import BITMAP_PIXELS, LENET5_C3_CONNECTIONS


class Kind(str, enum.Enum):
    DENSE = "dense"
    CONV2D = "conv2d"
    PARTIAL_CONV2D = "partial-conv2d"
    SUBSAMPLING = "subsampling"
    SCALED_TANH = "scaled-tanh"
    RBF = "rbf"
    CONV_BN_RELU = "conv-bn-relu"
    SE = "se"
    BLANK = "blank"


class Placement(str, enum.Enum):
    """Where a layer creates its weights."""

    BUILD = "build"  # from input_shape, when the layer first sees data
    INIT = "init"  # in the constructor, from an explicit input size


class WeightApi(str, enum.Enum):
    ADD_WEIGHT = "add_weight"  # self.add_weight(shape=..., initializer=...)
    VARIABLE = "variable"  # keras.Variable(initial value): Keras 3's tf.Variable


# Activation names accepted by `keras.activations.get` on every Keras 3 release
# (checked against the installed Keras by the test suite). Kept as data so the
# CLI validates `--activation` without importing Keras.
ACTIVATIONS = (
    "linear",
    "relu",
    "relu6",
    "leaky_relu",
    "elu",
    "selu",
    "gelu",
    "silu",
    "swish",
    "mish",
    "softplus",
    "softsign",
    "softmax",
    "log_softmax",
    "sigmoid",
    "hard_sigmoid",
    "hard_silu",
    "hard_swish",
    "tanh",
    "exponential",
)

PADDINGS = ("valid", "same")

# name -> (smallest, largest) accepted value
INT_RANGES = {
    "units": (1, 65536),
    "filters": (1, 65536),
    "kernel_size": (1, 31),
    "strides": (1, 8),
    "ratio": (1, 1024),
    "input_dim": (1, 65536),
}

MAX_CONNECTIONS = 65536  # input-output pairs in one connection table


@dataclass(frozen=True)
class KindSpec:
    """What one layer kind is and which knobs it has."""

    summary: str
    defaults: Mapping[str, Any]  # its hyperparameters and their default values
    own_weights: bool  # False for composites (the sublayers own the weights) and weightless kinds
    input_arg: str | None  # constructor argument holding the input size (init placement)
    image_input: bool  # takes (batch, height, width, channels)
    has_weights: bool = True  # False for an activation: no weights to place or create
    input_size: int | None = None  # the only input size the kind accepts, when it has one

    @property
    def hyperparameters(self) -> frozenset[str]:
        return frozenset(self.defaults)


KINDS: dict[Kind, KindSpec] = {
    Kind.DENSE: KindSpec(
        summary="Fully connected layer: `activation(inputs @ kernel + bias)`.",
        defaults={"units": 32, "activation": None, "use_bias": True},
        own_weights=True,
        input_arg="input_dim",
        image_input=False,
    ),
    Kind.CONV2D: KindSpec(
        summary="2-D convolution written with `keras.ops.conv`.",
        defaults={
            "filters": 32,
            "kernel_size": 3,
            "strides": 1,
            "padding": "valid",
            "activation": None,
            "use_bias": True,
        },
        own_weights=True,
        input_arg="channels",
        image_input=True,
    ),
    Kind.PARTIAL_CONV2D: KindSpec(
        summary="Convolution in which each output map sees only the input maps its table lists.",
        defaults={
            "connections": LENET5_C3_CONNECTIONS,
            "kernel_size": 5,
            "strides": 1,
            "padding": "valid",
            "activation": None,
            "use_bias": True,
        },
        own_weights=True,
        input_arg="channels",
        image_input=True,
    ),
    Kind.SUBSAMPLING: KindSpec(
        summary=(
            "LeNet-5 subsampling: 2x2 average pooling times a trainable "
            "per-channel coefficient plus a per-channel bias, then an activation."
        ),
        defaults={"activation": "tanh", "use_bias": True},
        own_weights=True,
        input_arg="channels",
        image_input=True,
    ),
    Kind.SCALED_TANH: KindSpec(
        summary="LeNet-5's squashing function `1.7159 * tanh(2x / 3)`, as an activation layer.",
        defaults={},
        own_weights=False,
        input_arg=None,
        image_input=False,
        has_weights=False,
    ),
    Kind.RBF: KindSpec(
        summary="Euclidean RBF units with fixed bitmap parameter vectors: LeNet-5's output layer.",
        defaults={},
        own_weights=True,
        input_arg="input_dim",
        image_input=False,
        input_size=BITMAP_PIXELS,  # its default parameter vectors are 7x12 bitmaps
    ),
    Kind.CONV_BN_RELU: KindSpec(
        summary="Conv2D, BatchNormalization and ReLU composed as one layer.",
        defaults={"filters": 32, "kernel_size": 3, "strides": 1, "padding": "same"},
        own_weights=False,
        input_arg="channels",
        image_input=True,
    ),
    Kind.SE: KindSpec(
        summary=(
            "Squeeze-and-Excitation block: rescales each channel by a gate "
            "computed from the globally pooled input."
        ),
        defaults={"ratio": 16},
        own_weights=True,
        input_arg="channels",
        image_input=True,
    ),
    Kind.BLANK: KindSpec(
        summary="Trainable per-feature scale and bias: the smallest layer to extend.",
        defaults={"use_bias": True},
        own_weights=True,
        input_arg="input_dim",
        image_input=False,
    ),
}

ALL_HYPERPARAMETERS = frozenset().union(*(spec.hyperparameters for spec in KINDS.values()))


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _choice(value: str, enum_type: type[enum.Enum], flag: str) -> Any:
    try:
        return enum_type(value)
    except ValueError:
        allowed = ", ".join(member.value for member in enum_type)
        raise UsageProblem(f"{flag} {value!r} is not one of: {allowed}") from None


def _check_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise UsageProblem(f"{_flag(name)} must be a whole number, got {value!r}")
    low, high = INT_RANGES[name]
    if not low <= value <= high:
        raise UsageProblem(f"{_flag(name)} must be between {low} and {high}, got {value}")
    return value


def _check_connections(value: Any) -> tuple[tuple[int, ...], ...]:
    """A connection table: the input channels of each output map, in order.

    Given as text (`"0,1,2;1,2,3"`: maps separated by `;`, their input channels
    by `,`) or as a sequence of sequences of channel numbers.
    """
    if isinstance(value, str):
        try:
            value = [[int(part) for part in group.split(",")] for group in value.split(";")]
        except ValueError:
            raise UsageProblem(
                f"--connections {value!r} is not a table such as '0,1,2;1,2,3': each output "
                "map's input channels as whole numbers joined by ',', maps joined by ';'"
            ) from None
    table = tuple(tuple(group) for group in value)
    if not table:
        raise UsageProblem("--connections is empty: give at least one output map")
    for number, group in enumerate(table):
        if not group:
            raise UsageProblem(f"--connections: output map {number} has no input channels")
        if any(isinstance(c, bool) or not isinstance(c, int) or c < 0 for c in group):
            raise UsageProblem(
                f"--connections: output map {number} lists {list(group)}; input channels "
                "are whole numbers from 0"
            )
        if len(set(group)) != len(group):
            raise UsageProblem(
                f"--connections: output map {number} lists an input channel twice ({list(group)})"
            )
    if sum(map(len, table)) > MAX_CONNECTIONS:
        raise UsageProblem(f"--connections has more than {MAX_CONNECTIONS} connections")
    return table


def _check_hyperparameter(name: str, value: Any) -> Any:
    if name in INT_RANGES:
        return _check_int(name, value)
    if name == "connections":
        return _check_connections(value)
    if name == "padding":
        if value not in PADDINGS:
            raise UsageProblem(f"--padding {value!r} is not one of: {', '.join(PADDINGS)}")
        return value
    if name == "activation":
        if value is None or value == "linear":
            return None
        if value not in ACTIVATIONS:
            raise UsageProblem(
                f"--activation {value!r} is not a Keras activation; use one of: "
                + ", ".join(ACTIVATIONS)
            )
        return value
    if name == "use_bias":
        if not isinstance(value, bool):
            raise UsageProblem(f"--use-bias must be true or false, got {value!r}")
        return value
    raise AssertionError(f"unknown hyperparameter {name}")  # pragma: no cover


MAX_DESCRIPTION = 300


def _check_description(text: str) -> str:
    """One line of prose for the docstring. It is escaped when rendered, so any
    characters are safe; control characters and overlong text are refused."""
    text = text.strip()
    if not text:
        raise UsageProblem("--description is empty")
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise UsageProblem("--description must be one line without control characters")
    if len(text) > MAX_DESCRIPTION:
        raise UsageProblem(
            f"--description is {len(text)} characters long; use at most {MAX_DESCRIPTION}"
        )
    return text


@dataclass(frozen=True)
class LayerOptions:
    """Everything that decides the code of one generated layer."""

    name: LayerName
    kind: Kind
    placement: Placement = Placement.BUILD
    weight_api: WeightApi = WeightApi.ADD_WEIGHT
    dynamic: bool = False
    input_dim: int | None = None
    hyperparameters: Mapping[str, Any] = field(default_factory=dict)
    description: str | None = None  # replaces the kind's summary in the docstring

    @property
    def spec(self) -> KindSpec:
        return KINDS[self.kind]

    @classmethod
    def create(
        cls,
        name: LayerName,
        kind: str | Kind = Kind.BLANK,
        placement: str | Placement = Placement.BUILD,
        weight_api: str | WeightApi | None = None,
        dynamic: bool = False,
        input_dim: int | None = None,
        description: str | None = None,
        **given: Any,
    ) -> "LayerOptions":
        """Validate raw option values; `given` holds hyperparameters, None = not given.

        Raises UsageProblem naming the first offending option.
        """
        kind = _choice(kind, Kind, "--kind")
        placement = _choice(placement, Placement, "--weights-in")
        spec = KINDS[kind]

        if weight_api is None:
            weight_api = WeightApi.ADD_WEIGHT
        else:
            weight_api = _choice(weight_api, WeightApi, "--weight-api")
            if not spec.has_weights:
                raise UsageProblem(
                    f"--weight-api does not apply to --kind {kind.value}: it has no weights"
                )
            if not spec.own_weights:
                raise UsageProblem(
                    f"--weight-api does not apply to --kind {kind.value}: its weights "
                    "belong to its Keras sublayers"
                )
        if placement is Placement.INIT and not spec.has_weights:
            raise UsageProblem(
                f"--weights-in init does not apply to --kind {kind.value}: it has no weights "
                "to create"
            )

        unknown = set(given) - ALL_HYPERPARAMETERS
        if unknown:
            raise UsageProblem(f"unknown option(s): {', '.join(sorted(unknown))}")
        hyperparameters = dict(spec.defaults)
        for hp, value in given.items():
            if value is None:
                continue
            if hp not in spec.hyperparameters:
                takes = ", ".join(_flag(h) for h in sorted(spec.hyperparameters)) or "none"
                raise UsageProblem(
                    f"{_flag(hp)} does not apply to --kind {kind.value} (it takes: {takes})"
                )
            hyperparameters[hp] = _check_hyperparameter(hp, value)

        if placement is Placement.INIT:
            if input_dim is None:
                raise UsageProblem(
                    "--weights-in init creates the weights in __init__, before any "
                    "input is seen: give the input size with --input-dim"
                )
            input_dim = _check_int("input_dim", input_dim)
            if spec.input_size is not None and input_dim != spec.input_size:
                raise UsageProblem(
                    f"--kind {kind.value} takes {spec.input_size} input features (its "
                    f"parameter vectors are 7x12 bitmaps); give --input-dim {spec.input_size}"
                )
        elif input_dim is not None:
            raise UsageProblem(
                "--input-dim only applies to --weights-in init; with build placement "
                "the input size is read from input_shape"
            )

        if kind is Kind.SE and input_dim is not None and hyperparameters["ratio"] > input_dim:
            raise UsageProblem(
                f"--ratio {hyperparameters['ratio']} is larger than --input-dim {input_dim}: "
                "the squeeze would have no units; give --ratio at most the channel count"
            )
        if kind is Kind.PARTIAL_CONV2D and input_dim is not None:
            highest = max(max(group) for group in hyperparameters["connections"])
            if highest >= input_dim:
                raise UsageProblem(
                    f"--connections uses input channel {highest} but --input-dim is {input_dim}: "
                    f"channels are numbered 0 to {input_dim - 1}"
                )
        if description is not None:
            description = _check_description(description)
        return cls(
            name=name,
            description=description,
            kind=kind,
            placement=placement,
            weight_api=weight_api,
            dynamic=dynamic,
            input_dim=input_dim,
            hyperparameters=hyperparameters,
        )
