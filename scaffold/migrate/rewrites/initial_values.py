"""What a `tf.Variable`'s initial value is, as a Keras initializer.

`initial(expression)` reads the value a variable starts from and, when a Keras
initializer reproduces it (the same constant, or the same distribution with
the same arguments), returns that initializer with the shape and dtype the
value had. Anything else (an arbitrary tensor or array) returns None: the
caller keeps the value itself (`keras.Variable(value)`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from ..names import Names, keras_path
from ..syntax import (
    argument,
    argument_code,
    code,
    dotted,
    keyword,
    name_uses,
    number,
    positional,
    self_attribute,
)

_DTYPE_NAMES = {
    "float16",
    "bfloat16",
    "float32",
    "float64",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "bool",
}
# What a Python type means as a dtype, in TensorFlow and in NumPy.
_PYTHON_TYPES = {
    "tf": {"float": "float32", "int": "int32", "bool": "bool"},
    "np": {"float": "float64", "int": "int64", "bool": "bool"},
}
_DEFAULT_FLOAT = {"tf": "float32", "np": "float64"}


@dataclass
class Initial:
    shape: str  # code
    initializer: str  # code
    dtype: str | None  # code to pass as dtype=, None for the default (float32)
    integer: bool = False
    consumed: list[cst.Name] = field(default_factory=list)  # local names inlined


@dataclass
class Locals:
    """Single-assignment local variables of one function, to see through
    `w_init = tf.random_normal_initializer()` ... `w_init(shape)`."""

    function: cst.FunctionDef
    values: dict[str, tuple[cst.BaseExpression, cst.SimpleStatementLine]] = field(
        default_factory=dict
    )

    @classmethod
    def of(cls, function: cst.FunctionDef) -> "Locals":
        found = cls(function)
        body = function.body.body if isinstance(function.body, cst.IndentedBlock) else ()
        for statement in body:
            if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1):
                continue
            small = statement.body[0]
            if (
                isinstance(small, cst.Assign)
                and len(small.targets) == 1
                and isinstance(small.targets[0].target, cst.Name)
            ):
                name = small.targets[0].target.value
                # assigned once: the target itself is the only other mention
                # that is not a read
                assignments = [
                    n
                    for n in _assign_targets(function)
                    if isinstance(n, cst.Name) and n.value == name
                ]
                if len(assignments) == 1:
                    found.values[name] = (small.value, statement)
        return found

    def resolve(self, node: cst.BaseExpression, consumed: list) -> cst.BaseExpression:
        if isinstance(node, cst.Name) and node.value in self.values:
            consumed.append(node)
            return self.values[node.value][0]
        return node

    def statement(self, name: str) -> cst.SimpleStatementLine:
        return self.values[name][1]

    def reads(self, name: str) -> int:
        return len(name_uses(self.function.body, name)) - 1  # minus the assignment target


def _assign_targets(function: cst.FunctionDef):
    from ..syntax import walk

    for node in walk(function.body):
        if isinstance(node, cst.Assign):
            for target in node.targets:
                yield from walk(target.target)
        elif isinstance(node, (cst.AugAssign, cst.AnnAssign)):
            yield from walk(node.target)
        elif isinstance(node, (cst.For, cst.CompFor)):
            yield from walk(node.target)
        elif isinstance(node, cst.AsName):
            yield from walk(node.name)
        elif isinstance(node, cst.NamedExpr):
            yield from walk(node.target)


class Reader:
    """Reads initial values in one module (qualified names decide what a call is)."""

    def __init__(self, names: Names, initializer_attributes: set[str], self_name: str):
        self.names = names
        self.initializer_attributes = initializer_attributes  # self.<attr> holding an initializer
        self.self_name = self_name

    # -- entry point -------------------------------------------------------------------

    def initial(self, node: cst.BaseExpression, local: Locals) -> Initial | None:
        consumed: list[cst.Name] = []
        node = local.resolve(node, consumed)
        found = self._initial(node, local, consumed)
        if found is not None:
            found.consumed = consumed
        return found

    def _initial(self, node, local: Locals, consumed: list) -> Initial | None:
        value = number(node)
        if value is not None and not isinstance(value, bool):
            integer = isinstance(value, int)
            return Initial(
                shape="()",
                initializer=_constant(value),
                dtype='"int32"' if integer else None,
                integer=integer,
            )
        if not isinstance(node, cst.Call):
            return None
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "astype":
            if isinstance(func.value, cst.Call) and self._qualified(func.value.func).startswith(
                "numpy."
            ):
                inner = self._initial(func.value, local, consumed)
                target = argument(node, 0, "dtype")
                if inner is None or target is None:
                    return None
                return self._with_dtype(inner, target, "np")
            return None
        name = self._qualified(func)
        if name.startswith("tensorflow."):
            found = self._tensorflow(name[len("tensorflow.") :], node)
            if found is not None:
                return found
        if name.startswith("numpy."):
            return self._numpy(name[len("numpy.") :], node)
        # an initializer object called with a shape: `init(shape=..., dtype=...)`
        initializer = self.initializer(local.resolve(func, consumed))
        if initializer is None:
            return None
        shape = argument(node, 0, "shape")
        if shape is None:
            return None
        found = Initial(shape=code(shape), initializer=initializer, dtype=None)
        dtype = argument(node, 1, "dtype")
        return self._with_dtype(found, dtype, "tf") if dtype is not None else found

    # -- tensors and arrays ------------------------------------------------------------------

    def _tensorflow(self, name: str, call: cst.Call) -> Initial | None:
        if name in ("zeros", "ones"):
            return self._filled(call, name, "tf", value_position=None)
        if name == "fill":
            return self._filled(
                call, None, "tf", value_position=1, shape_name="dims", dtype_position=None
            )
        if name == "constant":
            value = argument(call, 0, "value")
            if value is None or number(value) is None:
                return None
            shape = argument(call, 2, "shape")
            found = self._scalar(number(value), "tf")
            if found is None:
                return None
            found.shape = code(shape) if shape is not None else "()"
            dtype = argument(call, 1, "dtype")
            return self._with_dtype(found, dtype, "tf") if dtype is not None else found
        if name == "eye":
            rows = argument(call, 0, "num_rows")
            columns = argument(call, 1, "num_columns")
            if rows is None or argument(call, 2, "batch_shape") is not None:
                return None
            shape = f"({code(rows)}, {code(columns if columns is not None else rows)})"
            found = Initial(shape=shape, initializer='"identity"', dtype=None)
            dtype = argument(call, 3, "dtype")
            return self._with_dtype(found, dtype, "tf") if dtype is not None else found
        distributions = {
            "random.normal": ("RandomNormal", (("mean", "0.0"), ("stddev", "1.0"))),
            "random.truncated_normal": ("TruncatedNormal", (("mean", "0.0"), ("stddev", "1.0"))),
            "random.uniform": ("RandomUniform", (("minval", "0.0"), ("maxval", "1.0"))),
        }
        if name in distributions:
            cls, parameters = distributions[name]
            shape = argument(call, 0, "shape")
            if shape is None:
                return None
            given = [argument(call, 1 + i, p) for i, (p, _) in enumerate(parameters)]
            if name == "random.uniform" and given[1] is not None and code(given[1]) == "None":
                given[1] = None
            arguments = [
                f"{p}={code(v) if v is not None else default}"
                for (p, default), v in zip(parameters, given)
            ]
            seed = argument(call, 4, "seed")
            if seed is not None and code(seed) != "None":
                arguments.append(f"seed={code(seed)}")
            found = Initial(
                shape=code(shape),
                initializer=f"keras.initializers.{cls}({', '.join(arguments)})",
                dtype=None,
            )
            dtype = argument(call, 3, "dtype")
            found = self._with_dtype(found, dtype, "tf") if dtype is not None else found
            return None if found.integer else found
        return None

    def _numpy(self, name: str, call: cst.Call) -> Initial | None:
        if name in ("zeros", "ones"):
            return self._filled(call, name, "np", value_position=None)
        if name == "full":
            return self._filled(call, None, "np", value_position=1, dtype_position=2)
        if name == "eye":
            rows = argument(call, 0, "N")
            columns = argument(call, 1, "M")
            diagonal = argument(call, 2, "k")
            if rows is None or (diagonal is not None and number(diagonal) != 0):
                return None
            shape = f"({code(rows)}, {code(columns if columns is not None else rows)})"
            found = Initial(shape=shape, initializer='"identity"', dtype='"float64"')
            dtype = argument(call, 3, "dtype")
            return self._with_dtype(found, dtype, "np") if dtype is not None else found
        if name in ("random.randn", "random.rand", "random.standard_normal", "random.random"):
            if name in ("random.randn", "random.rand"):
                dims = positional(call)
                if not dims or keyword(call, "size") or len(dims) != len(call.args):
                    return None
                shape = (
                    f"({code(dims[0].value)},)"
                    if len(dims) == 1
                    else f"({', '.join(code(d.value) for d in dims)})"
                )
            else:
                size = argument(call, 0, "size")
                if size is None:
                    return None
                shape = code(size)
            normal = name in ("random.randn", "random.standard_normal")
            initializer = (
                "keras.initializers.RandomNormal(mean=0.0, stddev=1.0)"
                if normal
                else "keras.initializers.RandomUniform(minval=0.0, maxval=1.0)"
            )
            return Initial(shape=shape, initializer=initializer, dtype='"float64"')
        distributions = {
            "random.normal": ("RandomNormal", (("loc", "mean", "0.0"), ("scale", "stddev", "1.0"))),
            "random.uniform": (
                "RandomUniform",
                (("low", "minval", "0.0"), ("high", "maxval", "1.0")),
            ),
        }
        if name in distributions:
            cls, parameters = distributions[name]
            size = argument(call, 2, "size")
            if size is None:
                return None
            arguments = []
            for i, (np_name, keras_name, default) in enumerate(parameters):
                value = argument(call, i, np_name)
                arguments.append(f"{keras_name}={code(value) if value is not None else default}")
            return Initial(
                shape=code(size),
                initializer=f"keras.initializers.{cls}({', '.join(arguments)})",
                dtype='"float64"',
            )
        return None

    def _filled(
        self,
        call: cst.Call,
        fixed: str | None,
        library: str,
        value_position: int | None,
        shape_name: str = "shape",
        dtype_position: int | None = 1,
    ) -> Initial | None:
        shape = argument(call, 0, shape_name)
        if shape is None:
            return None
        if fixed is not None:
            found = Initial(
                shape=code(shape),
                initializer=f'"{fixed}"',
                dtype=None if library == "tf" else f'"{_DEFAULT_FLOAT[library]}"',
            )
        else:
            value = argument(call, value_position, "value" if library == "tf" else "fill_value")
            if value is None or number(value) is None:
                return None
            found = self._scalar(number(value), library)
            if found is None:
                return None
            found.shape = code(shape)
        dtype = argument(call, dtype_position, "dtype") if dtype_position is not None else None
        return self._with_dtype(found, dtype, library) if dtype is not None else found

    def _scalar(self, value, library: str) -> Initial | None:
        if isinstance(value, bool):
            return None
        integer = isinstance(value, int)
        if integer:
            dtype = '"int32"' if library == "tf" else '"int64"'
        else:
            dtype = None if library == "tf" else '"float64"'
        return Initial(shape="()", initializer=_constant(value), dtype=dtype, integer=integer)

    def _with_dtype(self, found: Initial, dtype: cst.BaseExpression, library: str) -> Initial:
        name = normalize_dtype(dtype, library, self.names)
        if name is None:
            found.dtype, found.integer = code(dtype), False
        else:
            found.dtype = None if name == "float32" else f'"{name}"'
            found.integer = name.startswith(("int", "uint"))
            if name == "bool":
                found.integer = True  # not trainable either
        return found

    # -- initializer objects ------------------------------------------------------------

    def initializer(self, node: cst.BaseExpression) -> str | None:
        """The Keras initializer an expression names, as code for add_weight."""
        attr = self_attribute(node, self.self_name)
        if attr is not None:
            return code(node) if attr in self.initializer_attributes else None
        if not isinstance(node, cst.Call):
            return None
        path = self.names.keras(node.func)
        if path is not None and path.startswith("initializers."):
            return code(node)
        name = self._qualified(node.func)
        if name.startswith("tensorflow.initializers."):
            return code(node)
        tf_classes = {
            "tensorflow.random_normal_initializer": "RandomNormal",
            "tensorflow.random_uniform_initializer": "RandomUniform",
            "tensorflow.constant_initializer": "Constant",
        }
        if name in ("tensorflow.zeros_initializer", "tensorflow.ones_initializer"):
            return '"zeros"' if "zeros" in name else '"ones"'
        if name in tf_classes:
            # same parameter names and defaults as the Keras classes
            arguments = ", ".join(argument_code(a) for a in node.args)
            if not arguments:
                snake = {"RandomNormal": "random_normal", "RandomUniform": "random_uniform"}
                if tf_classes[name] in snake:
                    return f'"{snake[tf_classes[name]]}"'
            if tf_classes[name] == "Constant":
                value = argument(node, 0, "value")
                if value is not None and number(value) is None:
                    return None  # an array: Keras's Constant takes a scalar
            return f"keras.initializers.{tf_classes[name]}({arguments})"
        return None

    def _qualified(self, node: cst.CSTNode) -> str:
        for name in sorted(self.names.of(node)):
            path = keras_path(name)
            if path is not None and not name.startswith("keras"):
                return "keras." + path
            return name
        return ""


def _constant(value) -> str:
    if value == 0:
        return '"zeros"'
    if value == 1:
        return '"ones"'
    return f"keras.initializers.Constant({value!r})"


def normalize_dtype(node: cst.BaseExpression, library: str, names: Names) -> str | None:
    """`np.float32`, `tf.float32`, `"float32"`, `float` -> "float32"/"float64" (by library)."""
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if value in _DTYPE_NAMES else None
    if isinstance(node, cst.Name) and node.value in _PYTHON_TYPES[library]:
        if not names.of(node) - {f"builtins.{node.value}", node.value}:
            return _PYTHON_TYPES[library][node.value]
    spelled = dotted(node)
    if spelled is None:
        return None
    for name in names.of(node) or {spelled}:
        if name.startswith(("numpy.", "tensorflow.")):
            last = name.rsplit(".", 1)[-1]
            if last in _DTYPE_NAMES:
                return last
    return None
