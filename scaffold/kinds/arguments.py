"""Constructor arguments as data: what each argument type means in generated code.

A kind lists its constructor arguments once, in order (`[[arguments]]` in its
kind.toml). The macros of templates/kinds/_macros.jinja lay out everything the
generated class says about them from that one list: the signature, the
Keras-style validation, the `self.x = ...` assignments (normalised as Keras
normalises them), the `Args:` docstring and `get_config`, so `get_config`
cannot miss an argument. What each type means is decided here, in one table.
"""

from __future__ import annotations

import textwrap
from typing import Any, Callable, NamedTuple

from ..core.pysource import dict_entry, literal, raise_value_error
from .schema import ACTIVATIONS

REQUIRED = object()  # the default of an argument that has none


def _positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _name(value: Any) -> bool:
    return isinstance(value, str) and value.isidentifier()


def _connections(value: Any) -> bool:
    return (
        isinstance(value, (list, tuple))
        and len(value) > 0
        and all(isinstance(inputs, (list, tuple)) and len(inputs) > 0 for inputs in value)
        and all(
            isinstance(c, int) and not isinstance(c, bool) and c >= 0
            for inputs in value
            for c in inputs
        )
    )


def _bitmaps(value: Any) -> bool:
    return (
        isinstance(value, (list, tuple))
        and len(value) > 0
        and all(isinstance(bitmap, (list, tuple)) and len(bitmap) > 0 for bitmap in value)
        and len({tuple(map(len, bitmap)) for bitmap in value}) == 1
        and all(isinstance(row, str) and row and set(row) <= {"#", "."} for b in value for row in b)
    )


def _nested_tuple(value: Any) -> tuple:
    return tuple(tuple(item) for item in value)


def _pair(value: Any) -> bool:
    return _positive_int(value) or (
        isinstance(value, (list, tuple)) and len(value) == 2 and all(map(_positive_int, value))
    )


class ArgumentType(NamedTuple):
    summary: str  # the values it takes, for docs and messages
    option_types: tuple[str, ...]  # option types that may give its value
    accepts: Callable[[Any], bool]  # a value written in kind.toml (a default, a test value)
    check: str = ""  # a condition on `{name}` under which __init__ raises ValueError
    expected: str = ""  # what that ValueError says was expected
    normalise: str = "{name}"  # the value __init__ stores
    serialise: str = "self.{name}"  # the value get_config returns
    none_default: bool = False  # without a declared default, the default is None
    helper: str = ""  # a module-level helper of templates/kinds/_macros.jinja it calls
    convert: Callable[[Any], Any] = lambda value: value  # TOML -> Python
    # A module-level constant of the generated module that holds the default (a
    # table too long for the signature); the kind's template defines it.
    constant: str = ""


ARGUMENT_TYPES: dict[str, ArgumentType] = {
    "positive_int": ArgumentType(
        "a positive integer",
        ("int",),
        _positive_int,
        check="not isinstance({name}, int) or {name} <= 0",
        expected="a positive integer",
    ),
    "int": ArgumentType(
        "an integer",
        ("int",),
        lambda value: isinstance(value, int) and not isinstance(value, bool),
        check="not isinstance({name}, int)",
        expected="an integer",
    ),
    "int_or_pair": ArgumentType(
        "a positive integer, or a tuple of 2 (height, width)",
        ("int",),
        _pair,
        normalise='_pair({name}, "{name}")',
        helper="pair",
        convert=lambda value: tuple(value) if isinstance(value, list) else value,
    ),
    "connections": ArgumentType(
        "a table: per output map, the input channels it sees",
        (),
        _connections,
        normalise='_connections({name}, "{name}")',
        serialise="[list(inputs) for inputs in self.{name}]",
        helper="connections",
        convert=_nested_tuple,
        constant="CONNECTIONS",
    ),
    "bitmaps": ArgumentType(
        'bitmaps of equal size: rows of "#" (+1) and "." (-1)',
        (),
        _bitmaps,
        normalise='_bitmaps({name}, "{name}")',
        serialise="[list(bitmap) for bitmap in self.{name}]",
        helper="bitmaps",
        convert=_nested_tuple,
        constant="BITMAPS",
    ),
    "float": ArgumentType(
        "a number",
        ("float",),
        _number,
        check="not isinstance({name}, (int, float))",
        expected="a number",
        convert=float,
    ),
    "positive_float": ArgumentType(
        "a positive number",
        ("float",),
        lambda value: _number(value) and value > 0,
        check="not isinstance({name}, (int, float)) or {name} <= 0",
        expected="a positive number",
        convert=float,
    ),
    "rate": ArgumentType(
        "a number in [0, 1)",
        ("float",),
        lambda value: _number(value) and 0 <= value < 1,
        check="not isinstance({name}, (int, float)) or not 0 <= {name} < 1",
        expected="a number in [0, 1)",
        convert=float,
    ),
    "bool": ArgumentType("true or false", ("bool",), lambda value: isinstance(value, bool)),
    "choice": ArgumentType(
        "one of its `choices`",
        ("choice",),
        lambda value: isinstance(value, str),
        check="{name} not in {choices}",
        expected="one of {choices}",
    ),
    "activation": ArgumentType(
        "a Keras activation",
        ("activation",),
        lambda value: value in ACTIVATIONS,
        normalise="keras.activations.get({name})",
        serialise="keras.activations.serialize(self.{name})",
        none_default=True,
        convert=lambda value: None if value == "linear" else value,
    ),
    "initializer": ArgumentType(
        "a Keras initializer",
        (),
        _name,
        normalise="keras.initializers.get({name})",
        serialise="keras.initializers.serialize(self.{name})",
    ),
    "regularizer": ArgumentType(
        "a Keras regularizer",
        (),
        _name,
        normalise="keras.regularizers.get({name})",
        serialise="keras.regularizers.serialize(self.{name})",
        none_default=True,
    ),
    "constraint": ArgumentType(
        "a Keras constraint",
        (),
        _name,
        normalise="keras.constraints.get({name})",
        serialise="keras.constraints.serialize(self.{name})",
        none_default=True,
    ),
}

# Arguments `keras.layers.Layer.__init__` takes itself: forwarded to super().__init__,
# which stores them (normalised) under the same name.
BASE_LAYER_ARGUMENTS = {"activity_regularizer": "regularizer"}

DOC_WIDTH = 80  # docstring lines, as Keras wraps them


class Argument(NamedTuple):
    """One constructor argument of a generated layer, its default resolved."""

    name: str
    type: str
    doc: str
    default: Any = REQUIRED
    choices: tuple[str, ...] = ()

    @property
    def kind(self) -> ArgumentType:
        return ARGUMENT_TYPES[self.type]

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    def _fill(self, template: str) -> str:
        choices = literal(self.choices)
        return template.format(name=self.name, choices=choices)

    @property
    def shown_default(self) -> str:
        return self.kind.constant or literal(self.default)

    def signature(self) -> str:
        return self.name if self.required else f"{self.name}={self.shown_default}"

    def check_lines(self, indent: int) -> list[str]:
        kind = self.kind
        if not kind.check:
            return []
        expected = kind.expected.format(choices=", ".join(f"'{c}'" for c in self.choices))
        message = (
            f"Received an invalid value for argument `{self.name}`, expected {expected}. "
            f"Received: {self.name}={{{self.name}}}"
        )
        pad = " " * indent
        return [f"{pad}if {self._fill(kind.check)}:", *raise_value_error(message, indent + 4)]

    def assignment(self) -> str | None:
        if self.name in BASE_LAYER_ARGUMENTS:
            return None  # stored by keras.layers.Layer.__init__
        return f"self.{self.name} = {self._fill(self.kind.normalise)}"

    def doc_lines(self, indent: int) -> list[str]:
        text = self.doc.strip()
        if not self.required:
            text += f" Defaults to `{self.shown_default}`."
        return textwrap.wrap(
            f"{self.name}: {text}",
            width=DOC_WIDTH,
            initial_indent=" " * indent,
            subsequent_indent=" " * (indent + 4),
            break_long_words=False,
            break_on_hyphens=False,
        )

    def config_lines(self, indent: int) -> list[str]:
        return dict_entry(self.name, self._fill(self.kind.serialise), indent)


class Constructor(NamedTuple):
    """The pieces of `__init__`, its docstring and `get_config`, laid out for the
    macros at the indentation they are printed at."""

    signature: list[str]
    checks: list[str]
    super_call: str
    assignments: list[str]
    docs: list[str]
    config: list[str]
    helpers: list[str]


def constructor(arguments: list[Argument]) -> Constructor:
    forwarded = [a.name for a in arguments if a.name in BASE_LAYER_ARGUMENTS]
    super_args = ", ".join([*(f"{name}={name}" for name in forwarded), "**kwargs"])
    return Constructor(
        signature=[f"        {a.signature()}," for a in arguments],
        checks=[line for a in arguments for line in a.check_lines(8)],
        super_call=f"        super().__init__({super_args})",
        assignments=[f"        {line}" for a in arguments if (line := a.assignment())],
        docs=[line for a in arguments for line in a.doc_lines(8)],
        config=[line for a in arguments for line in a.config_lines(16)],
        helpers=sorted({a.kind.helper for a in arguments if a.kind.helper}),
    )
