"""Hypothesis strategies built from the option schema (the kinds' declared
options): valid values inside each option's range or choices, and values
around and beyond them for the refusal tests."""

from __future__ import annotations

from hypothesis import strategies as st

from scaffold.kinds.schema import ACTIVATIONS, OptionSpec


def valid_values(option: OptionSpec):
    if option.type == "int":
        return st.integers(option.min, option.max)
    if option.type == "float":
        return st.floats(option.min, option.max, allow_nan=False)
    if option.type == "bool":
        return st.booleans()
    if option.type == "choice":
        return st.sampled_from(option.choices)
    return st.sampled_from(ACTIVATIONS)


def any_values(option: OptionSpec):
    """Valid values and invalid ones: out of range, unknown choices."""
    if option.type == "int":
        return st.integers(option.min - 3, option.max + 3)
    if option.type == "float":
        return st.floats(option.min / 10, option.max * 10, allow_nan=False)
    if option.type == "choice":
        return st.sampled_from([*option.choices, "causal"])
    if option.type == "activation":
        return st.sampled_from([*ACTIVATIONS, "relu7", "os.system"])
    return valid_values(option)


def flag_args(option: OptionSpec, value) -> list[str]:
    """The command-line arguments that give `option` the value `value`."""
    if value is None:
        return []
    if option.type == "bool":
        on, off = option.flags.split("/")
        return [on if value else off]
    return [option.flag, str(value)]
