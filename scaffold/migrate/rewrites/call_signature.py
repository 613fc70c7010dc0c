"""`call(self, inputs, training)`: Keras 3 does not fill in a required `training`.

Keras 2 always passed `training` (and `mask`) to `call()`, so TF 2.0-era code
often declares them without a default. Keras 3 passes them only when it has a
value: `layer(x)` then fails with "missing a required argument: 'training'".
The rewrite gives them the default Keras 2 passed in that case, `None`.
"""

from __future__ import annotations

import libcst as cst

from ..context import Context
from ..layers import LayerClass

CHECK = "call-training"
CONTEXT_ARGUMENTS = ("training", "mask")


def rewrite(layer: LayerClass, ctx: Context) -> None:
    call = layer.methods.get("call")
    if call is None:
        return
    params = list(call.params.params)
    required = [
        i for i, p in enumerate(params) if p.name.value in CONTEXT_ARGUMENTS and p.default is None
    ]
    if not required:
        return
    after = params[required[0] + 1 :]
    if any(p.default is None and p.name.value not in CONTEXT_ARGUMENTS for p in after):
        ctx.left(
            layer,
            call,
            CHECK,
            "call() requires `training`/`mask` before other required arguments: Keras 3 does "
            "not pass them unless it has a value; give them a default of None by hand",
        )
        return
    names = [params[i].name.value for i in required]

    def with_defaults(function: cst.FunctionDef) -> cst.FunctionDef:
        updated = [
            (
                p.with_changes(
                    default=cst.Name("None"),
                    equal=cst.AssignEqual(
                        whitespace_before=cst.SimpleWhitespace(""),
                        whitespace_after=cst.SimpleWhitespace(""),
                    ),
                )
                if p.name.value in names and p.default is None
                else p
            )
            for p in function.params.params
        ]
        return function.with_changes(params=function.params.with_changes(params=updated))

    ctx.edits.replace(call, with_defaults)
    ctx.fixed(
        layer,
        call,
        CHECK,
        f"call(): {', '.join(n + '=None' for n in names)} (Keras 3 passes them only when set)",
    )
