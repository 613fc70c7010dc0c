"""`__init__` without `**kwargs`: accept them and forward them to `super().__init__`.

Keras passes `name`, `trainable` and `dtype` back to the constructor
(`from_config`, `.keras` loading, `Layer(name=...)`). A base-class argument the
class fixes in its own call (`super().__init__(name="block")`) becomes a
parameter with that default, so a value coming back from a config cannot
collide with it.
"""

from __future__ import annotations

import libcst as cst

from ..context import Context
from ..layers import LayerClass
from ..syntax import add_argument, add_var_keyword, code, name_uses, walk

CHECK = "init-kwargs"
# Constructor arguments of keras.layers.Layer that from_config passes back.
BASE_ARGUMENTS = ("name", "trainable", "dtype", "autocast", "activity_regularizer")


def rewrite(layer: LayerClass, ctx: Context) -> None:
    init = layer.init
    if init is None:
        return
    call = init.super_call
    if call is None:
        ctx.left(
            layer,
            init.node,
            CHECK,
            "__init__ does not call super().__init__() where the tool can see it "
            "(a top-level statement): forward **kwargs to it by hand",
        )
        return
    if any(a.star == "**" for a in call.args):
        return  # already forwards a keyword dict
    base_is_layer = layer.kind in ("layer", "model")
    if base_is_layer and any(a.keyword is None and not a.star for a in call.args[_skip(call) :]):
        ctx.left(
            layer,
            call,
            CHECK,
            "super().__init__() gets positional arguments: Keras 3's Layer takes keywords "
            "only; pass them by keyword, then add **kwargs",
        )
        return
    kwargs = init.var_kwargs or "kwargs"
    if init.var_kwargs is None and init.param("kwargs"):
        ctx.left(
            layer, init.node, CHECK, "a parameter is already called `kwargs`: add **kwargs by hand"
        )
        return
    if init.var_kwargs and name_uses(call, kwargs):
        ctx.left(
            layer,
            call,
            CHECK,
            f"super().__init__() reads {kwargs} itself: forward **{kwargs} to it by hand",
        )
        return
    hoisted = []
    for arg in call.args:
        name = arg.keyword.value if arg.keyword else None
        if name not in BASE_ARGUMENTS or init.param(name):
            continue
        if not _constant(arg.value):
            ctx.left(
                layer,
                arg,
                CHECK,
                f"super().__init__({name}={code(arg.value)}) would receive `{name}` twice once "
                f"**{kwargs} is forwarded (from_config passes it back): make `{name}` a "
                "parameter by hand",
            )
            return
        hoisted.append((name, arg.value))

    def signature(function: cst.FunctionDef) -> cst.FunctionDef:
        for name, default in hoisted:
            new = cst.Param(
                cst.Name(name),
                default=default,
                equal=cst.AssignEqual(
                    whitespace_before=cst.SimpleWhitespace(""),
                    whitespace_after=cst.SimpleWhitespace(""),
                ),
            )
            function = _insert_parameter(function, new)
        if init.var_kwargs is None:
            function = add_var_keyword(function, kwargs)
        return function

    def forward(updated: cst.Call) -> cst.Call:
        args = []
        for arg in updated.args:
            if arg.keyword is not None and arg.keyword.value in dict(hoisted):
                arg = arg.with_changes(value=cst.Name(arg.keyword.value))
            args.append(arg)
        updated = updated.with_changes(args=args)
        return add_argument(updated, cst.Arg(cst.Name(kwargs), star="**"))

    if hoisted or init.var_kwargs is None:
        ctx.edits.replace(init.node, signature)
        ctx.relayout_signature(layer, init.node)
    ctx.edits.replace(call, forward)
    ctx.relayout(layer, call)
    if init.var_kwargs is None:
        message = "__init__ accepts **kwargs and forwards them to super().__init__"
    else:
        message = f"__init__ forwards **{kwargs} to super().__init__"
    if hoisted:
        message += "; " + ", ".join(f"{n}={code(v)}" for n, v in hoisted)
        message += " became parameter default(s)"
    ctx.fixed(layer, init.node, CHECK, message)


def _skip(call: cst.Call) -> int:
    """`Base.__init__(self, ...)` passes self positionally: not an argument to check."""
    func = call.func
    if isinstance(func, cst.Attribute) and not isinstance(func.value, cst.Call):
        return 1
    return 0


def _constant(node: cst.CSTNode) -> bool:
    return all(
        not isinstance(n, cst.Name) or n.value in ("None", "True", "False") for n in walk(node)
    )


def _insert_parameter(function: cst.FunctionDef, new: cst.Param) -> cst.FunctionDef:
    """Add a parameter with a default after the last ordinary or keyword-only one."""
    params = function.params
    field = "kwonly_params" if params.kwonly_params else "params"
    items = list(getattr(params, field))
    if items:
        last = items[-1]
        separator = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        for item in items[:-1]:
            if isinstance(item.comma, cst.Comma):
                separator = item.comma
                break
        items[-1] = last.with_changes(
            comma=separator, whitespace_after_param=cst.SimpleWhitespace("")
        )
        new = new.with_changes(comma=last.comma, whitespace_after_param=last.whitespace_after_param)
    items.append(new)
    return function.with_changes(params=params.with_changes(**{field: items}))
