"""`super().__init__(dynamic=True)`: Keras 3 rejects the argument.

The argument is removed; when it asked for eager execution, a comment above
the call says how Keras 3 gets that (`run_eagerly=True` at compile time). A
constructor parameter that only carried the value to `super().__init__` is
removed with it.
"""

from __future__ import annotations

import libcst as cst

from ..context import Context
from ..layers import LayerClass
from ..syntax import comment_line, keyword, name_uses, remove_argument, remove_parameter

CHECK = "no-dynamic"
COMMENT = "Eager-only (was dynamic=True): compile models using it with run_eagerly=True."
COMMENT_PARAMETER = "Keras 3 has no `dynamic`: compile with run_eagerly=True where it was set."


def rewrite(layer: LayerClass, ctx: Context) -> None:
    init = layer.init
    if init is None or init.super_call is None:
        return
    arg = keyword(init.super_call, "dynamic")
    if arg is None:
        return
    value = arg.value
    ctx.edits.replace(init.super_call, lambda call: remove_argument(call, "dynamic"))
    eager = not (isinstance(value, cst.Name) and value.value == "False")
    if eager:
        text = (
            COMMENT if isinstance(value, cst.Name) and value.value == "True" else COMMENT_PARAMETER
        )
        ctx.edits.replace(
            init.super_statement,
            lambda line: line.with_changes(leading_lines=[*line.leading_lines, comment_line(text)]),
        )
    message = "dynamic= removed from super().__init__"
    if eager:
        message += " (comment: compile with run_eagerly=True)"
    parameter = value.value if isinstance(value, cst.Name) else None
    if parameter and init.param(parameter) and _only_forwarded(init.node, parameter):
        ctx.edits.replace(init.node, lambda f: remove_parameter(f, parameter))
        message += f"; the `{parameter}` parameter that only carried it too"
    ctx.fixed(layer, arg, CHECK, message)


def _only_forwarded(function: cst.FunctionDef, name: str) -> bool:
    return len(name_uses(function.body, name)) == 1
