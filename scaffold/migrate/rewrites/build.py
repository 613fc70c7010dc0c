"""A composite layer without `build()` -> `build(input_shape)` that builds its sublayers.

Without it, `layer.build(shape)` (what Keras does before loading weights)
leaves the sublayers without weights. The tool writes `build` only when
`call()` is a chain it can follow: statements `x = self.a(x)`, `x =
self.b(x, training=training)`, element-wise functions (`tf.nn.relu(x)`),
additions of same-shaped tensors, `return x`. Each sublayer is built from the
shape the previous one computes (`compute_output_shape`); anything else
(branches, loops, sublayers given several inputs) is reported, never guessed.
"""

from __future__ import annotations

import libcst as cst

from ..context import Context
from ..layers import LayerClass
from ..names import SHAPE_PRESERVING_LAYERS
from ..syntax import code, number, self_attribute, walk

CHECK = "composite-build"
UNKNOWN = -1
CALL_KEYWORDS = {"training", "mask"}  # do not change a sublayer's output shape


class Unfollowable(Exception):
    pass


def rewrite(layer: LayerClass, ctx: Context) -> None:
    if "build" in layer.methods or layer.has_own_build_base or not layer.sublayers:
        return
    call = layer.methods.get("call")
    if call is None:
        return
    try:
        steps = _Chain(layer, ctx).follow(call)
    except Unfollowable as why:
        ctx.left(
            layer,
            call,
            CHECK,
            f"composite layer without build(): {why}; write build(input_shape) that builds "
            "each sublayer from the shape it receives",
        )
        return
    if not steps:
        return
    self_name = layer.init.self_name
    lines = []
    for attr, source, needed in steps:
        shape = "input_shape" if source == 0 else "shape"
        lines.append(f"    {self_name}.{attr}.build({shape})")
        if needed:
            lines.append(f"    shape = {self_name}.{attr}.compute_output_shape({shape})")
    text = f"def build({self_name}, input_shape):\n" + "\n".join(lines) + "\n"
    [method] = ctx.statements(layer, text, ctx.names.column(layer.init.node))
    spacing = [line for line in _next_method_spacing(layer) if line.comment is None] or [
        cst.EmptyLine(indent=False)
    ]
    ctx.edits.insert_after(layer.init.node, [method.with_changes(leading_lines=spacing)])
    built = ", ".join(attr for attr, _, _ in steps)
    ctx.fixed(
        layer,
        call,
        CHECK,
        f"build(input_shape) added: builds {built} in call() order from the propagated shape",
    )


def _next_method_spacing(layer: LayerClass):
    body = list(layer.node.body.body)
    index = body.index(layer.init.node)
    if index + 1 < len(body):
        return body[index + 1].leading_lines
    return [cst.EmptyLine(indent=False)]


class _Chain:
    """Follows shapes through call(): each value is a shape reference (0: the
    input), each sublayer call a build step."""

    def __init__(self, layer: LayerClass, ctx: Context):
        self.layer = layer
        self.ctx = ctx
        self.self_name = layer.init.self_name
        self.steps: list[list] = []  # [attr, input ref, output needed later]
        self.producer: dict[int, int] = {}  # ref -> index of the step that made it
        self.latest = 0
        self.next_ref = 1
        self.called: set[str] = set()
        # attributes holding an activation function (element-wise)
        self.functions = {
            store.attr
            for store in layer.init.stores
            if isinstance(store.value, cst.Call)
            and ctx.names.keras(store.value.func) == "activations.get"
        }

    def follow(self, call: cst.FunctionDef) -> list[tuple[str, int, bool]]:
        params = [*call.params.posonly_params, *call.params.params]
        if len(params) < 2:
            raise Unfollowable("call() takes no input argument")
        env = {params[1].name.value: 0}
        body = call.body.body if isinstance(call.body, cst.IndentedBlock) else ()
        for statement in body:
            if not isinstance(statement, cst.SimpleStatementLine):
                raise Unfollowable(f"call() has a `{_keyword(statement)}` block")
            for small in statement.body:
                self._statement(small, env)
        return [tuple(step) for step in self.steps]

    def _statement(self, small: cst.BaseSmallStatement, env: dict) -> None:
        if isinstance(small, cst.Expr) and isinstance(
            small.value, (cst.SimpleString, cst.ConcatenatedString)
        ):
            return  # docstring
        if isinstance(small, cst.Pass):
            return
        if isinstance(small, cst.Assign) and len(small.targets) == 1:
            target = small.targets[0].target
            if isinstance(target, cst.Name):
                env[target.value] = self._value(small.value, env)
                return
        if isinstance(small, cst.AugAssign) and isinstance(small.target, cst.Name):
            left = env.get(small.target.value, UNKNOWN)
            env[small.target.value] = self._combine(left, self._value(small.value, env), small)
            return
        if isinstance(small, cst.Return):
            if small.value is not None:
                self._value(small.value, env)
            return
        self._no_sublayer_inside(small)

    def _value(self, node: cst.BaseExpression, env: dict) -> int:
        if isinstance(node, cst.Name):
            return env.get(node.value, UNKNOWN)
        if isinstance(node, cst.Call):
            attr = self_attribute(node.func, self.self_name)
            if attr is not None and attr in self.layer.sublayers:
                return self._sublayer_call(attr, node, env)
            elementwise = attr in self.functions or (
                attr is None and self.ctx.names.is_elementwise(node.func)
            )
            if not elementwise and _mentions(node.func, self.self_name):
                raise Unfollowable(
                    f"call() calls {code(node.func)}(...), which is not a sublayer the tool knows"
                )
            values = [self._value(a.value, env) for a in node.args]
            if elementwise and values and node.args[0].keyword is None:
                return values[0]
            return UNKNOWN
        if isinstance(node, cst.BinaryOperation):
            return self._combine(self._value(node.left, env), self._value(node.right, env), node)
        self._no_sublayer_inside(node)
        return UNKNOWN

    def _combine(self, left: int, right: int, node) -> int:
        if left == right:
            return left
        if isinstance(node, cst.BinaryOperation):
            if number(node.right) is not None:
                return left
            if number(node.left) is not None:
                return right
        if isinstance(node, cst.AugAssign) and number(node.value) is not None:
            return left
        return UNKNOWN

    def _sublayer_call(self, attr: str, call: cst.Call, env: dict) -> int:
        sublayers = self.layer.sublayers
        if attr not in sublayers:
            raise Unfollowable(
                f"call() calls self.{attr}(...), which is not a sublayer the tool knows"
            )
        inputs = [a for a in call.args if a.keyword is None]
        extra = [a.keyword.value for a in call.args if a.keyword is not None]
        if len(inputs) != 1 or inputs[0].star or set(extra) - CALL_KEYWORDS:
            raise Unfollowable(f"self.{attr}(...) is called with arguments other than one tensor")
        source = self._value(inputs[0].value, env)
        if source == UNKNOWN:
            raise Unfollowable(f"the shape reaching self.{attr} is not one the tool can follow")
        if attr in self.called:
            raise Unfollowable(f"self.{attr} is called more than once")
        self.called.add(attr)
        if self._kind(attr) in SHAPE_PRESERVING_LAYERS:
            return source
        if source != 0 and source != self.latest:
            raise Unfollowable(f"self.{attr} takes a shape from an earlier branch of call()")
        if source != 0:
            producer = self.producer[source]
            self._needs_output_shape(self.steps[producer][0])
            self.steps[producer][2] = True
        self.steps.append([attr, source, False])
        ref = self.next_ref
        self.next_ref += 1
        self.producer[ref] = len(self.steps) - 1
        self.latest = ref
        return ref

    def _kind(self, attr: str) -> str | None:
        return self.ctx.names.sublayer_class(self.layer.sublayers[attr].func)

    def _needs_output_shape(self, attr: str) -> None:
        if self._kind(attr) is not None:
            return  # a Keras layer: implements compute_output_shape
        local = self.layer.sublayers[attr].func
        name = local.value if isinstance(local, cst.Name) else "?"
        for other in self.ctx.layers:
            if other.name == name and "compute_output_shape" in other.methods:
                return
        raise Unfollowable(
            f"self.{attr} ({name}) has no compute_output_shape(), so the shape after it is unknown"
        )

    def _no_sublayer_inside(self, node: cst.CSTNode) -> None:
        for child in walk(node):
            if isinstance(child, cst.Call):
                attr = self_attribute(child.func, self.self_name)
                if attr in self.layer.sublayers:
                    raise Unfollowable(
                        f"self.{attr} is called inside an expression the tool does not follow"
                    )


def _mentions(node: cst.CSTNode, self_name: str) -> bool:
    return any(isinstance(n, cst.Name) and n.value == self_name for n in walk(node))


def _keyword(statement: cst.CSTNode) -> str:
    return {
        cst.If: "if",
        cst.For: "for",
        cst.While: "while",
        cst.With: "with",
        cst.Try: "try",
    }.get(type(statement), type(statement).__name__)
