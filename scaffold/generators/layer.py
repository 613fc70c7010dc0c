"""What `scaffold layer` produces: a layer module, its test, and its registration.

`scaffold lenet` calls `layer_files` too, so every custom layer of a generated
project comes from exactly the same templates and code path.
"""

from __future__ import annotations

import ast
import os
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ScaffoldError
from ..options import KINDS, Kind, LayerOptions, Placement
from ..paper import DIGIT_BITMAPS, LENET5_C3_CONNECTIONS
from ..plan import Plan
from ..render import render_file

TEMPLATES = {
    Kind.DENSE: "layer/dense.py.jinja",
    Kind.CONV2D: "layer/conv2d.py.jinja",
    Kind.PARTIAL_CONV2D: "layer/partial_conv2d.py.jinja",
    Kind.SUBSAMPLING: "layer/subsampling.py.jinja",
    Kind.SCALED_TANH: "layer/scaled_tanh.py.jinja",
    Kind.RBF: "layer/rbf.py.jinja",
    Kind.CONV_BN_RELU: "layer/conv_bn_relu.py.jinja",
    Kind.SE: "layer/se.py.jinja",
    Kind.BLANK: "layer/blank.py.jinja",
}
TEST_TEMPLATE = "layer/test_layer.py.jinja"

PLACEMENT_DOC = {
    Placement.BUILD: (
        "Weights are created in `build()`, from the input shape, the first time "
        "the layer sees data, so one layer adapts to any input size; `__init__` "
        "only stores what does not depend on the input."
    ),
    Placement.INIT: (
        "Weights are created in `__init__` from `{arg}`, so they exist (and can "
        "be counted) right after construction and the layer is built at once; "
        "the price is that the input size is fixed when the layer is "
        "constructed. Create weights in `build()` instead when the input size "
        "is only known from the data."
    ),
}
DYNAMIC_DOC = (
    "This layer is meant to run eagerly (TF 2.0's `dynamic=True`). Keras 3 "
    "rejects the `dynamic` argument: compile models that use this layer with "
    "`run_eagerly=True` instead."
)


@dataclass(frozen=True)
class LayerTarget:
    """Where one layer's files go and how its test imports it."""

    output_dir: Path
    tests_dir: Path | None  # None: no test is generated
    package_parts: tuple[str, ...]  # dotted package of output_dir, () if not a package

    @property
    def package_init(self) -> Path | None:
        return self.output_dir / "__init__.py" if self.package_parts else None

    def import_path(self, module_name: str) -> str:
        return ".".join((*self.package_parts, module_name))

    @property
    def registration_package(self) -> str | None:
        return self.package_parts[0] if self.package_parts else None


def package_parts(directory: Path) -> tuple[str, ...]:
    """The dotted package a directory is, found by walking up through __init__.py files."""
    parts: list[str] = []
    current = directory
    while (current / "__init__.py").is_file():
        parts.insert(0, current.name)
        current = current.parent
    return tuple(parts)


def default_tests_dir(output_dir: Path, parts: tuple[str, ...]) -> Path:
    """Beside the module for a plain directory; `tests/` beside the project otherwise."""
    if not parts:
        return output_dir
    source_root = output_dir
    for _ in parts:
        source_root = source_root.parent
    project_root = source_root.parent if source_root.name == "src" else source_root
    return project_root / "tests"


def resolve_target(output_dir: Path, tests_dir: Path | None, with_tests: bool) -> LayerTarget:
    output_dir = Path(os.path.abspath(output_dir))
    parts = package_parts(output_dir)
    if with_tests:
        tests_dir = (
            Path(os.path.abspath(tests_dir)) if tests_dir else default_tests_dir(output_dir, parts)
        )
    else:
        tests_dir = None
    return LayerTarget(output_dir=output_dir, tests_dir=tests_dir, package_parts=parts)


# -- what the generated test expects, derived from the options ----------------------


def _conv_length(size: int, kernel: int, strides: int, padding: str) -> int:
    if padding == "same":
        return -(-size // strides)
    return (size - kernel) // strides + 1


def test_expectations(options: LayerOptions) -> dict[str, Any]:
    """Sample input, output shape and weight shapes the generated test asserts."""
    hp = options.hyperparameters
    kind = options.kind
    if options.input_dim is not None:
        channels = options.input_dim
    elif options.spec.input_size is not None:
        channels = options.spec.input_size
    elif kind is Kind.SE:
        channels = max(4, 2 * hp["ratio"])
    elif kind is Kind.PARTIAL_CONV2D:
        channels = 1 + max(max(group) for group in hp["connections"])
    elif kind is Kind.DENSE:
        channels = 5
    else:
        channels = 3
    batch = 16  # large enough that every ReLU unit sees some positive input
    if not options.spec.image_input:
        sample = (batch, channels)
    elif kind in (Kind.CONV2D, Kind.PARTIAL_CONV2D, Kind.CONV_BN_RELU):
        side = hp["kernel_size"] + 2 * hp["strides"] + 3
        sample = (batch, side, side, channels)
    else:
        sample = (batch, 8, 8, channels)

    trainable: list[tuple[int, ...]] = []
    non_trainable: list[tuple[int, ...]] = []
    if kind is Kind.DENSE:
        output = (batch, hp["units"])
        trainable = [(channels, hp["units"])] + ([(hp["units"],)] if hp["use_bias"] else [])
    elif kind in (Kind.CONV2D, Kind.CONV_BN_RELU):
        k, s = hp["kernel_size"], hp["strides"]
        side = _conv_length(sample[1], k, s, hp["padding"])
        output = (batch, side, side, hp["filters"])
        trainable = [(k, k, channels, hp["filters"])]
        if kind is Kind.CONV2D:
            trainable += [(hp["filters"],)] if hp["use_bias"] else []
        else:
            trainable += [(hp["filters"],)] * 2  # gamma, beta
            non_trainable = [(hp["filters"],)] * 2  # moving mean, moving variance
    elif kind is Kind.PARTIAL_CONV2D:
        k, s, filters = hp["kernel_size"], hp["strides"], len(hp["connections"])
        side = _conv_length(sample[1], k, s, hp["padding"])
        output = (batch, side, side, filters)
        # only the listed connections have weights: one k x k kernel each
        trainable = [(k, k, sum(map(len, hp["connections"])))]
        trainable += [(filters,)] if hp["use_bias"] else []
    elif kind is Kind.SUBSAMPLING:
        output = (batch, sample[1] // 2, sample[2] // 2, channels)
        trainable = [(channels,)] + ([(channels,)] if hp["use_bias"] else [])
    elif kind is Kind.SCALED_TANH:
        output = sample
    elif kind is Kind.RBF:
        output = (batch, len(DIGIT_BITMAPS))  # one unit per bitmap
        non_trainable = [(len(DIGIT_BITMAPS), channels)]  # the fixed parameter vectors
    elif kind is Kind.SE:
        squeeze = max(1, channels // hp["ratio"])
        output = sample
        trainable = [(channels, squeeze), (squeeze,), (squeeze, channels), (channels,)]
    else:  # BLANK
        output = sample
        trainable = [(channels,)] + ([(channels,)] if hp["use_bias"] else [])
    return {
        "sample_shape": sample,
        "output_shape": output,
        "trainable_shapes": sorted(trainable),
        "non_trainable_shapes": sorted(non_trainable),
    }


# -- rendering -------------------------------------------------------------------------


def _wrap(text: str) -> str:
    """Docstring prose, wrapped to fit black's line length once indented."""
    return "\n".join(textwrap.wrap(text, width=72))


def _comment(text: str | None) -> str | None:
    """Prose as `#` comment lines that fit black's line length."""
    if text is None:
        return None
    return "\n".join("# " + line for line in textwrap.wrap(text, width=86))


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else text + "."


def _notes(options: LayerOptions) -> str:
    """The docstring paragraphs on weight placement (and eager execution)."""
    paragraphs = []
    if options.spec.has_weights:
        paragraphs.append(PLACEMENT_DOC[options.placement].format(arg=options.spec.input_arg))
    if options.dynamic:
        paragraphs.append(DYNAMIC_DOC)
    return "\n\n".join(_wrap(p) for p in paragraphs)


def _connections_doc(connections: tuple[tuple[int, ...], ...] | None) -> str | None:
    """The comment above a partial convolution's connection table."""
    if connections is None:
        return None
    if connections == LENET5_C3_CONNECTIONS:
        return (
            "The input channels each output map sees: LeNet-5's C3 (LeCun et al., 1998, "
            "Table I). Maps 0-5 see 3 contiguous S2 maps, 6-11 see 4 contiguous ones, "
            "12-14 see 4 discontinuous ones and 15 sees all 6, which breaks the symmetry "
            "between maps and keeps the number of connections at 60."
        )
    return "The input channels each output map sees."


def layer_context(options: LayerOptions, registration_package: str) -> dict[str, Any]:
    spec = KINDS[options.kind]
    connections = options.hyperparameters.get("connections")
    return {
        "class_name": options.name.class_name,
        "module_name": options.name.module_name,
        "package": registration_package,
        "summary": _sentence(options.description) if options.description else spec.summary,
        "kind": options.kind.value,
        "init": options.placement is Placement.INIT,
        "placement": options.placement.value,
        "notes_doc": _notes(options),
        "weight_api": options.weight_api.value,
        "dynamic": options.dynamic,
        "input_dim": options.input_dim,
        "hp": dict(options.hyperparameters),
        "connections_doc": _comment(_connections_doc(connections)),
        "digit_bitmaps": DIGIT_BITMAPS,
    }


def render_layer(options: LayerOptions, registration_package: str) -> str:
    context = layer_context(options, registration_package)
    return render_file(TEMPLATES[options.kind], context, f"{options.name.module_name}.py")


def render_layer_test(options: LayerOptions, registration_package: str, import_path: str) -> str:
    context = layer_context(options, registration_package)
    context.update(test_expectations(options))
    context["import_path"] = import_path
    return render_file(TEST_TEMPLATE, context, f"test_{options.name.module_name}.py")


def registration_edit(init_source: str, module_name: str, class_name: str) -> str:
    """`init_source` with `from .module import Class` and the class in `__all__`.

    Idempotent: a source that already registers the class comes back unchanged.
    """
    try:
        tree = ast.parse(init_source)
    except SyntaxError as error:
        raise ScaffoldError(
            f"cannot register {class_name}: the package's __init__.py does not parse "
            f"(line {error.lineno}: {error.msg})"
        ) from None
    lines = init_source.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"

    imported = any(
        isinstance(node, ast.ImportFrom)
        and node.level == 1
        and node.module == module_name
        and any(
            alias.name == class_name and alias.asname in (None, class_name) for alias in node.names
        )
        for node in tree.body
    )
    all_node = next(
        (
            node
            for node in tree.body
            if isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
        ),
        None,
    )
    if all_node is not None and not isinstance(all_node.value, (ast.List, ast.Tuple)):
        raise ScaffoldError(
            f"cannot register {class_name}: __all__ in the package's __init__.py is not a "
            "list literal; add it by hand"
        )
    if all_node is not None:
        names = [ast.literal_eval(element) for element in all_node.value.elts]
    else:
        names = _public_names(tree)
    listed = class_name in names and all_node is not None
    if imported and listed:
        return "".join(lines)

    new_all = _format_all(names if class_name in names else [*names, class_name])
    if all_node is not None:
        start, end = all_node.lineno - 1, all_node.end_lineno
        lines[start:end] = [new_all]
    else:
        lines.append(("\n" if lines else "") + new_all)
    if not imported:
        index, after_docstring = _import_insert_index(tree)
        import_line = f"from .{module_name} import {class_name}\n"
        lines.insert(index, ("\n" if after_docstring else "") + import_line)
    return "".join(lines)


def _public_names(tree: ast.Module) -> list[str]:
    """Names a star-import of the package exports today (it has no __all__ yet)."""
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.extend((a.asname or a.name).split(".")[0] for a in node.names if a.name != "*")
        elif isinstance(node, ast.Assign):
            names.extend(t.id for t in node.targets if isinstance(t, ast.Name))
    return [n for n in dict.fromkeys(names) if not n.startswith("_")]


def _format_all(names: list[str]) -> str:
    body = "".join(f"    {name!r},\n".replace("'", '"') for name in names)
    return f"__all__ = [\n{body}]\n"


def _import_insert_index(tree: ast.Module) -> tuple[int, bool]:
    """Where a new import goes: after the last top-level import, else after the
    module docstring, else at the top. Also says whether that is the docstring."""
    imports = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    if imports:
        return imports[-1].end_lineno, False
    first = tree.body[0] if tree.body else None
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        return first.end_lineno, True
    return 0, False


def add_layer(
    plan: Plan, options: LayerOptions, target: LayerTarget, registration_package: str | None = None
) -> None:
    """Stage a layer (and its test and registration) in `plan`."""
    name = options.name
    package = registration_package or target.registration_package or name.module_name
    plan.add(target.output_dir / f"{name.module_name}.py", render_layer(options, package))
    if target.tests_dir is not None:
        test_text = render_layer_test(options, package, target.import_path(name.module_name))
        plan.add(target.tests_dir / f"test_{name.module_name}.py", test_text)
    if target.package_init is not None:
        plan.edit(
            target.package_init,
            lambda source: registration_edit(source, name.module_name, name.class_name),
        )


def layer_plan(options: LayerOptions, target: LayerTarget) -> Plan:
    roots = [str(target.output_dir)] + ([str(target.tests_dir)] if target.tests_dir else [])
    plan = Plan(Path(os.path.commonpath(roots)))
    add_layer(plan, options, target)
    return plan
