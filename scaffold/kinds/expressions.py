"""The expressions of a kind.toml: its generated test's expectations ([test])
and the combinations it refuses ([[refuse]]).

They are Jinja expressions, compiled by Jinja's own expression compiler in a
sandboxed environment, so a kind (built-in or the user's) can compute shapes
from its option values without any evaluator of ours.
"""

from __future__ import annotations

import functools
from typing import Any, Mapping

from ..core.errors import UsageProblem
from .spec import KindSpec

BATCH = 16  # the generated test's batch: large enough that every ReLU unit sees data


@functools.lru_cache(maxsize=None)
def _environment():
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    # The templates' lexer settings, so Jinja reuses their lexer (its regexes are
    # a good part of a cold start) instead of building another.
    env = SandboxedEnvironment(
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(max=max, min=min, abs=abs, len=len)
    return env


def evaluate(spec: KindSpec, table: tuple, key: str, expression: str, names: Mapping) -> Any:
    """The value of one expression of `spec`; a problem is one line naming the field."""
    import jinja2

    try:
        compiled = _environment().compile_expression(expression, undefined_to_none=False)
        return _defined(compiled(**names))
    except jinja2.TemplateSyntaxError as error:
        problem = f"not a valid expression ({error.message})"
    except jinja2.UndefinedError as error:
        problem = f"{error.message} (the names are the kind's options and earlier [test] entries)"
    except Exception as error:  # e.g. a division by zero for these option values
        problem = f"failed for {dict(names)}: {type(error).__name__}: {error}"
    raise spec.fields.fail(table, key, problem)


def _defined(value: Any) -> Any:
    """`value`, or the UndefinedError of an undefined name inside it (a tuple
    such as `(channel,)` holds an Undefined without raising)."""
    import jinja2

    if isinstance(value, jinja2.Undefined):
        value._fail_with_undefined_error()
    if isinstance(value, (list, tuple)):
        for item in value:
            _defined(item)
    return value


def refuse(spec: KindSpec, values: Mapping[str, Any], input_dim: int | None) -> None:
    """Raise UsageProblem with the kind's reason when it refuses this combination."""
    names = {**values, "input_dim": input_dim}
    for index, rule in enumerate(spec.refuse):
        if evaluate(spec, ("refuse", index), "when", rule.when, names):
            raise UsageProblem(rule.message.format(**names))


def _shape(spec: KindSpec, key: str, value: Any) -> tuple[int, ...]:
    if isinstance(value, (list, tuple)) and all(
        isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in value
    ):
        return tuple(value)
    raise spec.fields.fail(("test",), key, f"gave {value!r}: expected a tuple of positive integers")


def expectations(
    spec: KindSpec, values: Mapping[str, Any], input_dim: int | None
) -> dict[str, Any]:
    """Sample input, output and weight shapes the generated test asserts (batch
    included), from the [test] expressions over the option values. With the
    weights created in __init__, `channels` is the layer's input size."""
    names: dict[str, Any] = {**values, "input_dim": input_dim}
    for key, expression in spec.test:
        if key == "channels" and input_dim is not None:
            names[key] = input_dim
        else:
            names[key] = evaluate(spec, ("test",), key, expression, names)
    declared = dict(spec.test)
    for key in ("channels", "side"):
        if key in declared:
            _shape(spec, key, (names[key],))
    if "input_shape" in declared:
        sample = _shape(spec, "input_shape", names["input_shape"])
    elif spec.input == "images":
        sample = (names["side"], names["side"], names["channels"])
    else:
        sample = (names["channels"],)
    output = _shape(spec, "output_shape", names["output_shape"])
    weights = {}
    for key in ("trainable", "non_trainable"):
        shapes = names[key] if key in declared else []
        if not isinstance(shapes, (list, tuple)):
            raise spec.fields.fail(("test",), key, f"gave {shapes!r}: expected a list of shapes")
        weights[key] = sorted(_shape(spec, key, shape) for shape in shapes)
    return {
        "sample_shape": (BATCH, *sample),
        "output_shape": (BATCH, *output),
        "trainable_shapes": weights["trainable"],
        "non_trainable_shapes": weights["non_trainable"],
    }
