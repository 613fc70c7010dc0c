"""A kind's spec: its kind.toml, read and checked field by field.

Every field is validated when the kind is loaded; a missing or mistyped field
is one line naming the file, the line and the field. See templates/kinds/ for
the built-in kinds and README ("Write your own kind") for the format.
"""

from __future__ import annotations

import keyword
import re
import string
from pathlib import Path
from typing import Any, Mapping, NamedTuple

from ..core.tomlfile import Fields, describe, load
from .arguments import ARGUMENT_TYPES, BASE_LAYER_ARGUMENTS, REQUIRED, Argument
from .schema import ACTIVATIONS, OPTION_TYPES, OptionSpec

SPEC_FILE = "kind.toml"
TEMPLATE_FILE = "layer.py.jinja"
INPUTS = ("features", "images")  # (batch, ..., channels) or (batch, height, width, channels)

# Parameters of `scaffold layer` itself: a kind's option may not take these names.
RESERVED_OPTIONS = frozenset(
    "name kind placement weights_in weight_api dynamic input_dim description output_dir "
    "tests_dir no_tests dry_run force help".split()
)
# Names the [test] expressions define in this order (besides the kind's own intermediates).
TEST_INPUTS = ("channels", "side")
TEST_OUTPUTS = ("input_shape", "output_shape", "trainable", "non_trainable")
NAME = re.compile(r"[a-z][a-z0-9_-]*")
CHOICE = re.compile(r"[A-Za-z0-9_.+-]+")


class RefuseRule(NamedTuple):
    """A combination of options the kind refuses, with the reason."""

    when: str  # an expression over the option values and `input_dim`
    message: str  # str.format text over the same names


class ArgumentSpec(NamedTuple):
    name: str
    type: str
    doc: str
    option: str | None  # the option that gives its value
    default: Any  # REQUIRED when there is none
    choices: tuple[str, ...]


class KindSpec(NamedTuple):
    """What a kind.toml declares."""

    path: Path  # the kind.toml
    text: str  # its text, for the lines of later errors
    summary: str
    description: str
    input: str  # one of INPUTS
    input_size_argument: str
    owns_weights: bool
    has_weights: bool  # False for an activation-like kind: nothing to place or create
    limitations: str
    output_width: str | None  # the int option that sets the output's last axis, or "input"
    options: Mapping[str, OptionSpec]
    arguments: tuple[ArgumentSpec, ...]
    test: tuple[tuple[str, str], ...]  # (name, expression), in order
    test_arguments: Mapping[str, Any]
    refuse: tuple[RefuseRule, ...]

    @property
    def fields(self) -> Fields:
        return Fields(self.path, self.text)

    def arguments_for(self, values: Mapping[str, Any], input_size: int | None) -> list[Argument]:
        """The constructor arguments of a layer with these option values; with
        `input_size` (weights created in __init__) the input size comes first."""
        arguments = []
        if input_size is not None:
            what = "number of input channels" if self.input == "images" else "input size"
            made = "weights are created" if self.owns_weights else "sublayers are built"
            doc = f"Positive integer, the {what}; the {made} from it in `__init__`."
            arguments.append(Argument(self.input_size_argument, "positive_int", doc))
        for spec in self.arguments:
            kind = ARGUMENT_TYPES[spec.type]
            if spec.option is not None and spec.default is REQUIRED:
                default = REQUIRED  # required: the option gives the value tests construct with
            elif spec.option is not None:
                default = kind.convert(values[spec.option])
            else:
                default = spec.default
            choices = spec.choices or (
                self.options[spec.option].choices if spec.option is not None else ()
            )
            arguments.append(Argument(spec.name, spec.type, spec.doc, default, choices))
        return arguments


class _Reader:
    """Checks the fields of one kind.toml, raising one line per problem."""

    def __init__(self, path: Path, text: str):
        self.fields = Fields(path, text)

    def fail(self, table: tuple, key: str | None, problem: str):
        raise self.fields.fail(table, key, problem)

    def table(self, data: dict, table: tuple, allowed: set[str]) -> None:
        for key in data:
            if key not in allowed:
                self.fail(
                    table, key, f"unknown field (expected one of: {', '.join(sorted(allowed))})"
                )

    def get(self, data: dict, table: tuple, key: str, kind: type | tuple, required=True):
        """`data[key]` if it has the Python type `kind` (TOML's true is no number)."""
        if key not in data:
            if required:
                self.fail(table, None, f"missing field `{key}`")
            return None
        value = data[key]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            self.fail(table, key, f"expected {_what(kind)}, got {describe(value)}")
        return value

    def text(self, data: dict, table: tuple, key: str, required=True) -> str | None:
        value = self.get(data, table, key, str, required)
        if value is not None and not value.strip():
            self.fail(table, key, "is empty")
        return value.strip() if value is not None else None

    def identifier(self, data: dict, table: tuple, key: str) -> str:
        value = self.text(data, table, key)
        if not value.isidentifier() or keyword.iskeyword(value):
            self.fail(table, key, f"{describe(value)} is not a Python name")
        return value


def _what(kind) -> str:
    names = {str: "a string", bool: "true or false", int: "an integer", list: "an array"}
    return "a number" if isinstance(kind, tuple) else names.get(kind, "a table")


def load_spec(folder: Path) -> KindSpec:
    """Read and check `folder`/kind.toml; TomlProblem names the file, line and field."""
    path = folder / SPEC_FILE
    data, text = load(path)
    r = _Reader(path, text)
    top = {
        "summary",
        "description",
        "input",
        "input_size_argument",
        "owns_weights",
        "has_weights",
        "limitations",
        "output_width",
        "options",
        "arguments",
        "test",
        "refuse",
    }
    r.table(data, (), top)
    summary = r.text(data, (), "summary")
    description = r.text(data, (), "description", required=False) or ""
    input_kind = r.text(data, (), "input")
    if input_kind not in INPUTS:
        r.fail((), "input", f"{describe(input_kind)} is not one of: {', '.join(INPUTS)}")
    input_size_argument = r.identifier(data, (), "input_size_argument")
    owns_weights = r.get(data, (), "owns_weights", bool)
    has_weights = r.get(data, (), "has_weights", bool, required=False)
    has_weights = True if has_weights is None else has_weights
    limitations = r.text(data, (), "limitations", required=False) or ""

    options = _options(r, r.get(data, (), "options", dict, required=False) or {})
    arguments = _arguments(r, r.get(data, (), "arguments", list), options)
    names = [a.name for a in arguments]
    if input_size_argument in names:
        r.fail((), "input_size_argument", f"{input_size_argument!r} is also in [[arguments]]")
    test, test_arguments = _test(r, r.get(data, (), "test", dict), input_kind, arguments)
    refuse = _refuse(r, r.get(data, (), "refuse", list, required=False) or [], options)
    output_width = r.text(data, (), "output_width", required=False)
    if output_width is not None and output_width != "input":
        if options.get(output_width, OptionSpec("", "", None, "")).type != "int":
            r.fail(
                (), "output_width", f'{describe(output_width)} is neither "input" nor an int option'
            )
    if not (folder / TEMPLATE_FILE).is_file():
        raise r.fields.fail((), None, f"no {TEMPLATE_FILE} beside it") from None
    return KindSpec(
        path=path,
        text=text,
        summary=summary,
        description=description,
        input=input_kind,
        input_size_argument=input_size_argument,
        owns_weights=owns_weights,
        has_weights=has_weights,
        limitations=limitations,
        output_width=output_width,
        options=options,
        arguments=arguments,
        test=test,
        test_arguments=test_arguments,
        refuse=refuse,
    )


def _options(r: _Reader, data: dict) -> dict[str, OptionSpec]:
    options = {}
    for name, declaration in data.items():
        table = ("options", name)
        if not isinstance(declaration, dict):
            r.fail(("options",), name, f"expected a table, got {describe(declaration)}")
        if not name.isidentifier() or keyword.iskeyword(name) or name != name.lower():
            r.fail(table, None, f"option name {name!r} is not a lowercase Python name")
        if name in RESERVED_OPTIONS:
            r.fail(table, None, f"option name {name!r} is taken by `scaffold layer` itself")
        option_type = r.text(declaration, table, "type")
        if option_type not in OPTION_TYPES:
            r.fail(
                table, "type", f"{describe(option_type)} is not one of: {', '.join(OPTION_TYPES)}"
            )
        extra = OPTION_TYPES[option_type]
        r.table(declaration, table, {"type", "default", "help", *extra})
        fields: dict[str, Any] = {}
        if option_type in ("int", "float"):
            number = int if option_type == "int" else (int, float)
            for bound in ("min", "max"):
                fields[bound] = r.get(declaration, table, bound, number)
            if fields["min"] > fields["max"]:
                r.fail(table, "min", f"min {fields['min']} is above max {fields['max']}")
        if option_type == "choice":
            choices = r.get(declaration, table, "choices", list)
            if not choices or not all(isinstance(c, str) and CHOICE.fullmatch(c) for c in choices):
                r.fail(table, "choices", "expected a non-empty array of simple strings")
            fields["choices"] = tuple(choices)
        help_text = r.text(declaration, table, "help")
        if "default" not in declaration:
            r.fail(table, None, "missing field `default`")
        option = OptionSpec(name, option_type, None, help_text, **fields)
        try:
            default = option.check(declaration["default"])
        except Exception as error:  # the option's own message, e.g. "must be between"
            r.fail(table, "default", str(error).replace(option.flag + " ", "", 1))
        options[name] = OptionSpec(name, option_type, default, help_text, **fields)
    return options


def _arguments(r: _Reader, data: list, options: dict[str, OptionSpec]) -> tuple[ArgumentSpec, ...]:
    arguments: list[ArgumentSpec] = []
    for index, declaration in enumerate(data):
        table = ("arguments", index)
        if not isinstance(declaration, dict):
            r.fail((), "arguments", "expected an array of tables ([[arguments]])")
        r.table(
            declaration, table, {"name", "type", "doc", "option", "default", "required", "choices"}
        )
        name = r.identifier(declaration, table, "name")
        if name in ("self", "kwargs") or name in {a.name for a in arguments}:
            r.fail(table, "name", f"{name!r} is taken (self, kwargs or an earlier argument)")
        type_name = r.text(declaration, table, "type")
        if type_name not in ARGUMENT_TYPES:
            r.fail(
                table, "type", f"{describe(type_name)} is not one of: {', '.join(ARGUMENT_TYPES)}"
            )
        kind = ARGUMENT_TYPES[type_name]
        if name in BASE_LAYER_ARGUMENTS and BASE_LAYER_ARGUMENTS[name] != type_name:
            r.fail(
                table,
                "type",
                f"{name} is a keras.layers.Layer argument: its type is {BASE_LAYER_ARGUMENTS[name]}",
            )
        doc = r.text(declaration, table, "doc")
        option = r.text(declaration, table, "option", required=False)
        required = r.get(declaration, table, "required", bool, required=False) or False
        choices = ()
        if "choices" in declaration:
            values = r.get(declaration, table, "choices", list)
            if (
                type_name != "choice"
                or not values
                or not all(isinstance(c, str) and CHOICE.fullmatch(c) for c in values)
            ):
                r.fail(
                    table,
                    "choices",
                    "only a choice argument takes choices: a non-empty array of simple strings",
                )
            choices = tuple(values)
        if option is not None:
            if option not in options:
                r.fail(
                    table,
                    "option",
                    f"{describe(option)} is not an option of this kind ([options.{option}])",
                )
            if options[option].type not in kind.option_types:
                r.fail(
                    table,
                    "option",
                    f"a {options[option].type} option cannot give a {type_name} argument",
                )
            if "default" in declaration:
                r.fail(
                    table,
                    "default",
                    "an argument takes its default from its option, or declares one: not both",
                )
            if choices:
                r.fail(table, "choices", "the option's choices apply")
            default = REQUIRED if required else None
        elif required:
            if "default" in declaration:
                r.fail(table, "default", "a required argument has no default")
            default = REQUIRED
        elif "default" in declaration:
            default = declaration["default"]
            if not kind.accepts(default) or (choices and default not in choices):
                r.fail(table, "default", f"{describe(default)} is not {kind.summary}")
            default = kind.convert(default)
        elif kind.none_default:
            default = None
        else:
            r.fail(table, None, "missing field `default` (or `option`, or `required = true`)")
        if type_name == "choice" and not choices and option is None:
            r.fail(table, None, "a choice argument needs `choices` or an `option`")
        arguments.append(ArgumentSpec(name, type_name, doc, option, default, choices))
    return tuple(arguments)


def _test(r: _Reader, data: dict, input_kind: str, arguments) -> tuple[tuple, dict]:
    table = ("test",)
    expressions = []
    for key, value in data.items():
        if key == "arguments":
            continue
        if not key.isidentifier() or keyword.iskeyword(key):
            r.fail(table, key, "is not a Python name")
        if not isinstance(value, str) or not value.strip():
            r.fail(table, key, f"expected an expression in a string, got {describe(value)}")
        expressions.append((key, value))
    names = [key for key, _ in expressions]
    needed = ["channels", "output_shape", "trainable"] + (
        ["side"] if input_kind == "images" else []
    )
    for key in needed:
        if key not in names:
            r.fail(table, None, f"missing field `{key}`")
    test_arguments = data.get("arguments", {})
    if not isinstance(test_arguments, dict):
        r.fail(table, "arguments", "expected a table of constructor arguments")
    by_name = {a.name: a for a in arguments}
    for key, value in test_arguments.items():
        argument = by_name.get(key)
        if argument is None:
            r.fail(("test", "arguments"), key, "is not one of the kind's [[arguments]]")
        kind = ARGUMENT_TYPES[argument.type]
        if not kind.accepts(value) or (argument.choices and value not in argument.choices):
            r.fail(("test", "arguments"), key, f"{describe(value)} is not {kind.summary}")
    for argument in arguments:
        if (
            argument.default is REQUIRED
            and argument.option is None
            and argument.name not in test_arguments
        ):
            r.fail(
                ("arguments", list(by_name).index(argument.name)),
                "required",
                f"{argument.name} is required: give it an `option` or a value in [test.arguments]",
            )
    converted = {k: ARGUMENT_TYPES[by_name[k].type].convert(v) for k, v in test_arguments.items()}
    return tuple(expressions), converted


def _refuse(r: _Reader, data: list, options: dict[str, OptionSpec]) -> tuple[RefuseRule, ...]:
    rules = []
    known = {*options, "input_dim"}
    for index, declaration in enumerate(data):
        table = ("refuse", index)
        if not isinstance(declaration, dict):
            r.fail((), "refuse", "expected an array of tables ([[refuse]])")
        r.table(declaration, table, {"when", "message"})
        when = r.text(declaration, table, "when")
        message = r.text(declaration, table, "message")
        try:
            fields = [f for _, f, _, _ in string.Formatter().parse(message) if f is not None]
        except ValueError as error:
            r.fail(table, "message", f"not a format string ({error})")
        unknown = [f for f in fields if f not in known]
        if unknown:
            r.fail(table, "message", f"{{{unknown[0]}}} is not an option of this kind")
        rules.append(RefuseRule(when, message))
    return tuple(rules)
