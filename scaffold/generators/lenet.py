"""What `scaffold lenet` produces: an installable LeNet-5 project.

The project tree lives in templates/lenet/ (file and directory names may hold
`{{ package }}`; every file ends in `.jinja`). Its custom layers are not in
that tree: they are rendered by the `scaffold layer` generator, through
`add_layer`, so a project's layers and a lone `scaffold layer` are one code.
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
from ..names import RESERVED, parse_name
from ..options import KINDS, Kind, LayerOptions, Placement, WeightApi
from ..paper import BITMAP_PIXELS
from ..plan import Plan
from ..render import render_file, templates_dir
from .layer import LayerTarget, add_layer

STYLES = ("custom", "builtin")


@dataclass(frozen=True)
class Architecture:
    """One LeNet-5 network a project can be generated with."""

    # The custom layer classes: (NAME, kind, hyperparameters, input size for init
    # placement). Each class is rendered once and used for every layer of its kind
    # (C1 and C5 are one Convolution class with different arguments).
    layers: tuple[tuple[str, Kind, dict[str, Any], int | None], ...]
    # The network, layer by layer: (name, custom class, arguments, input size). Input
    # sizes are what the layer sees (channels or features) and are only passed when
    # the weights are created in __init__.
    network: tuple[tuple[str, str, dict[str, Any], int | None], ...]
    trainable_parameters: int
    parameters: int  # trainable and fixed
    templates: str | None  # a template tree whose files replace the project's, or None


RELU = Architecture(
    layers=(
        ("Convolution", Kind.CONV2D, {"filters": 6, "kernel_size": 5, "activation": "relu"}, 1),
        ("Subsampling", Kind.SUBSAMPLING, {"activation": "relu"}, 6),
        ("FullyConnected", Kind.DENSE, {"units": 84, "activation": "relu"}, 120),
    ),
    network=(
        ("c1", "Convolution", {"filters": 6, "kernel_size": 5, "activation": "relu"}, 1),
        ("s2", "Subsampling", {"activation": "relu"}, 6),
        ("c3", "Convolution", {"filters": 16, "kernel_size": 5, "activation": "relu"}, 6),
        ("s4", "Subsampling", {"activation": "relu"}, 16),
        ("c5", "Convolution", {"filters": 120, "kernel_size": 5, "activation": "relu"}, 16),
        ("f6", "FullyConnected", {"units": 84, "activation": "relu"}, 120),
        ("output", "FullyConnected", {"units": "num_classes", "activation": None}, 84),
    ),
    # conv 5x5: 156 + 2,416 + 48,120; subsampling: 2 x 6 + 2 x 16; dense: 10,164 + 850
    trainable_parameters=61_750,
    parameters=61_750,
    templates=None,
)


def _squashed(name: str, cls: str, arguments: dict[str, Any], size: int | None):
    """A layer of the paper's network and the scaled tanh after it."""
    return ((name, cls, arguments, size), (f"{name}_tanh", "ScaledTanh", {}, None))


# LeCun et al. (1998), section II: every layer up to F6 is squashed by the scaled
# tanh; C3 is partially connected (Table I); the output is Euclidean RBF units.
LECUN98 = Architecture(
    layers=(
        ("Convolution", Kind.CONV2D, {"filters": 6, "kernel_size": 5}, 1),
        ("Subsampling", Kind.SUBSAMPLING, {"activation": "linear"}, 6),
        ("PartialConvolution", Kind.PARTIAL_CONV2D, {}, 6),
        ("FullyConnected", Kind.DENSE, {"units": 84}, 120),
        ("ScaledTanh", Kind.SCALED_TANH, {}, None),
        ("EuclideanRBF", Kind.RBF, {}, BITMAP_PIXELS),
    ),
    network=(
        *_squashed("c1", "Convolution", {"filters": 6, "kernel_size": 5}, 1),
        *_squashed("s2", "Subsampling", {"activation": None}, 6),
        *_squashed("c3", "PartialConvolution", {"kernel_size": 5}, 6),
        *_squashed("s4", "Subsampling", {"activation": None}, 16),
        *_squashed("c5", "Convolution", {"filters": 120, "kernel_size": 5}, 16),
        *_squashed("f6", "FullyConnected", {"units": 84}, 120),
        ("rbf", "EuclideanRBF", {}, BITMAP_PIXELS),
    ),
    # C1 156, S2 12, C3 1,516, S4 32, C5 48,120, F6 10,164; the RBF's 10 x 84 are fixed
    trainable_parameters=60_000,
    parameters=60_840,
    templates="lenet_lecun98",
)

ARCHITECTURES = {"relu": RELU, "lecun98": LECUN98}

# The size-dependent part of each architecture's default training recipe, per
# dataset (the generated train.py's RECIPES). Tuned on validation splits only;
# benchmarks/time_to_accuracy.py measures them.
_MNIST = {"epochs": 30, "batch_size": 128, "learning_rate": 3e-3}
RECIPES = {
    "relu": {
        "digits": {"epochs": 40, "batch_size": 32, "learning_rate": 2e-3},
        "mnist": _MNIST,
        "idx": _MNIST,
        "synthetic": {"epochs": 2, "batch_size": 32, "learning_rate": 2e-3},
    },
    "lecun98": {
        "digits": {"epochs": 40, "batch_size": 32, "learning_rate": 2e-3},
        "mnist": _MNIST,
        "idx": _MNIST,
        "synthetic": {"epochs": 2, "batch_size": 32, "learning_rate": 2e-3},
    },
}
# The paper's parameter table (the generated README): layer, maps or units, the
# custom and the builtin layers, trainable parameters.
LECUN98_PARAMETERS = (
    ("C1", "6@28x28, 5x5", "`Convolution(filters=6)`", "`Conv2D(6, 5)`", 156),
    ("S2", "6@14x14, 2x2", "`Subsampling()`", "`AveragePooling2D` + `DepthwiseConv2D(1)`", 12),
    (
        "C3",
        "16@10x10, 5x5, Table I",
        "`PartialConvolution()`",
        "`ops.take` + 3 grouped `Conv2D` + `Concatenate`",
        1_516,
    ),
    ("S4", "16@5x5, 2x2", "`Subsampling()`", "`AveragePooling2D` + `DepthwiseConv2D(1)`", 32),
    ("C5", "120@1x1, 5x5", "`Convolution(filters=120)`", "`Conv2D(120, 5)`", 48_120),
    ("F6", "84", "`FullyConnected(units=84)`", "`Dense(84)`", 10_164),
    (
        "output",
        "10 RBF units",
        "`EuclideanRBF()`",
        "`Dot` + frozen `Dense` + `Add`, negated by `Rescaling(-1)`",
        0,
    ),
)
# What the default recipe reaches on MNIST (the generated README), as measured
# by benchmarks/time_to_accuracy.py.
MNIST_ERROR = {"relu": "0.7%", "lecun98": "0.9%"}


@dataclass(frozen=True)
class LenetOptions:
    directory: Path
    package: str
    distribution: str
    style: str
    placement: Placement
    weight_api: WeightApi
    architecture: str = "relu"


def package_name(raw: str) -> str:
    """A Python package name from a project name or directory name."""
    candidate = re.sub(r"[^0-9a-zA-Z]+", "_", raw.strip()).strip("_").lower()
    if not raw.isascii() or not candidate:
        raise UsageProblem(f"cannot make a Python package name from {raw!r}; give one with --name")
    if candidate[0].isdigit():
        raise UsageProblem(
            f"package name {candidate!r} starts with a digit; give another with --name"
        )
    if keyword.iskeyword(candidate) or candidate in RESERVED:
        raise UsageProblem(
            f"package name {candidate!r} would shadow a Python name; give another with --name"
        )
    if candidate in (
        "keras",
        "tensorflow",
        "numpy",
        "scaffold",
        "test",
        "tests",
        "sklearn",
        "layers",
    ):
        raise UsageProblem(
            f"package name {candidate!r} would shadow an installed package; give another with --name"
        )
    return candidate


def lenet_options(
    directory: Path,
    name: str | None,
    style: str,
    placement: str,
    weight_api: str | None,
    architecture: str = "relu",
) -> LenetOptions:
    directory = Path(os.path.abspath(directory))
    package = package_name(name if name is not None else directory.name)
    if style not in STYLES:
        raise UsageProblem(f"--style {style!r} is not one of: {', '.join(STYLES)}")
    if architecture not in ARCHITECTURES:
        raise UsageProblem(
            f"--architecture {architecture!r} is not one of: {', '.join(ARCHITECTURES)}"
        )
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
        architecture=architecture,
    )


def _layer_options(options: LenetOptions) -> list[LayerOptions]:
    init = options.placement is Placement.INIT
    layers = []
    for name, kind, hyperparameters, input_dim in ARCHITECTURES[options.architecture].layers:
        # A weightless layer (the scaled tanh) has nothing to place.
        weighted = KINDS[kind].has_weights
        layers.append(
            LayerOptions.create(
                parse_name(name),
                kind=kind,
                placement=options.placement if weighted else Placement.BUILD,
                weight_api=options.weight_api if weighted else None,
                input_dim=input_dim if init and weighted else None,
                **hyperparameters,
            )
        )
    return layers


def _architecture(options: LenetOptions) -> list[dict[str, Any]]:
    """The custom-style model, layer by layer, as constructor calls to lay out."""
    architecture = ARCHITECTURES[options.architecture]
    classes = {
        name: (parse_name(name).module_name, KINDS[kind].input_arg)
        for name, kind, *_ in architecture.layers
    }
    rows = []
    for layer_name, cls, arguments, input_size in architecture.network:
        module, input_arg = classes[cls]
        arguments = dict(arguments)
        if options.placement is Placement.INIT and input_size is not None:
            arguments = {input_arg: input_size, **arguments}
        rendered = ", ".join(
            [
                *(
                    f"{key}={value if value == 'num_classes' else repr(value)}"
                    for key, value in arguments.items()
                ),
                f"name={layer_name!r}",
            ]
        )
        rows.append({"name": layer_name, "cls": cls, "module": module, "arguments": rendered})
    return rows


def _float_literal(value: float) -> str:
    """A float as a short Python literal: 0.003 as `3e-3`, as a person writes it."""
    mantissa, exponent = f"{value:e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exponent)}" if value < 0.01 else repr(value)


def lenet_context(options: LenetOptions) -> dict[str, Any]:
    architecture = ARCHITECTURES[options.architecture]
    layer_classes = [(name, parse_name(name).module_name) for name, *_ in architecture.layers]
    return {
        "package": options.package,
        "distribution": options.distribution,
        "style": options.style,
        "architecture": options.architecture,
        "placement": options.placement.value,
        "weight_api": options.weight_api.value,
        "layer_classes": layer_classes,
        "network": _architecture(options),
        "parameter_count": architecture.parameters,
        "trainable_parameter_count": architecture.trainable_parameters,
        "paper_parameters": LECUN98_PARAMETERS,
        "mnist_error": MNIST_ERROR[options.architecture],
        "recipes": {
            dataset: {**recipe, "learning_rate": _float_literal(recipe["learning_rate"])}
            for dataset, recipe in RECIPES[options.architecture].items()
        },
        "scaffold_version": __version__,
    }


def _project_templates(options: LenetOptions) -> dict[str, str]:
    """Project path -> template name: the common tree, with the files of the
    architecture's own tree (if any) in place of the common ones."""
    templates: dict[str, str] = {}
    trees = ["lenet", ARCHITECTURES[options.architecture].templates]
    for tree_name in filter(None, trees):
        tree = templates_dir() / tree_name
        for template in sorted(tree.rglob("*.jinja")):
            relative = template.relative_to(tree).as_posix()
            target = relative.removesuffix(".jinja").replace("{{package}}", options.package)
            templates[target] = f"{tree_name}/{relative}"
    return templates


def lenet_plan(options: LenetOptions) -> Plan:
    plan = Plan(options.directory)
    context = lenet_context(options)
    for target, template in sorted(_project_templates(options).items()):
        plan.add(options.directory / target, render_file(template, context, target))

    layers_target = LayerTarget(
        output_dir=options.directory / "src" / options.package / "layers",
        tests_dir=options.directory / "tests",
        package_parts=(options.package, "layers"),
    )
    for layer_options in _layer_options(options):
        add_layer(plan, layer_options, layers_target)
    return plan
