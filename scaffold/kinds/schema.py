"""The hyperparameters of `scaffold layer`: one schema, read from the kind specs.

A kind declares its options in its kind.toml (`[options.NAME]`: a type from the
small vocabulary below, a default, a help line and the type's own fields).
Everything else about options derives from those declarations: the Click
options of `scaffold layer` (help with each kind's default), the validation of
the values given, the README's option table and the test suite's strategies.
"""

from __future__ import annotations

from typing import Any, Iterable, NamedTuple

from ..core.errors import UsageProblem

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

# type -> the fields its declaration must give besides type, default and help
OPTION_TYPES: dict[str, tuple[str, ...]] = {
    "int": ("min", "max"),
    "float": ("min", "max"),
    "bool": (),
    "choice": ("choices",),
    "activation": (),
}
METAVARS = {"int": "N", "float": "X", "activation": "NAME"}


class OptionSpec(NamedTuple):
    """One hyperparameter of one kind, as its kind.toml declares it."""

    name: str  # a Python name: the Click parameter and the template variable
    type: str  # a key of OPTION_TYPES
    default: Any
    help: str
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] = ()

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    @property
    def flags(self) -> str:
        """The flag as written on the command line: `--use-bias/--no-bias` for booleans."""
        if self.type != "bool":
            return self.flag
        off = self.name[len("use_") :] if self.name.startswith("use_") else self.name
        return f"{self.flag}/--no-{off.replace('_', '-')}"

    @property
    def usage(self) -> str:
        """How the option is written: `--units N`, `--padding valid|same`, `--use-bias/--no-bias`."""
        if self.type == "choice":
            return f"{self.flag} {'|'.join(self.choices)}"
        return f"{self.flag} {METAVARS[self.type]}" if self.type in METAVARS else self.flags

    def check(self, value: Any) -> Any:
        """The value, validated and normalised; UsageProblem names the flag."""
        flag = self.flag
        if self.type in ("int", "float"):
            number = int if self.type == "int" else (int, float)
            if isinstance(value, bool) or not isinstance(value, number):
                whole = "a whole number" if self.type == "int" else "a number"
                raise UsageProblem(f"{flag} must be {whole}, got {value!r}")
            if not self.min <= value <= self.max:
                raise UsageProblem(
                    f"{flag} must be between {_number(self.min)} and {_number(self.max)}, "
                    f"got {_number(value)}"
                )
            return float(value) if self.type == "float" else value
        if self.type == "bool":
            if not isinstance(value, bool):
                raise UsageProblem(f"{flag} must be true or false, got {value!r}")
            return value
        if self.type == "choice":
            if value not in self.choices:
                raise UsageProblem(f"{flag} {value!r} is not one of: {', '.join(self.choices)}")
            return value
        if value is None or value == "linear":  # activation: linear is no activation
            return None
        if value not in ACTIVATIONS:
            raise UsageProblem(
                f"{flag} {value!r} is not a Keras activation; use one of: " + ", ".join(ACTIVATIONS)
            )
        return value

    def shown(self, value: Any) -> str:
        """A value as help and docs show it."""
        if self.type == "bool":
            on, off = self.flags.split("/")
            return on if value else off
        if self.type == "activation" and value is None:
            return "linear"
        return _number(value) if self.type in ("int", "float") else str(value)

    @property
    def range_text(self) -> str:
        if self.type in ("int", "float"):
            return f"{_number(self.min)}-{_number(self.max)}"
        return ""


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


class SharedOption(NamedTuple):
    """One option of `scaffold layer`: every kind that declares the name shares it."""

    spec: OptionSpec  # the first declaration: type, help
    defaults: tuple[tuple[str, Any], ...]  # (kind name, its default), in kind order

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(kind for kind, _ in self.defaults)

    @property
    def choices(self) -> tuple[str, ...]:
        return self.spec.choices

    def default_text(self) -> str:
        """`32`, or `valid for conv2d, same for conv-bn-relu` when kinds differ."""
        shown = [(kind, self.spec.shown(value)) for kind, value in self.defaults]
        values = list(dict.fromkeys(value for _, value in shown))
        if len(values) == 1:
            return values[0]
        by_value: dict[str, list[str]] = {}
        for kind, value in shown:
            by_value.setdefault(value, []).append(kind)
        separator = "; " if any(len(kinds) > 1 for kinds in by_value.values()) else ", "
        return separator.join(
            f"{value} for {', '.join(kinds)}" for value, kinds in by_value.items()
        )

    def help_text(self) -> str:
        return f"{self.spec.help} ({', '.join(self.kinds)}) [default: {self.default_text()}]"


def merge(kinds: Iterable) -> dict[str, SharedOption]:
    """The options of several kinds, one per name, in order of first declaration.

    Kinds that share an option name must agree on its type (a Click option has
    one type); choices are merged, and each kind still checks its own.
    """
    merged: dict[str, SharedOption] = {}
    for kind in kinds:
        for option in kind.spec.options.values():
            shared = merged.get(option.name)
            if shared is None:
                merged[option.name] = SharedOption(option, ((kind.name, option.default),))
                continue
            if shared.spec.type != option.type:
                raise UsageProblem(
                    f"kind {kind.name}: option {option.flag} is a {option.type} but kind "
                    f"{shared.kinds[0]} declares it a {shared.spec.type}; rename one of them"
                )
            choices = tuple(dict.fromkeys((*shared.spec.choices, *option.choices)))
            spec = shared.spec
            if choices != spec.choices:
                spec = spec._replace(choices=choices)
            merged[option.name] = SharedOption(
                spec, (*shared.defaults, (kind.name, option.default))
            )
    return merged


def click_option(shared: SharedOption):
    """The Click option for one shared hyperparameter. Its default is None ("not
    given"): each kind's own default is applied when the options are validated."""
    import click

    spec = shared.spec
    declarations = [spec.name, spec.flags]
    if spec.type == "bool":
        return click.Option(declarations, default=None, help=shared.help_text())
    kinds = {"int": int, "float": float, "choice": click.Choice(spec.choices)}
    return click.Option(
        declarations,
        type=kinds.get(spec.type, str),
        metavar=METAVARS.get(spec.type),
        default=None,
        help=shared.help_text(),
    )


def options_table(shared_options: Iterable[SharedOption]) -> str:
    """The README's table of kind options (markdown)."""
    rows = ["| option | kinds | default | meaning |", "| --- | --- | --- | --- |"]
    for shared in shared_options:
        spec = shared.spec
        meaning = spec.help + (f" ({spec.range_text})" if spec.range_text else "")
        flag = spec.usage.replace("/", " / ").replace("|", "\\|")  # pipes end table cells
        rows.append(
            f"| `{flag}` | {', '.join(shared.kinds)} | {shared.default_text()} | {meaning} |"
        )
    return "\n".join(rows) + "\n"
