"""What `scaffold lenet` produces: an installable LeNet-5 project.

The project tree lives in templates/lenet/ (file and directory names may hold
`{{ package }}`; every file ends in `.jinja`). Its custom layers are not in
that tree: they are rendered by the `scaffold layer` generator, through
`layer_files`, so a project's layers and a lone `scaffold layer` are one code.
"""

from __future__ import annotations

import keyword
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import UsageProblem
from ..files import Item, Render
from ..names import (
    MAX_LENGTH,
    RESERVED,
    check_top_level_module,
    installed_distributions,
    normalize_distribution,
    parse_name,
)
from ..options import LayerOptions, Placement, WeightApi
from ..pysource import call, literal
from ..render import templates_dir
from .layer import LayerTarget, layer_files

STYLES = ("custom", "builtin")

# The custom layers of LeNet-5: (NAME, kind, hyperparameters, input size for init placement).
# Each class is rendered once and used for every layer of its kind (C1, C3 and C5
# are one Convolution class with different arguments).
LENET_LAYERS = (
    ("Convolution", "conv2d", {"filters": 6, "kernel_size": 5, "activation": "relu"}, 1),
    ("Subsampling", "subsampling", {"activation": "relu"}, 6),
    ("FullyConnected", "dense", {"units": 84, "activation": "relu"}, 120),
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
        kind="dense",
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
    layers = {layer.name.class_name: layer for layer in _layer_options(options)}
    modules = {name: layer.name.module_name for name, layer in layers.items()}
    input_args = {name: layer.spec.input_size_argument for name, layer in layers.items()}
    rows = []
    for layer_name, cls, arguments, input_size in ARCHITECTURE:
        arguments = dict(arguments)
        if options.placement is Placement.INIT:
            arguments = {input_args[cls]: input_size, **arguments}
        arguments["name"] = layer_name
        rendered = [
            f"{key}={value if value == 'num_classes' else literal(value)}"
            for key, value in arguments.items()
        ]
        # laid out as black lays it out, at the 8 spaces model.py lists layers at
        code = "\n".join(call(cls, rendered, indent=8, trailing=","))[8:]
        rows.append({"name": layer_name, "cls": cls, "module": modules[cls], "call": code})
    return rows


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


def lenet_files(options: LenetOptions) -> list[Item]:
    """The project tree and its layers (through `scaffold layer`'s code), as plain data."""
    context = lenet_context(options)
    tree = templates_dir() / "lenet"
    items: list[Item] = []
    for template in sorted(tree.rglob("*.jinja")):
        relative = template.relative_to(tree).as_posix()
        target = relative.removesuffix(".jinja").replace("{{package}}", options.package)
        items.append(Render(options.directory / target, f"lenet/{relative}", context))
    layers_target = LayerTarget(
        output_dir=options.directory / "src" / options.package / "layers",
        tests_dir=options.directory / "tests",
        package_parts=(options.package, "layers"),
    )
    for layer_options in _layer_options(options):
        items += layer_files(layer_options, layers_target)
    return items
