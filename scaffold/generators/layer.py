"""What `scaffold layer` produces: a layer module, its test, and its registration.

`layer_files` returns them as plain data (scaffold.core.files) for one render pass.
`scaffold lenet` calls it too, so every custom layer of a generated project
comes from exactly the same kind templates and code path. A user's kind takes
the same path as a built-in one; only its output is also formatted by black.
"""

from __future__ import annotations

import keyword
import os
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.errors import UsageProblem
from ..core.files import Item, Register, Render, Text
from ..kinds.arguments import ARGUMENT_TYPES, constructor
from ..kinds.expressions import expectations
from ..core.names import check_top_level_module
from ..options import LayerOptions, Placement
from ..core.plan import display
from ..core.render import docstring_text, templates_dir

TEST_TEMPLATE = "layer/test_layer.py.jinja"

# The contract every generated test runs, copied beside the tests so that a
# generated project needs no scaffold to run them.
CONTRACT_MODULE = "keras_contract.py"
CONTRACT_HEADER = (
    "# Copied by scaffold from scaffold/checker/contract.py; regenerate rather than edit.\n"
)

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

    @property
    def root(self) -> Path:
        """The directory every file of the layer is under."""
        roots = [str(self.output_dir)] + ([str(self.tests_dir)] if self.tests_dir else [])
        return Path(os.path.commonpath(roots))


def package_parts(directory: Path) -> tuple[str, ...]:
    """The dotted package a directory is, found by walking up through __init__.py files."""
    parts: list[str] = []
    current = directory
    while is_package(current):
        if not current.name.isidentifier() or keyword.iskeyword(current.name):
            raise UsageProblem(
                f"{display(current)} has an __init__.py, but {current.name!r} is not a "
                "Python package name, so nothing in it can be imported through it; "
                "rename the directory"
            )
        parts.insert(0, current.name)
        current = current.parent
    return tuple(parts)


def is_package(directory: Path) -> bool:
    """Whether `directory` holds an `__init__.py`; one that is not a regular file
    (a directory, a FIFO, a dangling symlink) is refused rather than taken as
    "not a package", which would write an unregistered layer."""
    init = directory / "__init__.py"
    if init.is_file():
        return True
    if os.path.lexists(init):
        raise UsageProblem(f"{display(init)} exists but is not a regular file; fix or remove it")
    return False


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


def check_module_names(target: LayerTarget, module_name: str) -> None:
    """Refuse modules that would land at the top of the import path under a name
    that is already taken: a layer module in a plain directory, a test module in
    a tests directory that is not a package."""
    home = (target.output_dir,) + ((target.tests_dir,) if target.tests_dir else ())
    if not target.package_parts:
        check_top_level_module(module_name, "layer module", home=home)
    if target.tests_dir is not None and not is_package(target.tests_dir):
        check_top_level_module(f"test_{module_name}", "test module", home=home)


# -- what the generated test expects, derived from the options ----------------------


def test_arguments(options: LayerOptions) -> dict[str, Any]:
    """The constructor arguments the generated test passes, in signature order:
    the input size (weights made in __init__), every argument an option gives
    (its value from the command line), and the kind's [test.arguments]."""
    spec = options.spec
    arguments: dict[str, Any] = {}
    if options.input_dim is not None:
        arguments[spec.input_size_argument] = options.input_dim
    for argument in spec.arguments:
        if argument.option is not None:
            value = options.hyperparameters[argument.option]
            arguments[argument.name] = ARGUMENT_TYPES[argument.type].convert(value)
        elif argument.name in spec.test_arguments:
            arguments[argument.name] = spec.test_arguments[argument.name]
    return arguments


def test_expectations(options: LayerOptions) -> dict[str, Any]:
    """Sample input, output and weight shapes the generated test asserts (from the
    kind's [test] expressions), and the constructor arguments it passes."""
    values = expectations(options.spec, options.hyperparameters, options.input_dim)
    return {**values, "arguments": test_arguments(options)}


def contract_text() -> str:
    """scaffold/checker/contract.py as the generated tests import it: keras_contract.py."""
    source = Path(__file__).resolve().parent.parent / "checker" / "contract.py"
    return CONTRACT_HEADER + source.read_text(encoding="utf-8")


# -- rendering -------------------------------------------------------------------------


def _wrap(text: str, width: int, first: str = "", indent: str = "") -> str:
    """Docstring prose, escaped and wrapped between words to `width` columns."""
    lines = textwrap.wrap(
        docstring_text(text),
        width=width,
        initial_indent=first,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return "\n".join(lines)[len(first) :]


def _paragraph(text: str) -> str:
    """A paragraph of the class docstring (indented by 4, 76 columns)."""
    return "    " + _wrap(text, 76, "    ", "    ")


def _module_docstring(class_name: str, summary: str) -> str:
    """The module docstring, `Name: summary`, wrapped so that no line (the
    quotes included) outgrows black's width."""
    return '"""' + _wrap(f"{class_name}: {summary}", 85, '"""') + '"""'


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else text + "."


def _paragraphs(options: LayerOptions) -> list[str]:
    """The class docstring after its summary: what the kind is, what it does not
    support, where its weights are made, and whether it must run eagerly."""
    spec = options.spec
    texts = [spec.description, spec.limitations]
    if spec.has_weights:
        texts.append(PLACEMENT_DOC[options.placement].format(arg=spec.input_size_argument))
    if options.dynamic:
        texts.append(DYNAMIC_DOC)
    return [_paragraph(text) for text in texts if text]


def layer_context(options: LayerOptions, registration_package: str) -> dict[str, Any]:
    spec = options.spec
    arguments = spec.arguments_for(options.hyperparameters, options.input_dim)
    summary = _sentence(options.description) if options.description else spec.summary
    return {
        "class_name": options.name.class_name,
        "module_name": options.name.module_name,
        "package": registration_package,
        "summary": summary,
        "module_docstring": _module_docstring(options.name.class_name, summary),
        "summary_docstring": _wrap(summary, 88, '    """', "    "),
        "kind": options.kind.name,
        "init": options.placement is Placement.INIT,
        "placement": options.placement.value,
        "paragraphs": _paragraphs(options),
        "constructor": constructor(arguments),
        "weight_api": options.weight_api.value,
        "dynamic": options.dynamic,
        "input_dim": options.input_dim,
        "hp": dict(options.hyperparameters),
        # defaults held by module constants (a kind's template lays them out)
        "constants": {
            a.kind.constant: a.default for a in arguments if a.kind.constant and not a.required
        },
    }


def layer_render(options: LayerOptions, path: Path, registration_package: str) -> Render:
    """The layer module, rendered from its kind's template."""
    kind = options.kind
    context = layer_context(options, registration_package)
    template = kind.template
    if kind.builtin:
        name = template.relative_to(templates_dir()).as_posix()
        return Render(path, name, context)
    origin = f"kind {kind.name} ({display(template)}): "
    return Render(path, template.name, context, search=kind.folder, exact=False, origin=origin)


def layer_test_render(
    options: LayerOptions, path: Path, registration_package: str, import_path: str
) -> Render:
    context = layer_context(options, registration_package)
    context.update(test_expectations(options))
    context["import_path"] = import_path
    return Render(path, TEST_TEMPLATE, context)


def layer_files(
    options: LayerOptions, target: LayerTarget, registration_package: str | None = None
) -> list[Item]:
    """The files of one layer (module, test) and its registration, as plain data."""
    name = options.name
    package = registration_package or target.registration_package or name.module_name
    items: list[Item] = [
        layer_render(options, target.output_dir / f"{name.module_name}.py", package)
    ]
    if target.tests_dir is not None:
        test_path = target.tests_dir / f"test_{name.module_name}.py"
        items.append(
            layer_test_render(options, test_path, package, target.import_path(name.module_name))
        )
        # one copy for all the layers of a run: stage() keeps the first
        items.append(Text(target.tests_dir / CONTRACT_MODULE, contract_text()))
    if target.package_init is not None:
        items.append(Register(target.package_init, name.module_name, name.class_name))
    return items
