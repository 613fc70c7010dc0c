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
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..core.errors import UsageProblem
from ..core.files import Item, Render
from ..core.names import (
    MAX_LENGTH,
    RESERVED,
    check_top_level_module,
    installed_distributions,
    normalize_distribution,
    parse_name,
)
from ..kinds.registry import resolve
from ..options import LayerOptions, Placement, WeightApi
from ..core.pysource import call, literal
from ..core.render import templates_dir
from .layer import LayerTarget, layer_files

STYLES = ("custom", "builtin")


@dataclass(frozen=True)
class Architecture:
    """One LeNet-5 network a project can be generated with."""

    # The custom layer classes: (NAME, kind, hyperparameters, input size for init
    # placement). Each class is rendered once and used for every layer of its kind
    # (C1, C3 and C5 are one Convolution class with different arguments).
    layers: tuple[tuple[str, str, dict[str, Any], int | None], ...]
    # The network, layer by layer: (name, custom class, arguments, input size). Input
    # sizes are what the layer sees (channels or features) and are only passed when
    # the weights are created in __init__.
    network: tuple[tuple[str, str, dict[str, Any], int | None], ...]
    trainable_parameters: int
    parameters: int  # trainable and fixed
    templates: str | None  # a template tree whose files replace the project's, or None
    # The size-dependent part of the default recipe per dataset (training/config.py's
    # RECIPES), as measured by benchmarks/time_to_accuracy.py.
    recipes: dict[str, dict[str, Any]]
    loss: str  # the training loss, by its name in training/objective.py's LOSSES
    # What the recipes reach (validation splits, 2 CPU cores), said in config.py,
    # and the MNIST validation error alone, said in the README.
    reaches: str
    digits_result: str
    mnist_error: str
    # The epochs of the generated tests' short training on digits (>= 90% test accuracy).
    short_training_epochs: int
    # A learning rate that makes the loss overflow in the first epoch (the NaN guard's test).
    overflow_learning_rate: str


RELU = Architecture(
    layers=(
        ("Convolution", "conv2d", {"filters": 6, "kernel_size": 5, "activation": "relu"}, 1),
        ("Subsampling", "subsampling", {"activation": "relu"}, 6),
        ("FullyConnected", "dense", {"units": 84, "activation": "relu"}, 120),
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
    loss="crossentropy",
    recipes={
        "digits": {"epochs": 40, "batch_size": 32, "learning_rate": 2e-3},
        "mnist": {"epochs": 30, "batch_size": 128, "learning_rate": 3e-3},
        "idx": {"epochs": 30, "batch_size": 128, "learning_rate": 3e-3},
        "synthetic": {"epochs": 2, "batch_size": 32, "learning_rate": 2e-3},
    },
    reaches="digits reaches about 99% test accuracy in some 20 s, MNIST about 0.65% validation "
    "error in under 3 minutes",
    digits_result="about 99% test accuracy in 20 s",
    mnist_error="0.65%",
    short_training_epochs=6,
    overflow_learning_rate="1e30",
)


def _squashed(name: str, cls: str, arguments: dict[str, Any], size: int | None):
    """A layer of the paper's network and the scaled tanh after it."""
    return ((name, cls, arguments, size), (f"{name}_tanh", "ScaledTanh", {}, None))


# LeCun et al. (1998), section II: every layer up to F6 is squashed by the scaled
# tanh; C3 is partially connected (Table I); the output is Euclidean RBF units.
LECUN98 = Architecture(
    layers=(
        ("Convolution", "conv2d", {"filters": 6, "kernel_size": 5}, 1),
        ("Subsampling", "subsampling", {"activation": "linear"}, 6),
        ("PartialConvolution", "partial-conv2d", {}, 6),
        ("FullyConnected", "dense", {"units": 84}, 120),
        ("ScaledTanh", "scaled-tanh", {}, None),
        ("EuclideanRBF", "rbf", {}, 84),
    ),
    network=(
        *_squashed("c1", "Convolution", {"filters": 6, "kernel_size": 5}, 1),
        *_squashed("s2", "Subsampling", {"activation": None}, 6),
        *_squashed("c3", "PartialConvolution", {}, 6),
        *_squashed("s4", "Subsampling", {"activation": None}, 16),
        *_squashed("c5", "Convolution", {"filters": 120, "kernel_size": 5}, 16),
        *_squashed("f6", "FullyConnected", {"units": 84}, 120),
        ("rbf", "EuclideanRBF", {}, 84),
    ),
    # C1 156, S2 12, C3 1,516, S4 32, C5 48,120, F6 10,164; the RBF's 10 x 84 are fixed
    trainable_parameters=60_000,
    parameters=60_840,
    templates="lenet_lecun98",
    loss="rubbish-class",
    recipes={
        "digits": {"epochs": 40, "batch_size": 32, "learning_rate": 2e-3},
        "mnist": {"epochs": 30, "batch_size": 128, "learning_rate": 3e-3},
        "idx": {"epochs": 30, "batch_size": 128, "learning_rate": 3e-3},
        "synthetic": {"epochs": 2, "batch_size": 32, "learning_rate": 2e-3},
    },
    reaches="digits reaches about 98% test accuracy, MNIST about 0.8% validation error",
    digits_result="about 98% test accuracy",
    mnist_error="0.8%",
    short_training_epochs=12,  # the scaled tanh and the RBF output learn more slowly
    # the squashing bounds every activation: only sums of weights near float32's
    # limit overflow
    overflow_learning_rate="1e38",
)

ARCHITECTURES = {"relu": RELU, "lecun98": LECUN98}
DEFAULT_ARCHITECTURE = "relu"

# The paper's network as the generated README tabulates it: layer, maps or units,
# the custom and the builtin layers, trainable parameters.
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


@dataclass(frozen=True)
class LenetOptions:
    directory: Path
    package: str
    distribution: str
    style: str
    placement: Placement
    weight_api: WeightApi
    architecture: str = DEFAULT_ARCHITECTURE


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
    architecture: str = DEFAULT_ARCHITECTURE,
) -> LenetOptions:
    directory = Path(os.path.abspath(directory))
    package = package_name(name if name is not None else directory.name, given=name is not None)
    check_package_is_free(directory, package)
    if style not in STYLES:
        raise UsageProblem(f"--style {style!r} is not one of: {', '.join(STYLES)}")
    if architecture not in ARCHITECTURES:
        raise UsageProblem(
            f"--architecture {architecture!r} is not one of: {', '.join(ARCHITECTURES)}"
        )
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
        architecture=architecture,
    )


def _layer_options(options: LenetOptions) -> list[LayerOptions]:
    init = options.placement is Placement.INIT
    layers = []
    for name, kind, hyperparameters, input_dim in ARCHITECTURES[options.architecture].layers:
        # A weightless layer (the scaled tanh) has no weights to place.
        weighted = resolve(kind).spec.has_weights
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
    layers = {layer.name.class_name: layer for layer in _layer_options(options)}
    modules = {name: layer.name.module_name for name, layer in layers.items()}
    input_args = {name: layer.spec.input_size_argument for name, layer in layers.items()}
    rows = []
    for layer_name, cls, arguments, input_size in ARCHITECTURES[options.architecture].network:
        arguments = dict(arguments)
        if layers[cls].placement is Placement.INIT:
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


def _float_literal(value: float) -> str:
    """A float as a short Python literal: 0.003 as `3e-3`, as a person writes it."""
    mantissa, exponent = f"{value:e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exponent)}" if value < 0.01 else repr(value)


def _comment(text: str) -> str:
    """Prose as `#` comment lines at the generated project's width (88)."""
    return "\n".join("# " + line for line in textwrap.wrap(text, width=86))


def lenet_context(options: LenetOptions) -> dict[str, Any]:
    architecture = ARCHITECTURES[options.architecture]
    layer_classes = [(name, parse_name(name).module_name) for name, *_ in architecture.layers]
    return {
        "package": options.package,
        "distribution": options.distribution,
        "style": options.style,
        "architecture_name": options.architecture,
        "placement": options.placement.value,
        "weight_api": options.weight_api.value,
        "layer_classes": layer_classes,
        "architecture": _architecture(options),
        "parameter_count": architecture.parameters,
        "trainable_parameter_count": architecture.trainable_parameters,
        "paper_parameters": LECUN98_PARAMETERS,
        "loss": architecture.loss,
        "digits_result": architecture.digits_result,
        "mnist_error": architecture.mnist_error,
        "short_training_epochs": architecture.short_training_epochs,
        "overflow_learning_rate": architecture.overflow_learning_rate,
        "recipes": {
            dataset: {**recipe, "learning_rate": _float_literal(recipe["learning_rate"])}
            for dataset, recipe in architecture.recipes.items()
        },
        "recipe_comment": _comment(
            "The size-dependent part of the default recipe, per dataset; any of it can be "
            "overridden (--epochs, --batch-size, --learning-rate). Tuned on validation "
            f"splits: {architecture.reaches}, on 2 CPU cores."
        ),
        "scaffold_version": __version__,
    }


def _project_templates(options: LenetOptions) -> dict[str, str]:
    """Project path -> template name: the common tree, with the files of the
    architecture's own tree (if any) in place of the common ones."""
    templates: dict[str, str] = {}
    for tree_name in filter(None, ["lenet", ARCHITECTURES[options.architecture].templates]):
        tree = templates_dir() / tree_name
        for template in sorted(tree.rglob("*.jinja")):
            relative = template.relative_to(tree).as_posix()
            target = relative.removesuffix(".jinja").replace("{{package}}", options.package)
            templates[target] = f"{tree_name}/{relative}"
    return templates


def lenet_files(options: LenetOptions) -> list[Item]:
    """The project tree and its layers (through `scaffold layer`'s code), as plain data."""
    context = lenet_context(options)
    items: list[Item] = [
        Render(options.directory / target, template, context)
        for target, template in sorted(_project_templates(options).items())
    ]
    layers_target = LayerTarget(
        output_dir=options.directory / "src" / options.package / "layers",
        tests_dir=options.directory / "tests",
        package_parts=(options.package, "layers"),
    )
    for layer_options in _layer_options(options):
        items += layer_files(layer_options, layers_target)
    return items
