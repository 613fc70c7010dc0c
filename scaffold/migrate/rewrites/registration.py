"""No registration: `@keras.saving.register_keras_serializable(package=...)`.

A class counts as registered when a decorator names Keras's
`register_keras_serializable` (directly, or through a module-level name bound
to a call of it), when it is passed to such a call, or when the module puts it
in `get_custom_objects()`. The package is the module's dotted path, so two
modules of one project never register the same name.
"""

from __future__ import annotations

import libcst as cst

from ..context import Context
from ..layers import LayerClass
from ..names import REGISTER_FUNCTIONS
from ..syntax import walk

CHECK = "registered"


def rewrite(layer: LayerClass, ctx: Context) -> None:
    if _registered(layer, ctx):
        return
    if not layer.top_level:
        ctx.left(
            layer,
            layer.node,
            CHECK,
            "the class is defined inside a function or another class: register it where "
            "it is defined, once (@keras.saving.register_keras_serializable)",
        )
        return
    register = ctx.keras("saving.register_keras_serializable")
    if register is None:
        ctx.left(layer, layer.node, CHECK, ctx.keras_unavailable())
        return
    decorator = cst.Decorator(cst.parse_expression(f'{register}(package="{ctx.package}")'))
    ctx.edits.replace(
        layer.node, lambda node: node.with_changes(decorators=[decorator, *node.decorators])
    )
    ctx.fixed(
        layer,
        layer.node,
        CHECK,
        f'registered as "{ctx.package}>{layer.name}" (@{register.split("(")[0]})',
    )


def _is_register(node: cst.CSTNode, ctx: Context) -> bool:
    target = node.func if isinstance(node, cst.Call) else node
    return ctx.names.keras(target) in REGISTER_FUNCTIONS


def _registered(layer: LayerClass, ctx: Context) -> bool:
    aliases = _register_aliases(ctx)
    for decorator in layer.node.decorators:
        expression = decorator.decorator
        if _is_register(expression, ctx):
            return True
        if isinstance(expression, cst.Name) and expression.value in aliases:
            return True
    for statement in ctx.module.body:
        if statement is layer.node:
            continue
        for node in walk(statement):
            if isinstance(node, cst.Call) and _mentions(node, layer.name):
                if _is_register(node.func, ctx) or _is_custom_objects(node, ctx):
                    return True
            if isinstance(node, cst.Assign) and _mentions(node, layer.name):
                if any(_is_custom_objects(n, ctx) for n in walk(node)):
                    return True
    return False


def _register_aliases(ctx: Context) -> set[str]:
    """Module-level names bound to a configured registration decorator."""
    aliases = set()
    for statement in ctx.module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if (
                isinstance(small, cst.Assign)
                and isinstance(small.value, cst.Call)
                and _is_register(small.value, ctx)
            ):
                aliases.update(
                    t.target.value for t in small.targets if isinstance(t.target, cst.Name)
                )
    return aliases


def _mentions(node: cst.CSTNode, name: str) -> bool:
    return any(isinstance(n, cst.Name) and n.value == name for n in walk(node))


def _is_custom_objects(node: cst.CSTNode, ctx: Context) -> bool:
    if not isinstance(node, cst.Call):
        return False
    path = ctx.names.keras(node.func) or ""
    if path.endswith("get_custom_objects"):
        return True
    # get_custom_objects().update({...})
    func = node.func
    return (
        isinstance(func, cst.Attribute)
        and isinstance(func.value, cst.Call)
        and (ctx.names.keras(func.value.func) or "").endswith("get_custom_objects")
    )
