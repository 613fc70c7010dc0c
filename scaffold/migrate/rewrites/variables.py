"""`self.w = tf.Variable(initial, ...)` -> `self.add_weight(...)` or `keras.Variable(...)`.

Keras 3 does not track a raw `tf.Variable`: `fit` never trains it and `.keras`
files do not save it. When the initial value is one a Keras initializer
reproduces (a constant, `tf.zeros`/`ones`/`fill`/`constant`/`eye`, a
`tf.random` or `np.random` draw with its arguments, an initializer called with
a shape, their NumPy equivalents), the variable becomes `self.add_weight(name,
shape, initializer, dtype, trainable)` with the same shape, dtype and
trainability. Otherwise the value itself is kept: `keras.Variable(value, ...)`,
tracked, starting from the same value.
"""

from __future__ import annotations

import libcst as cst

from ..context import Context
from ..layers import LayerClass, method_self
from ..syntax import code, self_attribute, walk
from .initial_values import Initial, Locals, Reader, normalize_dtype

CHECK = "tracked-variables"
# tf.Variable(initial_value, trainable, validate_shape, caching_device, name,
#             variable_def, dtype, import_scope, constraint, synchronization,
#             aggregation, shape)
TF_VARIABLE = (
    "initial_value",
    "trainable",
    "validate_shape",
    "caching_device",
    "name",
    "variable_def",
    "dtype",
    "import_scope",
    "constraint",
    "synchronization",
    "aggregation",
    "shape",
)
TF_VARIABLES = ("tensorflow.Variable", "tensorflow.python.ops.variables.Variable")
KEPT = {"initial_value", "trainable", "name", "dtype", "constraint"}
INITIALIZER_GETTERS = {"initializers.get"}


def rewrite(layer: LayerClass, ctx: Context) -> None:
    initializer_attributes = _initializer_attributes(layer, ctx)
    for method, function in layer.methods.items():
        self_name = method_self(function)
        if self_name is None:
            continue
        sites = list(_sites(function, self_name, ctx))
        if not sites:
            continue
        local = Locals.of(function)
        reader = Reader(ctx.names, initializer_attributes, self_name)
        consumed: dict[str, int] = {}
        converted = []
        for site in sites:
            names = _rewrite_site(layer, method, function, site, reader, local, ctx)
            if names is None:
                continue
            converted.append(site)
            for name in names:
                consumed[name] = consumed.get(name, 0) + 1
        for name, count in consumed.items():
            if count == local.reads(name):  # every read was inlined: the local is gone
                ctx.edits.remove(local.statement(name))
        if method == "__init__" and converted:
            _mark_built(layer, function, converted[-1], ctx)


def _mark_built(layer: LayerClass, function: cst.FunctionDef, last: "_Site", ctx: Context) -> None:
    """Weights made in __init__ of a layer with nothing left to build: say it is built,
    as Keras's own layers do, so `layer.built` is true and build() is never run again."""
    if (
        "build" in layer.methods
        or layer.has_own_build_base
        or layer.sublayers
        or "built" in layer.writes
    ):
        return
    anchor = function.body.body[last.top_index]
    column = ctx.names.column(anchor)
    text = (
        "# The weights exist now: mark the layer built so Keras never calls build().\n"
        f"{layer.init.self_name}.built = True\n"
    )
    ctx.edits.insert_after(anchor, ctx.statements(layer, text, column))


def _initializer_attributes(layer: LayerClass, ctx: Context) -> set[str]:
    """Attributes set in __init__ to an initializer (`keras.initializers.get(x)`, ...)."""
    found = set()
    if layer.init is None:
        return found
    for store in layer.init.stores:
        value = store.value
        if isinstance(value, cst.Call):
            path = ctx.names.keras(value.func) or ""
            if path.startswith("initializers."):
                found.add(store.attr)
    return found


class _Site:
    def __init__(self, call, statement, top_index, attr, whole):
        self.call = call  # the tf.Variable(...) call
        self.statement = statement  # its SimpleStatementLine
        self.top_index = top_index  # index of the enclosing top-level statement of the method
        self.attr = attr  # `w` for `self.w = ...`, None when not stored on self
        self.whole = whole  # the call is the whole right-hand side


def _sites(function: cst.FunctionDef, self_name: str, ctx: Context):
    body = function.body.body if isinstance(function.body, cst.IndentedBlock) else ()
    for top_index, top in enumerate(body):
        for statement in walk(top):
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                calls = [
                    n
                    for n in walk(small)
                    if isinstance(n, cst.Call)
                    and ctx.names.is_one_of(n.func, "tensorflow.Variable")
                ]
                if not calls:
                    continue
                attr = None
                if isinstance(small, cst.Assign) and len(small.targets) == 1:
                    attr = self_attribute(small.targets[0].target, self_name)
                for call in calls:
                    whole = attr is not None and small.value is call and len(statement.body) == 1
                    yield _Site(call, statement, top_index, attr, whole)


def _rewrite_site(layer, method, function, site: _Site, reader, local, ctx) -> list[str] | None:
    """Plan the rewrite of one tf.Variable; return the locals it inlined (None: left)."""
    call = site.call
    if site.attr is None:
        ctx.left(
            layer,
            call,
            CHECK,
            "a tf.Variable not assigned to an attribute (self.x = tf.Variable(...)): Keras 3 "
            "does not track it; create it with self.add_weight(...) and keep it on self",
        )
        return None
    if method == "call":
        ctx.left(
            layer,
            call,
            CHECK,
            f"self.{site.attr} is a tf.Variable created in call(): Keras 3 wants state made in "
            "__init__ or build(); move it there as self.add_weight(...)",
        )
        return None
    if method == "__init__" and (
        layer.init.super_index is None or site.top_index <= layer.init.super_index
    ):
        ctx.left(
            layer,
            call,
            CHECK,
            f"self.{site.attr} is created before super().__init__(): move it below that call, "
            "then use self.add_weight(...)",
        )
        return None
    args = _variable_arguments(call)
    if args is None or "initial_value" not in args:
        ctx.left(
            layer,
            call,
            CHECK,
            f"self.{site.attr} = tf.Variable(...) with arguments the tool does not read",
        )
        return None
    unsupported = sorted(set(args) - KEPT)
    if unsupported:
        ctx.left(
            layer,
            call,
            CHECK,
            f"self.{site.attr} = tf.Variable({', '.join(u + '=' for u in unsupported)}...): "
            "no Keras equivalent the tool can choose; create it with self.add_weight(...)",
        )
        return None
    initial = reader.initial(args["initial_value"], local)
    if initial is not None:
        text, note = _add_weight(site, args, initial, reader.self_name, ctx)
        consumed = [n.value for n in initial.consumed]
    else:
        text, note = _keras_variable(site, args, ctx)
        consumed = []
        if text is None:
            ctx.left(layer, call, CHECK, note)
            return None
    if text is None:
        ctx.left(layer, call, CHECK, ctx.keras_unavailable())
        return None
    if site.whole:
        column = ctx.names.column(site.statement)
        [new] = ctx.statements(
            layer, f"{code(site.statement.body[0].targets[0].target)} = {text}\n", column
        )
        ctx.edits.replace(
            site.statement,
            lambda line, new=new: new.with_changes(
                leading_lines=line.leading_lines, trailing_whitespace=line.trailing_whitespace
            ),
        )
    else:
        expression = cst.parse_expression(text)
        ctx.edits.replace(call, lambda _, expression=expression: expression)
    ctx.fixed(layer, call, CHECK, f"self.{site.attr}: tf.Variable -> {note}")
    return consumed


def _variable_arguments(call: cst.Call) -> dict[str, cst.BaseExpression] | None:
    args = {}
    position = 0
    for arg in call.args:
        if arg.star:
            return None
        if arg.keyword is None:
            if position >= len(TF_VARIABLE):
                return None
            args[TF_VARIABLE[position]] = arg.value
            position += 1
        else:
            args[arg.keyword.value] = arg.value
    return args


def _name(site: _Site, args) -> str:
    return code(args["name"]) if "name" in args else f'"{site.attr}"'


def _add_weight(site: _Site, args, initial: Initial, self_name: str, ctx: Context):
    initializer = initial.initializer
    if initializer.startswith("keras."):
        spelled = ctx.keras(initializer[len("keras.") :])
        if spelled is None:
            return None, ""
        initializer = spelled
    parts = [f"name={_name(site, args)}", f"shape={initial.shape}", f"initializer={initializer}"]
    notes = []
    integer = initial.integer
    dtype = initial.dtype
    if "dtype" in args:  # tf.Variable(..., dtype=) casts the initial value
        dtype = code(args["dtype"])
        name = normalize_dtype(args["dtype"], "tf", ctx.names)
        integer = name is not None and (name.startswith(("int", "uint")) or name == "bool")
    if dtype is not None:
        parts.append(f"dtype={dtype}")
    if "trainable" in args:
        parts.append(f"trainable={code(args['trainable'])}")
    elif integer:
        parts.append("trainable=False")
        notes.append("not trainable: an integer or boolean variable gets no gradient")
    if "constraint" in args:
        parts.append(f"constraint={code(args['constraint'])}")
    text = f"{self_name}.add_weight({', '.join(parts)})"
    note = f"self.add_weight(initializer={initializer}, shape={initial.shape})"
    if notes:
        note += "; " + "; ".join(notes)
    return text, note


def _keras_variable(site: _Site, args, ctx: Context):
    if "constraint" in args:
        return None, (
            f"self.{site.attr}: the initial value is not one a Keras initializer reproduces, "
            "and keras.Variable takes no constraint: use self.add_weight(..., constraint=...)"
        )
    variable = ctx.keras("Variable")
    if variable is None:
        return None, ctx.keras_unavailable()
    parts = [code(args["initial_value"])]
    for name in ("trainable", "dtype"):
        if name in args:
            parts.append(f"{name}={code(args[name])}")
    parts.append(f"name={_name(site, args)}")
    note = f"{variable}(<the same initial value>): not expressible as an initializer"
    return f"{variable}({', '.join(parts)})", note
