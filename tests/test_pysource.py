"""The value-dependent pieces of generated code are laid out exactly as black
lays them out, for short and long values alike."""

import black
import pytest

from scaffold.core.pysource import call, dict_entry, literal, raise_value_error


def blacked(source: str) -> str:
    return black.format_str(source, mode=black.Mode())


def nested(lines: list[str], depth: int) -> str:
    """`lines` (indented for `depth` levels) inside enough `def`s to be valid."""
    head = "".join("    " * level + f"def f{level}():\n" for level in range(depth))
    return head + "\n".join(lines) + "\n"


@pytest.mark.parametrize("words", [1, 3, 8, 12, 16, 25, 40])
@pytest.mark.parametrize("depth", [2, 3])
def test_value_error_messages(words, depth):
    message = " ".join(f"word{i}" for i in range(words)) + " Received: x={x}"
    source = nested(raise_value_error(message, 4 * depth), depth)
    assert blacked(source) == source


@pytest.mark.parametrize("width", [5, 30, 60, 80])
def test_dict_entries(width):
    value = f"keras.regularizers.serialize(self.{'k' * width})"
    lines = ["x = {", *dict_entry("key", value, 4), "}"]
    source = "\n".join(lines) + "\n"
    assert blacked(source) == source


@pytest.mark.parametrize("count", [1, 3, 6, 10])
@pytest.mark.parametrize("width", [3, 12])
def test_calls_in_a_list(count, width):
    arguments = [f"a{i}={'v' * width}" for i in range(count)]
    source = "\n".join(["x = [", *call("Layer", arguments, 4, trailing=","), "]"]) + "\n"
    assert blacked(source) == source


@pytest.mark.parametrize(
    "value", [None, True, 3, 1e-06, 0.5, "relu", "it's", 'say "hi"', (3,), (1, 2), [1, "a"]]
)
def test_literals(value):
    source = f"x = {literal(value)}\n"
    assert blacked(source) == source
    assert eval(literal(value)) == value
