"""Sublayers made without the layer's dtype policy -> `dtype=self.dtype_policy`.

Only constructors of `keras.layers` classes are changed (a user's own layer
may not forward `dtype`). A sublayer created in `call()` is reported: Keras 3
wants all state made in `__init__` or `build()`.
"""

from __future__ import annotations

import libcst as cst

from ..context import Context
from ..layers import LayerClass, method_self
from ..syntax import add_argument, keyword, walk

CHECK = "dtype-policy"


def rewrite(layer: LayerClass, ctx: Context) -> None:
    given = []
    for method, function in layer.methods.items():
        self_name = method_self(function)
        if self_name is None:
            continue
        for index, statement in enumerate(_body(function)):
            for node in walk(statement):
                if not isinstance(node, cst.Call):
                    continue
                kind = ctx.names.keras_layer_class(node.func) or _local_layer(node, ctx)
                if kind is None or keyword(node, "dtype") is not None:
                    continue
                if method == "call":
                    ctx.left(
                        layer,
                        node,
                        CHECK,
                        f"a {kind} is created in call(): Keras 3 wants sublayers created in "
                        "__init__ or build() (a new one per call is never trained); move it",
                    )
                    continue
                if method == "__init__" and not _after_super(layer, index):
                    ctx.left(
                        layer,
                        node,
                        CHECK,
                        f"a {kind} is created before super().__init__(): pass "
                        "dtype=self.dtype_policy after moving it below that call",
                    )
                    continue
                if any(a.star == "**" for a in node.args):
                    ctx.left(
                        layer,
                        node,
                        CHECK,
                        f"{kind}(**...) may already carry a dtype: pass "
                        "dtype=self.dtype_policy by hand if it does not",
                    )
                    continue
                policy = cst.Arg(
                    cst.parse_expression(f"{self_name}.dtype_policy"),
                    keyword=cst.Name("dtype"),
                    equal=cst.AssignEqual(
                        whitespace_before=cst.SimpleWhitespace(""),
                        whitespace_after=cst.SimpleWhitespace(""),
                    ),
                )
                ctx.edits.replace(node, lambda call, policy=policy: add_argument(call, policy))
                ctx.relayout(layer, node)
                given.append((node, kind))
    if given:
        kinds = ", ".join(dict.fromkeys(kind for _, kind in given))
        ctx.fixed(
            layer,
            given[0][0],
            CHECK,
            f"{len(given)} sublayer(s) ({kinds}) get dtype=self.dtype_policy",
        )


def _local_layer(call: cst.Call, ctx: Context) -> str | None:
    """A layer class of this module whose constructor takes `dtype` (it forwards
    **kwargs to Keras, once migrated)."""
    if not isinstance(call.func, cst.Name):
        return None
    local = next((l for l in ctx.layers if l.top_level and l.name == call.func.value), None)
    if local is None or local.name not in ctx.names.of(call.func):
        return None
    while local is not None:
        init = local.init
        if init is not None:
            if init.param("dtype"):
                return local.name
            left = any(
                f.layer == local.name and f.rewrite == "init-kwargs" and f.status == "left"
                for f in ctx.findings
            )
            return None if left or init.super_call is None else local.name
        if local.kind != "local-subclass":
            return local.name  # Keras's own constructor
        local = local.parent
    return None


def _body(function: cst.FunctionDef):
    return function.body.body if isinstance(function.body, cst.IndentedBlock) else ()


def _after_super(layer: LayerClass, index: int) -> bool:
    init = layer.init
    return init is not None and init.super_index is not None and index > init.super_index
