"""Which classes of a module are Keras layers, and what their code says.

A class is migrated when one of its bases is `keras.layers.Layer` or
`keras.Model` (a subclassed Model is a Layer with the same rules), a layer of
`keras.layers` (`Dense`, ...), or a migrated class of the same module, however
the name is imported (`tf.keras.layers.Layer`, `layers.Layer`, an alias).
Bases are resolved by libcst's QualifiedNameProvider, never by spelling.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from .names import LAYER_BASES, MODEL_BASES, Names
from .syntax import dotted, self_attribute, walk


@dataclass
class Param:
    name: str
    node: cst.Param
    default: cst.BaseExpression | None
    keyword_only: bool


@dataclass
class Store:
    """`self.attr = value`, a top-level statement of __init__."""

    attr: str
    value: cst.BaseExpression
    statement: cst.SimpleStatementLine
    index: int


@dataclass
class Init:
    node: cst.FunctionDef
    self_name: str
    params: list[Param]
    var_args: str | None
    var_kwargs: str | None
    super_call: cst.Call | None = None
    super_statement: cst.SimpleStatementLine | None = None
    super_index: int | None = None
    stores: list[Store] = field(default_factory=list)

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


@dataclass
class LayerClass:
    node: cst.ClassDef
    name: str
    line: int
    kind: str  # "layer", "model", "keras-subclass" (of Dense, ...), "local-subclass"
    base: str  # the base as written, for messages
    parent: "LayerClass | None"
    top_level: bool
    methods: dict[str, cst.FunctionDef]
    init: Init | None
    # self.<attr> assignments anywhere in the class: attr -> number of assignments
    writes: dict[str, int]
    # self.<attr> = <keras or local layer constructor call> in __init__
    sublayers: dict[str, cst.Call] = field(default_factory=dict)

    @property
    def has_own_build_base(self) -> bool:
        """Whether a base already implements build() (Dense, a local layer with build)."""
        if self.kind == "keras-subclass":
            return True
        parent = self.parent
        while parent is not None:
            if "build" in parent.methods:
                return True
            parent = parent.parent
        return False


def method_self(function: cst.FunctionDef) -> str | None:
    params = [*function.params.posonly_params, *function.params.params]
    return params[0].name.value if params else None


def find_layers(module: cst.Module, names: Names) -> list[LayerClass]:
    found: dict[str, LayerClass] = {}
    result = []
    for node, top_level in _classes(module):
        kind, base, parent = _layer_base(node, names, found)
        if kind is None:
            continue
        layer = _describe(node, names, kind, base, parent, top_level, found)
        result.append(layer)
        if top_level:
            found[layer.name] = layer
    return result


def _classes(module: cst.Module):
    """Every class definition, and whether it sits at the module's top level."""
    top = set()
    for statement in module.body:
        if isinstance(statement, cst.ClassDef):
            top.add(statement)
    for node in walk(module):
        if isinstance(node, cst.ClassDef):
            yield node, node in top


def _layer_base(node: cst.ClassDef, names: Names, local: dict[str, LayerClass]):
    for arg in node.bases:
        if arg.keyword is not None:
            continue
        written = dotted(arg.value) or "?"
        path = names.keras(arg.value)
        if path in LAYER_BASES:
            return "layer", written, None
        if path in MODEL_BASES:
            return "model", written, None
        if names.keras_layer_class(arg.value):
            return "keras-subclass", written, None
        if isinstance(arg.value, cst.Name) and arg.value.value in local:
            if arg.value.value in names.of(arg.value):  # a local name, not an import
                return "local-subclass", written, local[arg.value.value]
    return None, None, None


def _describe(node, names, kind, base, parent, top_level, local) -> LayerClass:
    methods = {
        statement.name.value: statement
        for statement in node.body.body
        if isinstance(statement, cst.FunctionDef)
    }
    layer = LayerClass(
        node=node,
        name=node.name.value,
        line=names.line(node.name),
        kind=kind,
        base=base,
        parent=parent,
        top_level=top_level,
        methods=methods,
        init=None,
        writes=_attribute_writes(methods),
    )
    if "__init__" in methods:
        layer.init = _describe_init(methods["__init__"], layer)
        layer.sublayers = _sublayers(layer, names, local)
    return layer


def _attribute_writes(methods: dict[str, cst.FunctionDef]) -> dict[str, int]:
    writes: dict[str, int] = {}
    for function in methods.values():
        self_name = method_self(function)
        if self_name is None:
            continue
        for node in walk(function.body):
            targets = []
            if isinstance(node, cst.Assign):
                targets = [t.target for t in node.targets]
            elif isinstance(node, (cst.AugAssign, cst.AnnAssign)):
                targets = [node.target]
            for target in targets:
                for element in walk(target):
                    attr = self_attribute(element, self_name)
                    if attr is not None:
                        writes[attr] = writes.get(attr, 0) + 1
    return writes


def _describe_init(function: cst.FunctionDef, layer: LayerClass) -> Init:
    params = function.params
    ordinary = [*params.posonly_params, *params.params]
    self_name = ordinary[0].name.value if ordinary else "self"
    init = Init(
        node=function,
        self_name=self_name,
        params=[Param(p.name.value, p, p.default, False) for p in ordinary[1:]]
        + [Param(p.name.value, p, p.default, True) for p in params.kwonly_params],
        var_args=params.star_arg.name.value if isinstance(params.star_arg, cst.Param) else None,
        var_kwargs=params.star_kwarg.name.value if params.star_kwarg else None,
    )
    body = function.body.body if isinstance(function.body, cst.IndentedBlock) else ()
    for index, statement in enumerate(body):
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if (
                init.super_call is None
                and isinstance(small, cst.Expr)
                and isinstance(small.value, cst.Call)
                and _is_super_init(small.value, self_name, layer)
            ):
                init.super_call, init.super_statement, init.super_index = (
                    small.value,
                    statement,
                    index,
                )
            if isinstance(small, cst.Assign) and len(small.targets) == 1:
                attr = self_attribute(small.targets[0].target, self_name)
                if attr is not None:
                    init.stores.append(Store(attr, small.value, statement, index))
    return init


def _is_super_init(call: cst.Call, self_name: str, layer: LayerClass) -> bool:
    func = call.func
    if not (isinstance(func, cst.Attribute) and func.attr.value == "__init__"):
        return False
    owner = func.value
    if isinstance(owner, cst.Call) and dotted(owner.func) == "super":
        return True
    # Base.__init__(self, ...)
    args = call.args
    return (
        dotted(owner) == layer.base
        and bool(args)
        and isinstance(args[0].value, cst.Name)
        and args[0].value.value == self_name
    )


def _sublayers(layer: LayerClass, names: Names, local: dict) -> dict[str, cst.Call]:
    found = {}
    for store in layer.init.stores:
        if isinstance(store.value, cst.Call) and is_layer_constructor(store.value, names, local):
            found[store.attr] = store.value
    return found


def is_layer_constructor(call: cst.Call, names: Names, local: dict) -> bool:
    if names.sublayer_class(call.func):
        return True
    return isinstance(call.func, cst.Name) and call.func.value in local
