"""What `scaffold lenet` produces: an installable LeNet-5 project.

The project tree lives in templates/lenet/ (file and directory names may hold
`{{ package }}`; every file ends in `.jinja`). Its custom layers are not in
that tree: they are rendered by the `scaffold layer` generator, through
`add_layer`, so a project's layers and a lone `scaffold layer` are one code.
"""

from __future__ import annotations

import json
import keyword
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import UsageProblem
from ..names import (
    MAX_LENGTH,
    RESERVED,
    check_top_level_module,
    installed_distributions,
    normalize_distribution,
    parse_name,
)
from ..options import Kind, LayerOptions, Placement, WeightApi
from ..plan import Plan
from ..render import render_file, templates_dir
from .layer import LayerTarget, add_layer

STYLES = ("custom", "builtin")

# The custom layers of LeNet-5: (NAME, kind, hyperparameters, input size for init placement).
# Each class is rendered once and used for every layer of its kind (C1, C3 and C5
# are one Convolution class with different arguments).
LENET_LAYERS = (
    ("Convolution", Kind.CONV2D, {"filters": 6, "kernel_size": 5, "activation": "relu"}, 1),
    ("Subsampling", Kind.SUBSAMPLING, {"activation": "relu"}, 6),
    ("FullyConnected", Kind.DENSE, {"units": 84, "activation": "relu"}, 120),
)

# The network, layer by layer: (name, custom class, arguments, input size, builtin code).
# Input sizes are what the layer sees (channels or features) and are only passed
# when the weights are created in __init__.
ARCHITECTURE = (
    ("c1", "Convolution", {"filters": 6, "kernel_size": 5, "activation": "relu"}, 1),
    ("s2", "Subsampling", {"activation": "relu"}, 6),
    ("c3", "Convolution", {"filters": 16, "kernel_size": 5, "activation": "relu"}, 6),
    ("s4", "Subsampling", {"activation": "relu"}, 16),
    ("c5", "Convolution", {"filters": 120, "kernel_size": 5, "activation": "relu"}, 16),
    ("f6", "FullyConnected", {"units": 84, "activation": "relu"}, 120),
    ("output", "FullyConnected", {"units": "num_classes", "activation": None}, 84),
)

# The generated project is formatted at black's default line length (its
# pyproject.toml says so); model.py lists its layers 8 spaces in.
BLACK_LINE_LENGTH = 88
MODEL_INDENT = " " * 8

# conv 5x5: 156 + 2,416 + 48,120; subsampling: 2 x 6 + 2 x 16; dense: 10,164 + 850
PARAMETER_COUNT = 61_750


@dataclass(frozen=True)
class LenetOptions:
    directory: Path
    package: str
    distribution: str
    style: str
    placement: Placement
    weight_api: WeightApi


# Package names a generated project cannot take although nothing installed has
# them, and what they would clash with.
PROJECT_NAMES = {
    "test": "the project's tests/ directory",
    "tests": "the project's tests/ directory",
    "layers": "the package's own layers subpackage",
}


def package_name(raw: str, given: bool = False) -> str:
    """The Python package name of a project: `--name` as given (`given`), or
    derived from the directory name (`my-project` -> `my_project`)."""
    if given:
        if not raw.isascii() or not raw.isidentifier():
            hint = re.sub(r"[^0-9a-zA-Z]+", "_", raw.strip()).strip("_").lower()
            suggestion = f" such as {hint!r}" if hint.isidentifier() else ""
            raise UsageProblem(
                f"--name {raw!r} is not a Python package name; give one made of letters, "
                f"digits and '_'{suggestion}"
            )
        candidate = raw
    else:
        candidate = re.sub(r"[^0-9a-zA-Z]+", "_", raw.strip()).strip("_").lower()
        if not raw.isascii() or not candidate:
            raise UsageProblem(
                f"cannot make a Python package name from {raw!r}; give one with --name"
            )
    if candidate[0].isdigit():
        raise UsageProblem(
            f"package name {candidate!r} starts with a digit; give another with --name"
        )
    if len(candidate) > MAX_LENGTH:
        raise UsageProblem(
            f"package name {candidate[:20]}... is {len(candidate)} characters long; use at "
            f"most {MAX_LENGTH} (give one with --name)"
        )
    if keyword.iskeyword(candidate) or candidate in RESERVED:
        raise UsageProblem(
            f"package name {candidate!r} would shadow a Python name; give another with --name"
        )
    if candidate in PROJECT_NAMES:
        raise UsageProblem(
            f"package name {candidate!r} would clash with {PROJECT_NAMES[candidate]}; "
            "give another with --name"
        )
    return candidate


def check_package_is_free(directory: Path, package: str) -> None:
    """A new project's package may not hide an importable module nor take an
    installed distribution's name. Regenerating a project that already has
    this package (perhaps installed from it) is not a new clash."""
    if (directory / "src" / package / "__init__.py").is_file():
        return
    fix = "give another with --name"
    check_top_level_module(package, "package name", fix, home=(directory / "src",))
    if normalize_distribution(package) in installed_distributions():
        raise UsageProblem(
            f"package name {package!r} is the name of an installed distribution, which "
            f"installing the project would replace; {fix}"
        )


def lenet_options(
    directory: Path,
    name: str | None,
    style: str,
    placement: str,
    weight_api: str | None,
) -> LenetOptions:
    directory = Path(os.path.abspath(directory))
    package = package_name(name if name is not None else directory.name, given=name is not None)
    check_package_is_free(directory, package)
    if style not in STYLES:
        raise UsageProblem(f"--style {style!r} is not one of: {', '.join(STYLES)}")
    # Validate placement and weight API exactly as `scaffold layer` does.
    probe = LayerOptions.create(
        parse_name("Probe"),
        kind=Kind.DENSE,
        placement=placement,
        weight_api=weight_api,
        input_dim=1 if placement == Placement.INIT.value else None,
    )
    return LenetOptions(
        directory=directory,
        package=package,
        distribution=package.replace("_", "-"),
        style=style,
        placement=probe.placement,
        weight_api=probe.weight_api,
    )


def _layer_options(options: LenetOptions) -> list[LayerOptions]:
    init = options.placement is Placement.INIT
    return [
        LayerOptions.create(
            parse_name(name),
            kind=kind,
            placement=options.placement,
            weight_api=options.weight_api,
            input_dim=input_dim if init else None,
            **hyperparameters,
        )
        for name, kind, hyperparameters, input_dim in LENET_LAYERS
    ]


def _architecture(options: LenetOptions) -> list[dict[str, Any]]:
    """The custom-style model, layer by layer, as constructor calls to lay out."""
    modules = {name: parse_name(name).module_name for name, *_ in LENET_LAYERS}
    input_args = {
        "Convolution": "channels",
        "Subsampling": "channels",
        "FullyConnected": "input_dim",
    }
    rows = []
    for layer_name, cls, arguments, input_size in ARCHITECTURE:
        arguments = dict(arguments)
        if options.placement is Placement.INIT:
            arguments = {input_args[cls]: input_size, **arguments}
        rendered = ", ".join(
            f"{key}={value if value == 'num_classes' else _literal(value)}"
            for key, value in arguments.items()
        )
        call = f"{cls}({rendered}, name={_literal(layer_name)}),"
        if len(MODEL_INDENT) + len(call) > BLACK_LINE_LENGTH:  # wrapped as black wraps it
            call = f"{cls}(\n{MODEL_INDENT}    {call[len(cls) + 1 : -2]}\n{MODEL_INDENT}),"
        rows.append({"name": layer_name, "cls": cls, "module": modules[cls], "call": call})
    return rows


def _literal(value: Any) -> str:
    """A Python literal as black writes it (strings in double quotes)."""
    return json.dumps(value) if isinstance(value, str) else repr(value)


def lenet_context(options: LenetOptions) -> dict[str, Any]:
    layer_classes = [(name, parse_name(name).module_name) for name, *_ in LENET_LAYERS]
    return {
        "package": options.package,
        "distribution": options.distribution,
        "style": options.style,
        "placement": options.placement.value,
        "weight_api": options.weight_api.value,
        "layer_classes": layer_classes,
        "architecture": _architecture(options),
        "parameter_count": PARAMETER_COUNT,
        "scaffold_version": __version__,
    }


def lenet_plan(options: LenetOptions) -> Plan:
    plan = Plan(options.directory)
    context = lenet_context(options)
    tree = templates_dir() / "lenet"
    for template in sorted(tree.rglob("*.jinja")):
        relative = template.relative_to(tree).as_posix()
        target = relative.removesuffix(".jinja").replace("{{package}}", options.package)
        plan.add(options.directory / target, render_file(f"lenet/{relative}", context, target))

    layers_target = LayerTarget(
        output_dir=options.directory / "src" / options.package / "layers",
        tests_dir=options.directory / "tests",
        package_parts=(options.package, "layers"),
    )
    for layer_options in _layer_options(options):
        add_layer(plan, layer_options, layers_target)
    return plan
