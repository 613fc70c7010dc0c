"""The layer variants the tool supports, as data: shared by the render tests
and by the generate-and-test suite. Kinds and their options come from the kind
specs, so a new kind folder is covered without touching this file."""

from __future__ import annotations

import random

from scaffold.kinds.registry import builtin_kinds
from strategies import flag_args

EXAMPLE_KIND = "examples/kinds/rms-norm"  # the README's worked example of a user kind


def layer_variants() -> list[tuple[str, list[str]]]:
    """(unique name, CLI arguments) for every kind x placement x weight API,
    plus `--dynamic` and non-default hyperparameters on some of them."""
    variants = []
    input_dims = {"se": "32", "partial-conv2d": "8", "rbf": "84"}  # the kinds' minimum or size
    for kind in builtin_kinds():
        weighted = kind.spec.has_weights
        apis = ["add_weight", "variable"] if kind.spec.owns_weights else [None]
        for placement in ("build", "init") if weighted else ("build",):
            for api in apis:
                args = ["--kind", kind.name, "--weights-in", placement]
                if api:
                    args += ["--weight-api", api]
                if placement == "init":
                    args += ["--input-dim", input_dims.get(kind.name, "3")]
                name = "_".join(filter(None, [kind.name.replace("-", "_"), placement, api]))
                variants.append((name, args))
    extra = {
        "dense_dynamic": ["--kind", "dense", "--dynamic", "--activation", "relu", "--no-bias"],
        "conv2d_init_dynamic": [
            *("--kind", "conv2d", "--weights-in", "init", "--input-dim", "1", "--dynamic"),
            *("--filters", "6", "--kernel-size", "5"),
        ],
        "conv2d_same_strided": [
            *("--kind", "conv2d", "--padding", "same", "--strides", "2"),
            *("--activation", "tanh", "--weight-api", "variable"),
        ],
        "subsampling_linear_nobias": [
            *("--kind", "subsampling", "--activation", "linear", "--no-bias"),
        ],
        "conv_bn_relu_valid_strided": [
            *("--kind", "conv-bn-relu", "--padding", "valid", "--strides", "2"),
            *("--kernel-size", "5", "--filters", "4"),
        ],
        "se_ratio4_dynamic": ["--kind", "se", "--ratio", "4", "--dynamic"],
        "partial_conv2d_same_strided": [
            *("--kind", "partial-conv2d", "--kernel-size", "3", "--padding", "same"),
            *("--strides", "2", "--no-bias", "--weight-api", "variable"),
        ],
        "scaled_tanh_dynamic": ["--kind", "scaled-tanh", "--dynamic"],
        "blank_nobias_init": [
            *("--kind", "blank", "--no-bias", "--weights-in", "init", "--input-dim", "7"),
        ],
    }
    variants += list(extra.items())
    return variants


def user_kind_variants(example) -> list[tuple[str, list[str]]]:
    """The worked example of a user kind (a kind folder given as a path)."""
    return [
        ("rms_norm_build", ["--kind", str(example)]),
        (
            "rms_norm_init_variable",
            [
                *("--kind", str(example), "--weights-in", "init", "--input-dim", "6"),
                *("--weight-api", "variable", "--epsilon", "0.001", "--dynamic"),
            ],
        ),
    ]


# The paper's architecture: one project (its model module builds both styles, and
# its layers are the kinds' code that the layer variants cover in every placement).
LECUN98_VARIANT = "lecun98_custom_init_variable"


def lenet_variants() -> list[tuple[str, list[str]]]:
    """(package name, CLI arguments) for every style x placement x weight API of the
    default architecture, and one project of the paper's (LECUN98_VARIANT)."""
    variants = []
    for style in ("custom", "builtin"):
        for placement in ("build", "init"):
            for api in ("add_weight", "variable"):
                name = f"lenet_{style}_{placement}_{api}"
                args = [
                    *("--name", name, "--style", style),
                    *("--weights-in", placement, "--weight-api", api),
                ]
                variants.append((name, args))
    variants.append(
        (
            LECUN98_VARIANT,
            [
                *("--name", LECUN98_VARIANT, "--architecture", "lecun98"),
                *("--weights-in", "init", "--weight-api", "variable"),
            ],
        )
    )
    return variants


def sampled_layer_variants(count: int = 10, seed: int = 2026) -> list[tuple[str, list[str]]]:
    """A bounded, seeded random sample of accepted option combinations, drawn
    from each kind's declared options (types, ranges, choices)."""
    from scaffold.core.errors import UsageProblem
    from scaffold.core.names import parse_name
    from scaffold.options import LayerOptions

    rng = random.Random(seed)
    kinds = builtin_kinds()
    samples: list[tuple[str, list[str]]] = []
    while len(samples) < count:
        kind = rng.choice(kinds)
        placement = rng.choice(["build", "init"])
        api = rng.choice(["add_weight", "variable"]) if kind.spec.owns_weights else None
        placement = placement if kind.spec.has_weights else "build"
        values = {}
        for option in kind.spec.options.values():
            if rng.random() < 0.5:
                continue
            values[option.name] = _draw(rng, option)
        input_dim = rng.randint(1, 40) if placement == "init" else None
        dynamic = rng.random() < 0.25
        try:
            LayerOptions.create(
                parse_name("Probe"),
                kind=kind,
                placement=placement,
                weight_api=api,
                dynamic=dynamic,
                input_dim=input_dim,
                **values,
            )
        except UsageProblem:
            continue
        args = ["--kind", kind.name, "--weights-in", placement]
        args += ["--weight-api", api] if api else []
        args += ["--input-dim", str(input_dim)] if input_dim is not None else []
        args += ["--dynamic"] if dynamic else []
        for name, value in values.items():
            args += flag_args(kind.spec.options[name], value)
        samples.append((f"sample{len(samples)}_{kind.name.replace('-', '_')}", args))
    return samples


# Small values keep the generated tests fast (a 65536-filter convolution is valid but slow).
SMALL = {"units": 64, "filters": 16, "kernel_size": 7, "strides": 3, "ratio": 8}


def _draw(rng: random.Random, option):
    from scaffold.kinds.schema import ACTIVATIONS

    if option.type == "int":
        return rng.randint(option.min, min(option.max, SMALL.get(option.name, option.max)))
    if option.type == "float":
        return rng.uniform(option.min, option.max)
    if option.type == "bool":
        return rng.random() < 0.5
    if option.type == "choice":
        return rng.choice(option.choices)
    return rng.choice(ACTIVATIONS)
