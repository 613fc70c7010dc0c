"""`self.add_weight("kernel", shape, ...)`: Keras 2's positional order -> keywords.

Keras 2 took `add_weight(name, shape, dtype, initializer, regularizer,
trainable, constraint)`; Keras 3 takes `(shape, initializer, dtype)` and
raises on a positional name. A call whose first positional argument is a
string is in Keras 2's order and is rewritten with keywords; one whose first
argument is a tuple or list already reads right on Keras 3; anything else is
ambiguous and reported. Keras 2-only keywords are dropped or renamed where
Keras 3 has the meaning (`use_resource`, `experimental_autocast`).
"""

from __future__ import annotations

import libcst as cst

from ..context import Context
from ..layers import LayerClass, method_self
from ..syntax import code, self_attribute, walk

CHECK = "add-weight-keywords"
KERAS2_ORDER = ("name", "shape", "dtype", "initializer", "regularizer", "trainable", "constraint")
DROPPED = {"use_resource"}  # no meaning with Keras 3 variables
RENAMED = {"experimental_autocast": "autocast"}
UNSUPPORTED = {"partitioner", "getter", "caching_device", "synchronization"}


def rewrite(layer: LayerClass, ctx: Context) -> None:
    for function in layer.methods.values():
        self_name = method_self(function)
        if self_name is None:
            continue
        for node in walk(function.body):
            if isinstance(node, cst.Call) and self_attribute(node.func, self_name) == "add_weight":
                _rewrite_call(layer, node, ctx)


def _rewrite_call(layer: LayerClass, call: cst.Call, ctx: Context) -> None:
    args = [a for a in call.args if not a.star]
    if any(a.star for a in call.args):
        return
    positional = [a for a in args if a.keyword is None]
    keywords = {a.keyword.value for a in args if a.keyword is not None}
    unsupported = sorted(keywords & UNSUPPORTED)
    if unsupported:
        ctx.left(
            layer,
            call,
            CHECK,
            f"add_weight({', '.join(k + '=' for k in unsupported)}...) has no Keras 3 "
            "equivalent: remove it or create the variable another way",
        )
        return
    renames = keywords & (DROPPED | set(RENAMED))
    if positional:
        first = positional[0].value
        if isinstance(first, (cst.Tuple, cst.List)):
            positional = []  # Keras 3's (shape, initializer, dtype): already right
        elif not isinstance(first, (cst.SimpleString, cst.FormattedString, cst.ConcatenatedString)):
            ctx.left(
                layer,
                call,
                CHECK,
                f"add_weight({code(first)}, ...): positional arguments mean (name, shape, ...) "
                "on Keras 2 and (shape, initializer, dtype) on Keras 3; give them by keyword",
            )
            return
        elif len(positional) > len(KERAS2_ORDER):
            ctx.left(
                layer, call, CHECK, "add_weight() with more positional arguments than Keras 2 took"
            )
            return
    if not positional and not renames:
        return

    def to_keywords(updated: cst.Call) -> cst.Call:
        new_args, index = [], 0
        for arg in updated.args:
            if arg.keyword is None and not arg.star and positional:
                arg = arg.with_changes(
                    keyword=cst.Name(KERAS2_ORDER[index]),
                    equal=cst.AssignEqual(
                        whitespace_before=cst.SimpleWhitespace(""),
                        whitespace_after=cst.SimpleWhitespace(""),
                    ),
                )
                index += 1
            elif arg.keyword is not None and arg.keyword.value in DROPPED:
                continue
            elif arg.keyword is not None and arg.keyword.value in RENAMED:
                arg = arg.with_changes(keyword=cst.Name(RENAMED[arg.keyword.value]))
            new_args.append(arg)
        if new_args and len(new_args) < len(updated.args):
            last = updated.args[-1]
            new_args[-1] = new_args[-1].with_changes(
                comma=last.comma, whitespace_after_arg=last.whitespace_after_arg
            )
        return updated.with_changes(args=new_args)

    ctx.edits.replace(call, to_keywords)
    ctx.relayout(layer, call)
    what = []
    if positional:
        what.append(
            f"positional ({', '.join(KERAS2_ORDER[: len(positional)])}) in Keras 2's order "
            "given by keyword"
        )
    for name in sorted(renames):
        what.append(f"{name}= " + ("dropped" if name in DROPPED else f"is {RENAMED[name]}="))
    ctx.fixed(layer, call, CHECK, "add_weight(): " + "; ".join(what))
