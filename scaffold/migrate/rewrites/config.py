"""`get_config()`: generated when missing, completed when it forgets arguments.

Each constructor argument is returned from the attribute `__init__` stores it
under: `self.x = x` or `self._x = x` gives `"x": self.x`; a Keras getter
(`keras.activations.get(x)`, initializers, regularizers, constraints) gives
the matching `serialize`; an attribute the layer calls like a function (a
layer or a callable argument) is written with
`keras.saving.serialize_keras_object` and read back in a generated
`from_config`. An argument `__init__` does not keep is stored first
(`self.x = x`) when the attribute name is free. Anything else is reported,
and a missing `get_config` is then not generated at all: a partial one would
lose more than Keras's own automatic config.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from ..context import Context
from ..layers import LayerClass, Param
from ..syntax import (
    add_dict_entry,
    code,
    dotted,
    name_uses,
    self_attribute,
    string_value,
    walk,
)

CHECK = "config"
# What keras.layers.Layer's own get_config returns, and its constructor takes.
BASE_KEYS = {"name", "trainable", "dtype", "activity_regularizer", "autocast"}
SERIALIZERS = {
    "activations.get": "activations.serialize",
    "initializers.get": "initializers.serialize",
    "regularizers.get": "regularizers.serialize",
    "constraints.get": "constraints.serialize",
}
# Conversions a constructor may apply that give back a valid argument.
NORMALIZERS = {"int", "float", "bool", "str", "tuple", "list"}
# Attributes keras.layers.Layer defines: an argument cannot be stored under them.
LAYER_ATTRIBUTES = {
    "activity_regularizer",
    "autocast",
    "build",
    "built",
    "compute_dtype",
    "dtype",
    "dtype_policy",
    "input",
    "input_dtype",
    "input_spec",
    "losses",
    "metrics",
    "metrics_variables",
    "name",
    "non_trainable_variables",
    "non_trainable_weights",
    "output",
    "path",
    "quantization_mode",
    "supports_masking",
    "trainable",
    "trainable_variables",
    "trainable_weights",
    "variable_dtype",
    "variables",
    "weights",
}


@dataclass
class Entry:
    key: str
    value: str  # code
    deserialize: bool = False  # from_config turns it back into an object
    store: str | None = None  # `self.<store> = <key>` must be added to __init__


def rewrite(layer: LayerClass, ctx: Context) -> None:
    init = layer.init
    if init is None:
        return
    existing = layer.methods.get("get_config")
    params, conflicts = _own_parameters(layer)
    for message in conflicts:
        ctx.left(layer, init.super_call or init.node, CHECK, message)
    if conflicts:
        return
    if not params:
        return
    entries: list[Entry] = []
    unrecoverable: list[tuple[Param, str]] = []
    for param in params:
        found = _entry(param, layer, ctx)
        if isinstance(found, Entry):
            entries.append(found)
        else:
            unrecoverable.append((param, found))
    if existing is None:
        _generate(layer, entries, unrecoverable, ctx)
    else:
        _complete(layer, existing, entries, unrecoverable, ctx)


# -- which arguments get_config must return -------------------------------------------------


def _own_parameters(layer: LayerClass) -> tuple[list[Param], list[str]]:
    """The arguments this class's get_config must return itself (the base's
    get_config returns what is forwarded to it under the same name), and
    forwarding it cannot express."""
    init = layer.init
    call = init.super_call
    forwarded: dict[str, str] = {}  # parameter -> base argument name
    conflicts = []
    if call is not None:
        positional_index = 0
        base_params = layer.parent.init.params if layer.parent and layer.parent.init else None
        for arg in call.args:
            if arg.star:
                continue
            target = arg.keyword.value if arg.keyword else None
            if target is None:
                if _is_self(arg.value, init.self_name):
                    continue
                if base_params is not None and positional_index < len(base_params):
                    target = base_params[positional_index].name
                positional_index += 1
            if target == "dynamic":  # removed with its parameter (no-dynamic)
                if isinstance(arg.value, cst.Name):
                    forwarded[arg.value.value] = "dynamic"
                continue
            if isinstance(arg.value, cst.Name) and init.param(arg.value.value):
                if target is not None:
                    forwarded[arg.value.value] = target
                elif layer.kind != "layer" and layer.kind != "model":
                    forwarded[arg.value.value] = "?"
            elif target is not None and layer.kind in ("keras-subclass", "local-subclass"):
                if target not in BASE_KEYS and not init.param(target):
                    conflicts.append(
                        f"super().__init__({target}=...) fixes an argument the base's get_config "
                        f"returns: from_config passes `{target}` back to __init__; pop it from "
                        "the config by hand"
                    )
    own = []
    for param in init.params:
        base_name = forwarded.get(param.name)
        if base_name == "dynamic":
            continue
        if base_name is None:
            own.append(param)
            continue
        if base_name == param.name and (
            param.name in BASE_KEYS or layer.kind in ("keras-subclass", "local-subclass")
        ):
            continue  # the base's config returns it
        if layer.kind in ("keras-subclass", "local-subclass"):
            conflicts.append(
                f"argument `{param.name}` reaches the base class as `{base_name}`: the base's "
                f"config returns `{base_name}`, which __init__ does not take; write get_config "
                "by hand"
            )
        else:
            own.append(param)
    return own, conflicts


def _is_self(node, self_name: str) -> bool:
    return isinstance(node, cst.Name) and node.value == self_name


def _entry(param: Param, layer: LayerClass, ctx: Context) -> Entry | str:
    init = layer.init
    name = param.name
    for store in init.stores:
        if layer.writes.get(store.attr, 0) != 1:
            continue  # reassigned elsewhere: not the argument any more
        value = store.value
        attribute = f"{init.self_name}.{store.attr}"
        if isinstance(value, cst.Name) and value.value == name:
            if _called(layer, store.attr):
                serialize = ctx.keras("saving.serialize_keras_object")
                if serialize is None:
                    return ctx.keras_unavailable()
                return Entry(name, f"{serialize}({attribute})", deserialize=True)
            return Entry(name, attribute)
        if isinstance(value, cst.Call) and value.args and _is_param(value.args[0].value, name):
            path = ctx.names.keras(value.func)
            if path in SERIALIZERS:
                serialize = ctx.keras(SERIALIZERS[path])
                if serialize is None:
                    return ctx.keras_unavailable()
                return Entry(name, f"{serialize}({attribute})")
            spelled = dotted(value.func) or ""
            if spelled in NORMALIZERS or spelled.rsplit(".", 1)[-1].startswith("normalize_"):
                return Entry(name, attribute)
    # not kept under an attribute: keep it, when that cannot change the layer
    if name in LAYER_ATTRIBUTES:
        return f"`{name}` is not kept on self, and self.{name} is a Keras Layer attribute"
    if layer.writes.get(name) or _read(layer, name):
        return (
            f"`{name}` is not kept on self as given (self.{name} holds something else): "
            "add it to get_config by hand"
        )
    if init.super_statement is None:
        return (
            f"`{name}` is not kept on self and __init__ has no super().__init__() to store it after"
        )
    rebound = [n for n in _assigned_names(init.node) if n == name]
    if rebound:
        return (
            f"`{name}` is reassigned in __init__: add the argument as given to get_config by hand"
        )
    return Entry(name, f"{init.self_name}.{name}", store=name)


def _is_param(node, name: str) -> bool:
    return isinstance(node, cst.Name) and node.value == name


def _called(layer: LayerClass, attr: str) -> bool:
    """Whether the class calls self.<attr>(...) anywhere: a layer or a function."""
    for function in layer.methods.values():
        for node in walk(function.body):
            if (
                isinstance(node, cst.Call)
                and self_attribute(node.func, layer.init.self_name) == attr
            ):
                return True
    return False


def _read(layer: LayerClass, attr: str) -> bool:
    self_name = layer.init.self_name
    return any(
        self_attribute(node, self_name) == attr
        for function in layer.methods.values()
        for node in walk(function.body)
    )


def _assigned_names(function: cst.FunctionDef):
    for node in walk(function.body):
        targets = []
        if isinstance(node, cst.Assign):
            targets = [t.target for t in node.targets]
        elif isinstance(node, (cst.AugAssign, cst.AnnAssign, cst.For)):
            targets = [node.target]
        for target in targets:
            for element in walk(target):
                if isinstance(element, cst.Name):
                    yield element.value


# -- writing it --------------------------------------------------------------------------


def _report_unrecoverable(layer, unrecoverable, ctx, node) -> None:
    for param, why in unrecoverable:
        ctx.left(layer, param.node, CHECK, why)


def _generate(layer: LayerClass, entries, unrecoverable, ctx: Context) -> None:
    if unrecoverable:
        _report_unrecoverable(layer, unrecoverable, ctx, layer.init.node)
        ctx.left(
            layer,
            layer.node,
            CHECK,
            "get_config() not generated: a config without "
            + ", ".join(f"`{p.name}`" for p, _ in unrecoverable)
            + " would rebuild another layer",
        )
        return
    if not entries:
        return
    if any(e.deserialize for e in entries) and "from_config" in layer.methods:
        ctx.left(
            layer,
            layer.methods["from_config"],
            CHECK,
            "get_config() needs from_config() to deserialize "
            + ", ".join(f"`{e.key}`" for e in entries if e.deserialize)
            + ", and the class has its own from_config(): not generated",
        )
        return
    _store_arguments(layer, entries, ctx)
    body_column = ctx.names.column(layer.init.node)
    dictionary = ", ".join(f'"{e.key}": {e.value}' for e in entries)
    methods = (
        "def get_config(self):\n"
        "    config = super().get_config()\n"
        f"    config.update({{{dictionary}}})\n"
        "    return config\n"
    )
    methods += _from_config(entries, ctx)
    new = ctx.statements(layer, methods, body_column)
    _append_methods(layer, new, ctx)
    message = "get_config() added, returning " + _describe(entries)
    if any(e.deserialize for e in entries):
        message += "; from_config() deserializes them"
    ctx.fixed(layer, layer.node, CHECK, message)


def _complete(layer: LayerClass, existing: cst.FunctionDef, entries, unrecoverable, ctx) -> None:
    present = _present_keys(existing)
    param_names = {p.name for p in layer.init.params}
    strange = sorted(present - param_names - BASE_KEYS)
    if strange and layer.kind in ("layer", "model"):
        ctx.left(
            layer,
            existing,
            CHECK,
            f"get_config() returns {', '.join(strange)}, which __init__ does not take: "
            "from_config() fails; make them agree by hand",
        )
        return
    needed = [e for e in entries if e.key not in present]
    lost = [(p, why) for p, why in unrecoverable if p.name not in present]
    _report_unrecoverable(layer, lost, ctx, existing)
    if not needed:
        return
    if any(e.deserialize for e in needed):
        ctx.left(
            layer,
            existing,
            CHECK,
            "get_config() lacks "
            + ", ".join(f"`{e.key}`" for e in needed if e.deserialize)
            + " (a layer or function: needs serializing and a from_config that reads it back)"
            ": add it by hand",
        )
        needed = [e for e in needed if not e.deserialize]
        if not needed:
            return
    target = _config_dict(existing)
    if target is None:
        returned = _single_return(existing)
        if returned is None or returned.value is None:
            ctx.left(
                layer,
                existing,
                CHECK,
                "get_config() lacks "
                + _describe(needed)
                + ", and its shape is not one the tool follows: add them by hand",
            )
            return
        dictionary = ", ".join(f'"{e.key}": {e.value}' for e in needed)
        value = cst.parse_expression(f"{{**{code(returned.value)}, {dictionary}}}")
        ctx.edits.replace(returned, lambda r: r.with_changes(value=value))
    else:

        def extend(dictionary: cst.Dict) -> cst.Dict:
            for entry in needed:
                dictionary = add_dict_entry(
                    dictionary, entry.key, cst.parse_expression(entry.value)
                )
            return dictionary

        ctx.edits.replace(target, extend)
    _store_arguments(layer, needed, ctx)
    ctx.fixed(layer, existing, CHECK, "get_config() completed with " + _describe(needed))


def _describe(entries) -> str:
    return ", ".join(
        e.key + (" (now stored as self." + e.store + ")" if e.store else "") for e in entries
    )


def _store_arguments(layer: LayerClass, entries, ctx: Context) -> None:
    stores = [e for e in entries if e.store]
    if not stores:
        return
    init = layer.init
    column = ctx.names.column(init.super_statement)
    text = "".join(f"{init.self_name}.{e.store} = {e.key}\n" for e in stores)
    ctx.edits.insert_after(init.super_statement, ctx.statements(layer, text, column))


def _from_config(entries, ctx: Context) -> str:
    objects = [e for e in entries if e.deserialize]
    if not objects:
        return ""
    deserialize = ctx.keras("saving.deserialize_keras_object")
    lines = "".join(f'    config["{e.key}"] = {deserialize}(config["{e.key}"])\n' for e in objects)
    return (
        "\n@classmethod\n"
        "def from_config(cls, config):\n"
        "    config = dict(config)\n"
        f"{lines}"
        "    return cls(**config)\n"
    )


def _append_methods(layer: LayerClass, new: list, ctx: Context) -> None:
    spacing = _method_spacing(layer)
    new = [statement.with_changes(leading_lines=spacing) for statement in new]

    def append(node: cst.ClassDef) -> cst.ClassDef:
        return node.with_changes(body=node.body.with_changes(body=[*node.body.body, *new]))

    ctx.edits.replace(layer.node, append)


def _method_spacing(layer: LayerClass) -> list[cst.EmptyLine]:
    """The blank lines the class puts before its methods (one if it does not say)."""
    body = layer.node.body.body
    for statement in body[1:]:
        if isinstance(statement, cst.FunctionDef):
            blank = [line for line in statement.leading_lines if line.comment is None]
            if blank:
                return [cst.EmptyLine(indent=False)] * len(blank)
    return [cst.EmptyLine(indent=False)]


def _present_keys(function: cst.FunctionDef) -> set[str]:
    keys = set()
    for node in walk(function.body):
        if isinstance(node, cst.DictElement):
            key = string_value(node.key)
            if key is not None:
                keys.add(key)
        elif isinstance(node, cst.Call):
            if isinstance(node.func, cst.Attribute) and node.func.attr.value == "update":
                keys.update(a.keyword.value for a in node.args if a.keyword)
            if dotted(node.func) == "dict":
                keys.update(a.keyword.value for a in node.args if a.keyword)
        elif isinstance(node, cst.SubscriptElement):
            index = node.slice
            if isinstance(index, cst.Index):
                key = string_value(index.value)
                if key is not None:
                    keys.add(key)
    return keys


def _config_dict(function: cst.FunctionDef) -> cst.Dict | None:
    """The one dict literal of get_config that holds the layer's own entries."""
    dicts = [n for n in walk(function.body) if isinstance(n, cst.Dict)]
    keyed = [
        d
        for d in dicts
        if any(
            isinstance(e, cst.DictElement) and string_value(e.key) is not None for e in d.elements
        )
    ]
    if len(keyed) == 1:
        return keyed[0]
    if not keyed and len(dicts) == 1 and not dicts[0].elements:
        return dicts[0]
    return None


def _single_return(function: cst.FunctionDef) -> cst.Return | None:
    returns = [n for n in walk(function.body) if isinstance(n, cst.Return)]
    if len(returns) != 1:
        return None
    body = function.body.body if isinstance(function.body, cst.IndentedBlock) else ()
    last = body[-1] if body else None
    if isinstance(last, cst.SimpleStatementLine) and returns[0] in last.body:
        return returns[0]
    return None


def uses_name(node: cst.CSTNode, name: str) -> bool:
    return bool(name_uses(node, name))
