"""The layer variants the tool supports, as data: shared by the render tests
and by the generate-and-test suite."""

from __future__ import annotations

from scaffold.options import KINDS, Kind


def layer_variants() -> list[tuple[str, list[str]]]:
    """(unique name, CLI arguments) for every kind x placement x weight API,
    plus `--dynamic` and non-default hyperparameters on some of them."""
    variants = []
    for kind in Kind:
        apis = ["add_weight", "variable"] if KINDS[kind].own_weights else [None]
        for placement in ("build", "init"):
            for api in apis:
                args = ["--kind", kind.value, "--weights-in", placement]
                if api:
                    args += ["--weight-api", api]
                if placement == "init":
                    args += ["--input-dim", "32" if kind is Kind.SE else "3"]
                name = "_".join(filter(None, [kind.value.replace("-", "_"), placement, api]))
                variants.append((name, args))
    extra = {
        "dense_dynamic": ["--kind", "dense", "--dynamic", "--activation", "relu", "--no-bias"],
        "conv2d_init_dynamic": [
            "--kind",
            "conv2d",
            "--weights-in",
            "init",
            "--input-dim",
            "1",
            "--dynamic",
            "--filters",
            "6",
            "--kernel-size",
            "5",
        ],
        "conv2d_same_strided": [
            "--kind",
            "conv2d",
            "--padding",
            "same",
            "--strides",
            "2",
            "--activation",
            "tanh",
            "--weight-api",
            "variable",
        ],
        "subsampling_linear_nobias": [
            "--kind",
            "subsampling",
            "--activation",
            "linear",
            "--no-bias",
        ],
        "conv_bn_relu_valid_strided": [
            "--kind",
            "conv-bn-relu",
            "--padding",
            "valid",
            "--strides",
            "2",
            "--kernel-size",
            "5",
            "--filters",
            "4",
        ],
        "se_ratio4_dynamic": ["--kind", "se", "--ratio", "4", "--dynamic"],
        "blank_nobias_init": [
            "--kind",
            "blank",
            "--no-bias",
            "--weights-in",
            "init",
            "--input-dim",
            "7",
        ],
    }
    variants += list(extra.items())
    return variants


def lenet_variants() -> list[tuple[str, list[str]]]:
    """(package name, CLI arguments) for every style x placement x weight API."""
    variants = []
    for style in ("custom", "builtin"):
        for placement in ("build", "init"):
            for api in ("add_weight", "variable"):
                name = f"lenet_{style}_{placement}_{api}"
                args = [
                    "--name",
                    name,
                    "--style",
                    style,
                    "--weights-in",
                    placement,
                    "--weight-api",
                    api,
                ]
                variants.append((name, args))
    return variants
