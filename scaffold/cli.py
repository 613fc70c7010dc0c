"""The `scaffold` command line: parse, call a generator, print. Nothing else.

This module must stay light: it never imports TensorFlow or Keras, and jinja2
and black are only imported once a command actually renders something.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .errors import ScaffoldError, UsageProblem
from .options import ACTIVATIONS, PADDINGS, Kind, Placement, WeightApi
from .plan import Plan, Status, display, ensure_directory_target

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="scaffold")
def cli() -> None:
    """Generate custom Keras 3 layers, their tests, and a LeNet-5 project;
    check your own layers against the Keras 3 pitfalls.

    Every generated layer follows the Keras 3 rules that TF 2.0-era tutorials
    predate (tracked weights, no `dynamic=True`, composite layers that build
    their sublayers, registration for `.keras` files) and comes with a pytest
    file that proves it by running.

    \b
    Examples:
      scaffold layer Scale
      scaffold layer ConvBnRelu --kind conv-bn-relu --filters 64
      scaffold layer my_dense --kind dense --units 10 --weights-in init --input-dim 84
      scaffold lenet lenet5 --train
      scaffold check my_layers
    """


def run_plan(plan: Plan, dry_run: bool, force: bool) -> None:
    """Show or commit a plan; conflicts refuse the whole run."""
    if dry_run:
        statuses = plan.statuses(force)
        click.echo(plan.describe(statuses))
        plan.refuse_conflicts(statuses)
        click.echo("dry run: nothing was written")
        return
    for planned, status in plan.commit(force):
        suffix = " (unchanged)" if status is Status.IDENTICAL else ""
        click.echo(f"{status.value:>9}  {display(planned.path)}{suffix}")


def _choice(enum_type) -> click.Choice:
    return click.Choice([member.value for member in enum_type])


# Options every generator shares, with one meaning.
dry_run_option = click.option(
    "--dry-run", is_flag=True, help="Show each file's status and code or diff; write nothing."
)
force_option = click.option("--force", is_flag=True, help="Overwrite existing files that differ.")


def weights_in_option(help_text: str):
    return click.option(
        "--weights-in",
        "placement",
        type=_choice(Placement),
        default=Placement.BUILD.value,
        show_default=True,
        help=help_text,
    )


@cli.command(context_settings=CONTEXT)
@click.argument("name")
@click.option(
    "--kind",
    type=_choice(Kind),
    default=Kind.BLANK.value,
    show_default=True,
    help="Layer kind: dense, conv2d, partial-conv2d (LeNet-5 C3: a connection table), "
    "subsampling (LeNet-5 S2/S4), scaled-tanh (LeNet-5's squashing function), rbf "
    "(LeNet-5's Euclidean RBF output), conv-bn-relu (composite), se "
    "(Squeeze-and-Excitation), blank (per-feature scale to extend).",
)
@weights_in_option(
    "Create the weights in build() from the input shape, or in __init__ "
    "from --input-dim (the layer is built at construction)."
)
@click.option(
    "--weight-api",
    type=_choice(WeightApi),
    default=None,
    help="self.add_weight(...) (default) or keras.Variable(initial value), "
    "the Keras 3 form of tf.Variable. Not for conv-bn-relu.",
)
@click.option(
    "--dynamic",
    is_flag=True,
    help="Eager-only layer (TF 2.0's dynamic=True): documented as such, tested "
    "with run_eagerly=True; the removed argument is never passed.",
)
@click.option(
    "--input-dim",
    type=int,
    help="Size of the input's last axis (features or channels); required by --weights-in init.",
)
@click.option("--units", type=int, help="Output size (dense). [default: 32]")
@click.option("--filters", type=int, help="Output channels (conv2d, conv-bn-relu). [default: 32]")
@click.option(
    "--connections",
    metavar="TABLE",
    help="partial-conv2d: the input channels of each output map, e.g. '0,1,2;1,2,3' "
    "(maps joined by ';'). [default: LeNet-5's C3 table, 16 maps over 6 channels]",
)
@click.option(
    "--kernel-size",
    type=int,
    help="Square kernel side (conv2d, partial-conv2d, conv-bn-relu). "
    "[default: 3; 5 for partial-conv2d]",
)
@click.option(
    "--strides",
    type=int,
    help="Convolution stride (conv2d, partial-conv2d, conv-bn-relu). [default: 1]",
)
@click.option(
    "--padding",
    type=click.Choice(PADDINGS),
    help="Convolution padding. [default: valid for conv2d and partial-conv2d, same for "
    "conv-bn-relu]",
)
@click.option(
    "--activation",
    metavar="NAME",
    help="Keras activation (dense, conv2d, partial-conv2d, subsampling), e.g. "
    + ", ".join(ACTIVATIONS[:6])
    + ". [default: linear; tanh for subsampling]",
)
@click.option(
    "--use-bias/--no-bias",
    default=None,
    help="Add a bias (dense, conv2d, partial-conv2d, subsampling, blank). [default: use bias]",
)
@click.option("--ratio", type=int, help="Channel reduction ratio (se). [default: 16]")
@click.option(
    "--description",
    metavar="TEXT",
    help="One-line summary for the class docstring. [default: the kind's summary]",
)
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(path_type=Path),
    default=Path("."),
    show_default=True,
    help="Directory of the layer module. If it is a package, the layer is "
    "registered in its __init__.py.",
)
@click.option(
    "--tests-dir",
    type=click.Path(path_type=Path),
    help="Directory of the generated test. [default: beside the module, or "
    "tests/ at the project root when the output directory is a package]",
)
@click.option("--no-tests", is_flag=True, help="Do not generate the test file.")
@dry_run_option
@force_option
def layer(
    name,
    kind,
    placement,
    weight_api,
    dynamic,
    input_dim,
    description,
    output_dir,
    tests_dir,
    no_tests,
    dry_run,
    force,
    **hyperparameters,
):
    """Generate the custom layer NAME and its test.

    NAME may be written ConvBnRelu, conv_bn_relu or conv-bn-relu: the class is
    ConvBnRelu, the module conv_bn_relu.py, the test test_conv_bn_relu.py.
    Existing files that differ are never overwritten without --force: the
    whole run is refused and nothing is written.

    \b
    Examples:
      scaffold layer Scale
      scaffold layer ConvBnRelu --kind conv-bn-relu --filters 64 -o mypkg/layers
      scaffold layer Squeeze --kind se --ratio 8 --weight-api variable
      scaffold layer Fc --kind dense --units 10 --weights-in init --input-dim 84
      scaffold layer Scale --dry-run
    """
    from .generators.layer import layer_plan, resolve_target
    from .names import parse_name

    if no_tests and tests_dir is not None:
        raise UsageProblem("--tests-dir and --no-tests contradict each other; give one")
    from .options import LayerOptions

    options = LayerOptions.create(
        parse_name(name),
        kind=kind,
        placement=placement,
        weight_api=weight_api,
        dynamic=dynamic,
        input_dim=input_dim,
        description=description,
        **hyperparameters,
    )
    ensure_directory_target(output_dir, "output directory")
    if tests_dir is not None:
        ensure_directory_target(tests_dir, "tests directory")
    target = resolve_target(output_dir, tests_dir, with_tests=not no_tests)
    run_plan(layer_plan(options, target), dry_run, force)


@cli.command(context_settings=CONTEXT)
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--name", help="Python package name. [default: from DIRECTORY]")
@click.option(
    "--style",
    type=click.Choice(["custom", "builtin"]),
    default="custom",
    show_default=True,
    help="Default model of the training script: custom layers, or keras.layers "
    "only. The model module builds both.",
)
@click.option(
    "--architecture",
    type=click.Choice(["relu", "lecun98"]),
    default="relu",
    show_default=True,
    help="relu: LeNet-5 with ReLU and 10 logits. lecun98: as LeCun et al. (1998) built "
    "it: scaled tanh, partially connected C3, fixed Euclidean RBF output, the paper's "
    "loss and input range; 60,000 trainable parameters.",
)
@weights_in_option("Where the custom layers create their weights (as for `scaffold layer`).")
@click.option(
    "--weight-api",
    type=_choice(WeightApi),
    default=None,
    help="add_weight (default) or variable, for every custom layer.",
)
@dry_run_option
@force_option
@click.option(
    "--train",
    is_flag=True,
    help="After generating, train LeNet-5 with the project's default recipe (offline digits set).",
)
@click.option(
    "--dataset",
    type=click.Choice(["digits", "mnist", "idx", "synthetic"]),
    help="With --train: the dataset. [default: digits]",
)
@click.option(
    "--data-dir",
    type=click.Path(path_type=Path),
    help="With --train --dataset idx: the MNIST IDX files.",
)
@click.option("--epochs", type=int, help="With --train: number of epochs. [default: the recipe's]")
def lenet(
    directory,
    name,
    style,
    architecture,
    placement,
    weight_api,
    dry_run,
    force,
    train,
    dataset,
    data_dir,
    epochs,
):
    """Generate an installable LeNet-5 project in DIRECTORY.

    Its custom layers (Convolution for C1/C3/C5, Subsampling for S2/S4,
    FullyConnected for F6 and the output; with --architecture lecun98 also
    PartialConvolution for C3, ScaledTanh and EuclideanRBF) come from the same
    templates as `scaffold layer`, each with its test; model.py builds LeNet-5 from them or
    from keras.layers; data.py loads digits, MNIST or MNIST IDX files; train.py
    trains and writes model.keras, history.json, metrics.json,
    training_curves.png and TensorBoard logs.

    \b
    Examples:
      scaffold lenet lenet5 --train
      scaffold lenet lenet5 --weights-in init --weight-api variable
      scaffold lenet lenet5 --architecture lecun98
      scaffold lenet lenet5 --train --dataset idx --data-dir ../shared/data/mnist
      cd lenet5 && pip install -e '.[test]' && python -m pytest
    """
    from .generators.lenet import lenet_options, lenet_plan

    # --data-dir is made absolute: training runs inside the project directory.
    train_options = {
        "--dataset": dataset,
        "--data-dir": data_dir.resolve() if data_dir is not None else None,
        "--epochs": epochs,
    }
    given = [flag for flag, value in train_options.items() if value is not None]
    if given and not train:
        raise UsageProblem(f"{', '.join(given)} only apply with --train")
    if train and dry_run:
        raise UsageProblem(
            "--train and --dry-run contradict each other: a dry run writes nothing to train"
        )
    if epochs is not None and epochs < 1:
        raise UsageProblem(f"--epochs must be at least 1, got {epochs}")
    options = lenet_options(directory, name, style, placement, weight_api, architecture)
    ensure_directory_target(options.directory, "project directory")
    run_plan(lenet_plan(options), dry_run, force)
    if train:
        from .training import train_project

        arguments = []
        for flag, value in train_options.items():
            if value is not None:
                arguments += [flag, str(value)]
        sys.exit(train_project(options.directory, options.package, arguments))


def _parse_arguments(pairs: tuple[str, ...]) -> dict:
    import json

    arguments = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.isidentifier():
            raise UsageProblem(f"--arg {pair!r} is not KEY=VALUE with KEY a Python name")
        try:
            arguments[key] = json.loads(value)
        except ValueError:
            arguments[key] = value  # a bare string, such as --arg activation=relu
    return arguments


def _parse_shape(text: str | None):
    if text is None:
        return None
    try:
        shape = tuple(int(part) for part in text.split(","))
    except ValueError:
        shape = ()
    if len(shape) < 2 or any(n < 1 for n in shape):
        raise UsageProblem(
            f"--input-shape {text!r} must be positive integers BATCH,...,FEATURES, e.g. 4,8,8,3"
        )
    return shape


@cli.command(context_settings=CONTEXT)
@click.argument("targets", nargs=-1, required=True, metavar="TARGET...")
@click.option(
    "--config",
    type=click.Path(path_type=Path),
    help="JSON or TOML file: per class name, " "'args' (constructor arguments) and 'input_shape'.",
)
@click.option(
    "--arg",
    "arguments",
    multiple=True,
    metavar="KEY=VALUE",
    help="Constructor argument (VALUE as JSON, else a string); repeatable.",
)
@click.option(
    "--input-shape",
    metavar="B,...,C",
    help="Input shape with batch, e.g. 4,8,8,3. " "[default: tries 4,16 then 4,8,8,16]",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
def check(targets, config, arguments, input_shape, output_format):
    """Check custom Keras layers against the Keras 3 pitfalls, by running them.

    TARGET is module:ClassName, a module (every Layer subclass it defines) or a
    .py file. For each layer: a raw tf.Variable Keras does not track, a
    `dynamic` argument, registration, a complete get_config, a composite
    layer without build(), sublayers that ignore the dtype policy, weights
    made in __init__ without marking the layer built, trainable weights no
    gradient reaches, compute_output_shape against the real output, and a
    .keras save/load that changes outputs. Exit code 0 only when every
    applicable check passes.

    \b
    Examples:
      scaffold check my_layers
      scaffold check my_layers:Attention --arg units=64 --input-shape 2,10,32
      scaffold check src/pkg/layers/conv.py --format json
    """
    arguments = _parse_arguments(arguments)
    shape = _parse_shape(input_shape)
    if config is not None and not config.is_file():
        raise UsageProblem(f"--config {config}: no such file")
    from . import checks

    settings = checks.load_config(config)
    specs = [
        spec for target in targets for spec in checks.specs_for(target, settings, arguments, shape)
    ]
    reports = [checks.check_layer(spec) for spec in specs]
    render = checks.render_json if output_format == "json" else checks.render_text
    click.echo(render(reports))
    if not all(report.passed for report in reports):
        sys.exit(1)


def _one_line(message: str) -> str:
    return " ".join(message.split())


def main(argv: list[str] | None = None) -> None:
    """Console entry point: every error is one line on stderr, never a traceback."""
    try:
        code = cli.main(args=argv, prog_name="scaffold", standalone_mode=False)
    except click.UsageError as error:
        command = error.ctx.command_path if error.ctx else "scaffold"
        click.echo(
            f"{command}: error: {_one_line(error.format_message())} (see '{command} --help')",
            err=True,
        )
        sys.exit(2)
    except click.ClickException as error:
        click.echo(f"scaffold: error: {_one_line(error.format_message())}", err=True)
        sys.exit(error.exit_code)
    except click.Abort:
        click.echo("scaffold: aborted", err=True)
        sys.exit(1)
    except ScaffoldError as error:
        click.echo(f"scaffold: error: {_one_line(str(error))}", err=True)
        sys.exit(error.exit_code)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
