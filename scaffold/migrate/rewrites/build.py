"""A composite layer without `build()` -> `build(input_shape)` that builds its sublayers.

Without it, `layer.build(shape)` (what Keras does before loading weights)
leaves the sublayers without weights. A `build()` that builds none of the
sublayers `__init__` made gets the same steps at its start. The tool writes `build` only when
`call()` is a chain it can follow: statements `x = self.a(x)`, `x =
self.b(x, training=training)`, element-wise functions (`tf.nn.relu(x)`),
additions of same-shaped tensors, `return x`. Each sublayer is built from the
shape the previous one computes (`compute_output_shape`, or tracing the
`call()` of a layer of the module that does not declare it); anything else
(branches, loops, shapes made by other operations) is reported, never guessed.
"""

from __future__ import annotations

import libcst as cst

from ..context import Context
from ..layers import LayerClass
from ..names import (
    OUTPUT_SHAPED_LIKE_INPUT,
    SHAPE_INDEPENDENT_LAYERS,
    SHAPE_PRESERVING_LAYERS,
    WITHOUT_OUTPUT_SHAPE,
)
from ..syntax import code, keyword, number, self_attribute, walk

CHECK = "composite-build"
UNKNOWN = -1
CALL_KEYWORDS = {"training", "mask", "attention_mask", "use_causal_mask"}  # shape-neutral


_BROADCASTING = {
    cst.Add: "+",
    cst.AddAssign: "+",
    cst.Subtract: "-",
    cst.SubtractAssign: "-",
    cst.Multiply: "*",
    cst.MultiplyAssign: "*",
    cst.Divide: "/",
    cst.DivideAssign: "/",
}


class Unfollowable(Exception):
    pass


def rewrite(layer: LayerClass, ctx: Context) -> None:
    if layer.has_own_build_base or not layer.sublayers or layer.init is None:
        return
    call = layer.methods.get("call")
    existing = layer.methods.get("build")
    if call is None or (existing is not None and _builds_a_sublayer(layer, existing)):
        return
    what = (
        "composite layer without build()"
        if existing is None
        else ("build() builds none of the sublayers made in __init__")
    )
    try:
        steps = _Chain(layer, ctx).follow(call)
    except Unfollowable as why:
        ctx.left(
            layer,
            existing or call,
            CHECK,
            f"{what}: {why}; build each sublayer in build(input_shape) from the shape it receives",
        )
        return
    if not any(step.attr for step in steps):
        return
    self_name = layer.init.self_name
    keras_tensor = None
    if any(step.traced or (step.attr is None and step.needed) for step in steps):
        keras_tensor = ctx.keras("KerasTensor")
        if keras_tensor is None:
            ctx.left(layer, call, CHECK, ctx.keras_unavailable())
            return
    built = ", ".join(step.attr for step in steps if step.attr)
    if existing is None:
        lines = _build_lines(steps, self_name, keras_tensor, "input_shape")
        text = f"def build({self_name}, input_shape):\n" + "".join(f"    {l}\n" for l in lines)
        [method] = ctx.statements(layer, text, ctx.names.column(layer.init.node))
        spacing = [line for line in _next_method_spacing(layer) if line.comment is None] or [
            cst.EmptyLine(indent=False)
        ]
        ctx.edits.insert_after(layer.init.node, [method.with_changes(leading_lines=spacing)])
        message = f"build(input_shape) added: builds {built} in call() order"
    else:
        params = [*existing.params.posonly_params, *existing.params.params]
        if len(params) != 2 or not isinstance(existing.body, cst.IndentedBlock):
            ctx.left(layer, existing, CHECK, f"{what}, and its signature is not build(self, shape)")
            return
        shape_name = params[1].name.value
        lines = _build_lines(steps, self_name, keras_tensor, shape_name)
        taken = {n.value for n in walk(existing.body) if isinstance(n, cst.Name)}
        new_names = {line.split(" = ")[0] for line in lines if " = " in line}
        if new_names & taken:
            ctx.left(layer, existing, CHECK, f"{what}; its own names collide with the tool's")
            return
        body = existing.body.body
        first = body[0]
        column = ctx.names.column(first)
        new = ctx.statements(layer, "".join(f"{l}\n" for l in lines), column)
        if _is_docstring(first):
            ctx.edits.insert_after(first, new)
        else:
            ctx.edits.insert_before(first, new)
        message = f"build() now builds {built} first, in call() order"
    ctx.fixed(layer, existing or call, CHECK, message + ", from the propagated shape")


def _builds_a_sublayer(layer: LayerClass, build: cst.FunctionDef) -> bool:
    self_name = layer.init.self_name
    for node in walk(build.body):
        if (
            isinstance(node, cst.Attribute)
            and node.attr.value == "build"
            and self_attribute(node.value, self_name) is not None
        ):
            return True
    return False


def _is_docstring(statement: cst.CSTNode) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _build_lines(
    steps: list["_Step"], self_name: str, keras_tensor: str | None, input_name: str
) -> list[str]:
    """`self.a.build(shape)` and the shapes computed between steps. One `shape`
    variable when each step takes the previous one's output, else one per step."""
    written = [step for step in steps if step.emits]
    latest, linear = 0, True
    for step in written:
        if any(ref not in (0, latest) for ref in step.inputs):
            linear = False
        if step.output is not None and step.needed:
            latest = step.output
    names = {0: input_name}
    for number_, step in enumerate(written):
        if step.output is not None:
            own = f"{step.attr}_shape" if step.attr else f"shape_{number_}"
            names[step.output] = "shape" if linear else own
    lines = []
    for step in written:
        shapes = ", ".join(names[ref] for ref in step.inputs)
        if step.attr is None:
            a, b = (f"{keras_tensor}({names[ref]})" for ref in step.inputs)
            lines.append(f"{names[step.output]} = ({a} {step.operator} {b}).shape")
            continue
        lines.append(f"{self_name}.{step.attr}.build({shapes})")
        if step.needed and step.traced:
            # a layer that does not declare its output shape: trace its call()
            symbolic = ", ".join(f"{keras_tensor}({names[ref]})" for ref in step.inputs)
            lines.append(
                f"{names[step.output]} = "
                f"{self_name}.{step.attr}.compute_output_spec({symbolic}).shape"
            )
        elif step.needed:
            lines.append(
                f"{names[step.output]} = {self_name}.{step.attr}.compute_output_shape({shapes})"
            )
    return lines


def _next_method_spacing(layer: LayerClass):
    body = list(layer.node.body.body)
    index = body.index(layer.init.node)
    if index + 1 < len(body):
        return body[index + 1].leading_lines
    return [cst.EmptyLine(indent=False)]


class _Step:
    """A sublayer to build (`attr`), or a shape the chain computes between two
    (`operator`: the shape of `a + b` for two shapes the chain knows)."""

    def __init__(self, attr: str | None, inputs: list[int], output: int | None, operator=None):
        self.attr = attr
        self.inputs = inputs  # shape references it is built from ([] : no shape needed)
        self.output = output  # the reference of its output shape
        self.operator = operator
        self.needed = False  # a later step is built from that output
        self.traced = False  # that output's shape comes from tracing its call()

    @property
    def emits(self) -> bool:
        return self.attr is not None or self.needed


class _Chain:
    """Follows shapes through call(): each value is a shape reference (0: the
    input), each sublayer call a build step."""

    def __init__(self, layer: LayerClass, ctx: Context):
        self.layer = layer
        self.ctx = ctx
        self.self_name = layer.init.self_name
        self.steps: list[_Step] = []
        self.producer: dict[int, int] = {}  # ref -> index of the step that made it
        self.next_ref = 1
        self.called: set[str] = set()
        # attributes holding an activation function (element-wise)
        self.functions = {
            store.attr
            for store in layer.init.stores
            if isinstance(store.value, cst.Call)
            and ctx.names.keras(store.value.func) == "activations.get"
        }

    def follow(self, call: cst.FunctionDef) -> list[_Step]:
        params = [*call.params.posonly_params, *call.params.params]
        if len(params) < 2:
            raise Unfollowable("call() takes no input argument")
        env = {params[1].name.value: 0}
        body = call.body.body if isinstance(call.body, cst.IndentedBlock) else ()
        for statement in body:
            if not isinstance(statement, cst.SimpleStatementLine):
                self._block(statement, env)
                continue
            for small in statement.body:
                self._statement(small, env)
        return self.steps

    def _block(self, statement: cst.CSTNode, env: dict) -> None:
        """A block (`if`, `for`, ...) that calls no sublayer only makes the shapes
        of the names it assigns unknown; one that does is not followed."""
        for node in walk(statement):
            if isinstance(node, cst.Call) and _mentions(node.func, self.self_name):
                raise Unfollowable(
                    f"call() calls {code(node.func)}(...) inside a `{_keyword(statement)}` block"
                )
        for node in walk(statement):
            targets = []
            if isinstance(node, cst.Assign):
                targets = [t.target for t in node.targets]
            elif isinstance(node, (cst.AugAssign, cst.AnnAssign, cst.For, cst.NamedExpr)):
                targets = [node.target]
            elif isinstance(node, cst.AsName):
                targets = [node.name]
            for target in targets:
                for name in walk(target):
                    if isinstance(name, cst.Name):
                        env.pop(name.value, None)

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
            if isinstance(target, (cst.Tuple, cst.List)) and all(
                isinstance(e.value, cst.Name) for e in target.elements
            ):
                self._value(small.value, env)
                for element in target.elements:
                    env[element.value.value] = UNKNOWN
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
            operator = node.operator
        else:
            if number(node.value) is not None:
                return left
            operator = node.operator
        symbol = _BROADCASTING.get(type(operator))
        if UNKNOWN in (left, right) or symbol is None:
            return UNKNOWN
        # the shape of `a + b`, by Keras's own broadcasting, when a later step needs it
        ref = self._new_ref(_Step(None, [left, right], None, operator=symbol))
        return ref

    def _new_ref(self, step: "_Step") -> int:
        ref = self.next_ref
        self.next_ref += 1
        step.output = ref
        self.steps.append(step)
        self.producer[ref] = len(self.steps) - 1
        return ref

    def _need(self, ref: int) -> None:
        """A step is built from `ref`: whatever computes it must be written."""
        if ref == 0:
            return
        producer = self.steps[self.producer[ref]]
        if producer.needed:
            return
        producer.needed = True
        if producer.attr is None:
            for source in producer.inputs:
                self._need(source)
        else:
            producer.traced = self._traced(producer.attr)

    def _sublayer_call(self, attr: str, call: cst.Call, env: dict) -> int:
        sublayers = self.layer.sublayers
        if attr not in sublayers:
            raise Unfollowable(
                f"call() calls self.{attr}(...), which is not a sublayer the tool knows"
            )
        inputs = [a for a in call.args if a.keyword is None]
        extra = [a.keyword.value for a in call.args if a.keyword is not None]
        if not inputs or any(a.star for a in call.args) or set(extra) - CALL_KEYWORDS:
            raise Unfollowable(f"self.{attr}(...) is called with arguments other than tensors")
        sources = [self._value(a.value, env) for a in inputs]
        kind = self._kind(attr)
        if kind in SHAPE_PRESERVING_LAYERS and len(sources) == 1:
            return sources[0]  # no weights: called as often as it likes
        if attr in self.called:
            raise Unfollowable(f"self.{attr} is called more than once")
        self.called.add(attr)
        if kind is None and self._stateless(attr):
            if UNKNOWN not in sources:  # nothing to create, but it is built like the others
                self.steps.append(_Step(attr, sources, None))
            return UNKNOWN
        if UNKNOWN in sources:
            if kind in SHAPE_INDEPENDENT_LAYERS and len(sources) == 1:
                self.steps.append(_Step(attr, [], None))  # its weights do not depend on it
                return UNKNOWN
            raise Unfollowable(f"the shape reaching self.{attr} is not one the tool can follow")
        for source in sources:
            self._need(source)
        if kind in OUTPUT_SHAPED_LIKE_INPUT or (
            kind == "MultiHeadAttention"
            and keyword(self.layer.sublayers[attr], "output_shape") is None
        ):
            # Keras documents the output shape: the (first) input's
            self.steps.append(_Step(attr, sources, None))
            return sources[0]
        return self._new_ref(_Step(attr, sources, None))

    def _kind(self, attr: str) -> str | None:
        return self.ctx.names.sublayer_class(self.layer.sublayers[attr].func)

    def _traced(self, attr: str) -> bool:
        """Whether the output shape of a sublayer must be traced from its call():
        a Keras layer or a class with compute_output_shape() declares it."""
        kind = self._kind(attr)
        if kind is not None:
            return kind in WITHOUT_OUTPUT_SHAPE
        local = self._local_class(attr)
        return local is None or "compute_output_shape" not in local.methods

    def _local_class(self, attr: str) -> LayerClass | None:
        func = self.layer.sublayers[attr].func
        name = func.value if isinstance(func, cst.Name) else None
        return next((other for other in self.ctx.layers if other.name == name), None)

    def _stateless(self, attr: str) -> bool:
        """A layer of this module that creates no weights and no sublayers (the VAE's
        Sampling): nothing to build."""
        local = self._local_class(attr)
        while local is not None:
            if "build" in local.methods or local.sublayers or _creates_weights(local):
                return False
            if local.kind != "local-subclass":
                return local.kind in ("layer", "model")
            local = local.parent
        return False

    def _no_sublayer_inside(self, node: cst.CSTNode) -> None:
        for child in walk(node):
            if isinstance(child, cst.Call):
                attr = self_attribute(child.func, self.self_name)
                if attr in self.layer.sublayers:
                    raise Unfollowable(
                        f"self.{attr} is called inside an expression the tool does not follow"
                    )


def _creates_weights(layer: LayerClass) -> bool:
    for function in layer.methods.values():
        for node in walk(function.body):
            if isinstance(node, cst.Call):
                func = node.func
                if isinstance(func, cst.Attribute) and func.attr.value in (
                    "add_weight",
                    "add_variable",
                    "Variable",
                ):
                    return True
                if isinstance(func, cst.Name) and func.value == "Variable":
                    return True
    return False


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
