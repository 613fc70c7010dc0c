"""The layer variants the tool supports, as data: shared by the render tests
and by the generate-and-test suite."""

from __future__ import annotations

from scaffold.options import KINDS, Kind


def layer_variants() -> list[tuple[str, list[str]]]:
    """(unique name, CLI arguments) for every kind x placement x weight API,
    plus `--dynamic` and non-default hyperparameters on some of them."""
    variants = []
    input_dims = {Kind.SE: 32, Kind.PARTIAL_CONV2D: 8, Kind.RBF: KINDS[Kind.RBF].input_size}
    for kind in Kind:
        spec = KINDS[kind]
        apis = ["add_weight", "variable"] if spec.own_weights else [None]
        for placement in ("build", "init") if spec.has_weights else ("build",):
            for api in apis:
                args = ["--kind", kind.value, "--weights-in", placement]
                if api:
                    args += ["--weight-api", api]
                if placement == "init":
                    args += ["--input-dim", str(input_dims.get(kind, 3))]
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
        "partial_conv2d_table_same_strided": [
            "--kind",
            "partial-conv2d",
            "--connections",
            "0;0,1;2,1,0",
            "--kernel-size",
            "3",
            "--padding",
            "same",
            "--strides",
            "2",
            "--activation",
            "tanh",
            "--no-bias",
            "--weight-api",
            "variable",
        ],
        "scaled_tanh_dynamic": ["--kind", "scaled-tanh", "--dynamic"],
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
    """(package name, CLI arguments) for every style x placement x weight API of the
    default architecture, and both styles of the paper's (one placement and weight
    API each: the layers are the same kinds' code as the default's)."""
    combinations = [
        ("relu", style, placement, api)
        for style in ("custom", "builtin")
        for placement in ("build", "init")
        for api in ("add_weight", "variable")
    ]
    combinations += [
        ("lecun98", "custom", "init", "variable"),
        ("lecun98", "builtin", "build", "add_weight"),
    ]
    variants = []
    for architecture, style, placement, api in combinations:
        prefix = "lenet" if architecture == "relu" else architecture
        name = f"{prefix}_{style}_{placement}_{api}"
        args = ["--name", name, "--style", style, "--weights-in", placement, "--weight-api", api]
        if architecture != "relu":
            args += ["--architecture", architecture]
        variants.append((name, args))
    return variants


def sampled_layer_variants(count: int = 10, seed: int = 2026) -> list[tuple[str, list[str]]]:
    """A bounded, seeded random sample of accepted option combinations."""
    import random

    from scaffold.errors import UsageProblem
    from scaffold.names import parse_name
    from scaffold.options import ACTIVATIONS, LayerOptions

    rng = random.Random(seed)
    samples: list[tuple[str, list[str]]] = []
    while len(samples) < count:
        kind = rng.choice(list(Kind))
        spec = KINDS[kind]
        placement = rng.choice(["build", "init"])
        api = rng.choice(["add_weight", "variable"]) if spec.own_weights else None
        values: dict = {}
        for hp in spec.hyperparameters:
            if rng.random() < 0.5:
                continue
            values[hp] = {
                "units": lambda: rng.randint(1, 64),
                "filters": lambda: rng.randint(1, 16),
                "kernel_size": lambda: rng.randint(1, 7),
                "strides": lambda: rng.randint(1, 3),
                "padding": lambda: rng.choice(["valid", "same"]),
                "activation": lambda: rng.choice(ACTIVATIONS),
                "use_bias": lambda: rng.random() < 0.5,
                "ratio": lambda: rng.randint(1, 8),
                "connections": lambda: ";".join(
                    ",".join(map(str, rng.sample(range(6), rng.randint(1, 3))))
                    for _ in range(rng.randint(1, 6))
                ),
            }[hp]()
        input_dim = (spec.input_size or rng.randint(1, 40)) if placement == "init" else None
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
        args = ["--kind", kind.value, "--weights-in", placement]
        args += ["--weight-api", api] if api else []
        args += ["--input-dim", str(input_dim)] if input_dim is not None else []
        args += ["--dynamic"] if dynamic else []
        for hp, value in values.items():
            if hp == "use_bias":
                args.append("--use-bias" if value else "--no-bias")
            else:
                args += ["--" + hp.replace("_", "-"), str(value)]
        samples.append((f"sample{len(samples)}_{kind.value.replace('-', '_')}", args))
    return samples
