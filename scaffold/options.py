"""Typed, validated options for `scaffold layer` (and the layers of `scaffold lenet`).

Every decision about what a layer looks like is made here, before any template
is rendered: the kind, where its weights are made, and its hyperparameters,
each checked against the kind's own spec (type, range, choices, the
combinations it refuses). Templates only lay the result out.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping

from .core.errors import UsageProblem
from .kinds import DEFAULT_KIND
from .core.names import LayerName

if TYPE_CHECKING:  # the kinds are loaded when a layer is made, not to parse --help
    from .kinds.registry import Kind
    from .kinds.spec import KindSpec


class Placement(str, enum.Enum):
    """Where a layer creates its weights."""

    BUILD = "build"  # from input_shape, when the layer first sees data
    INIT = "init"  # in the constructor, from an explicit input size


class WeightApi(str, enum.Enum):
    ADD_WEIGHT = "add_weight"  # self.add_weight(shape=..., initializer=...)
    VARIABLE = "variable"  # keras.Variable(...): Keras 3's tf.Variable


INPUT_DIM_RANGE = (1, 65536)


def _choice(value: str, enum_type: type[enum.Enum], flag: str) -> Any:
    try:
        return enum_type(value)
    except ValueError:
        allowed = ", ".join(member.value for member in enum_type)
        raise UsageProblem(f"{flag} {value!r} is not one of: {allowed}") from None


# Activations that normalize over the output's last axis, and the constant they
# give when that axis has a single unit: whatever the input and the weights,
# such a layer outputs the same value and no gradient reaches its weights.
AXIS_NORMALIZING = {"softmax": "1", "log_softmax": "0"}


def _check_trainable(spec: KindSpec, hyperparameters: Mapping[str, Any], input_dim) -> None:
    """Refuse an activation that makes the output constant for this output width
    (the kind's spec says what sets that width: an option, or the input's size)."""
    if spec.output_width is None:
        return
    if spec.output_width == "input":
        source, width = "input_dim", input_dim  # unknown (None) until build()
    else:
        source, width = spec.output_width, hyperparameters[spec.output_width]
    for option in spec.options.values():
        activation = hyperparameters[option.name] if option.type == "activation" else None
        if activation in AXIS_NORMALIZING and width == 1:
            raise UsageProblem(
                f"{option.flag} {activation} normalizes over the output's last axis, which has "
                f"one unit here (--{source.replace('_', '-')} 1): the output is always "
                f"{AXIS_NORMALIZING[activation]} whatever the input and the weights, so the "
                "layer cannot learn; give 2 or more, or use sigmoid for a single unit"
            )


MAX_DESCRIPTION = 300


def _from_argv(text: str) -> str:
    """Command-line text as the user typed it. Under a locale Python cannot read
    (LC_ALL=C without UTF-8 mode, Latin-1...) bytes it could not decode arrive as
    lone surrogates; they are decoded again as UTF-8, else refused."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8")
    except UnicodeError:
        raise UsageProblem(
            "--description is not valid UTF-8 text; write it in UTF-8 or leave out "
            "the characters that are not"
        ) from None


def _check_description(text: str) -> str:
    """One line of prose for the docstring. It is escaped when rendered, so any
    characters are safe; line breaks, control characters and overlong text are
    refused."""
    text = _from_argv(text).strip()
    if not text:
        raise UsageProblem("--description is empty")
    if any(ord(c) < 32 or ord(c) == 127 for c in text) or len(text.splitlines()) > 1:
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
        return self.kind.spec

    @classmethod
    def create(
        cls,
        name: LayerName,
        kind: str | Kind = DEFAULT_KIND,
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
        from .kinds.expressions import refuse
        from .kinds.registry import Kind, builtin_kinds, resolve
        from .kinds.schema import OptionSpec

        kind = kind if isinstance(kind, Kind) else resolve(kind)
        placement = _choice(placement, Placement, "--weights-in")
        spec = kind.spec

        if weight_api is None:
            weight_api = WeightApi.ADD_WEIGHT
        else:
            weight_api = _choice(weight_api, WeightApi, "--weight-api")
            if not spec.has_weights:
                raise UsageProblem(
                    f"--weight-api does not apply to --kind {kind.name}: it has no weights"
                )
            if not spec.owns_weights:
                raise UsageProblem(
                    f"--weight-api does not apply to --kind {kind.name}: its weights "
                    "belong to its Keras sublayers"
                )

        known = {name for k in builtin_kinds() for name in k.spec.options} | set(spec.options)
        unknown = set(given) - known
        if unknown:
            raise UsageProblem(f"unknown option(s): {', '.join(sorted(unknown))}")
        hyperparameters = {name: option.default for name, option in spec.options.items()}
        for hp, value in given.items():
            if value is None:
                continue
            option = spec.options.get(hp)
            if option is None:
                flag = "--" + hp.replace("_", "-")
                takes = ", ".join(o.flag for o in spec.options.values()) or "none"
                raise UsageProblem(
                    f"{flag} does not apply to --kind {kind.name} (it takes: {takes})"
                )
            hyperparameters[hp] = option.check(value)

        if placement is Placement.INIT and not spec.has_weights:
            raise UsageProblem(
                f"--weights-in init does not apply to --kind {kind.name}: it has no weights "
                "to create"
            )
        if placement is Placement.INIT:
            if input_dim is None:
                raise UsageProblem(
                    "--weights-in init creates the weights in __init__, before any "
                    "input is seen: give the input size with --input-dim"
                )
            input_dim = OptionSpec("input_dim", "int", None, "", *INPUT_DIM_RANGE).check(input_dim)
        elif input_dim is not None:
            raise UsageProblem(
                "--input-dim only applies to --weights-in init; with build placement "
                "the input size is read from input_shape"
            )

        refuse(spec, hyperparameters, input_dim)
        _check_trainable(spec, hyperparameters, input_dim)
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
