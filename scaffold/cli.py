"""The `scaffold` command line: parse, call a generator, print. Nothing else.

This module must stay light: it never imports TensorFlow or Keras, and jinja2
and black are only imported once a command actually renders something.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from click.core import ParameterSource

from . import __version__
from .core.errors import ScaffoldError, UsageProblem
from .options import Placement, WeightApi
from .core.defaults import PROJECT_KEYS, DefaultsCommand, default_kind, kind_defaults
from .core.plan import Plan, Status, display, ensure_directory_target

from .kinds import DEFAULT_KIND

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class DirectoryPath(click.Path):
    """A directory option: an empty value (often an unset shell variable, as in
    `-o "$DEST"`) is refused rather than read as the current directory."""

    def __init__(self):
        super().__init__(path_type=Path)

    def convert(self, value, param, ctx):
        if isinstance(value, str) and not value.strip():
            self.fail("the directory is empty; give one, or . for the current directory")
        return super().convert(value, param, ctx)


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="scaffold")
def cli() -> None:
    """Generate custom Keras 3 layers, their tests, and a LeNet-5 project;
    check your own layers against the Keras 3 pitfalls, and migrate TF
    2.0-era layers to Keras 3.

    Every generated layer follows the Keras 3 rules that TF 2.0-era tutorials
    predate (tracked weights, no `dynamic=True`, composite layers that build
    their sublayers, registration for `.keras` files) and comes with a pytest
    file that proves it by running. A layer kind is one folder (a kind.toml
    spec and a template): the tool ships some, and your own work the same
    way (`scaffold kinds` lists them all).

    Generating needs nothing heavy. Running models (`scaffold check`,
    `scaffold lenet --train`) needs TensorFlow: pip install
    'scaffold-keras[tensorflow]'.

    \b
    Examples:
      scaffold layer Scale
      scaffold layer ConvBnRelu --kind conv-bn-relu --filters 64
      scaffold layer my_dense --kind dense --units 10 --weights-in init --input-dim 84
      scaffold layer Norm --kind ./kinds/rms-norm
      scaffold kinds
      scaffold lenet lenet5 --train
      scaffold check my_layers
      scaffold migrate my_layers.py --write
    """


def run_plan(plan: Plan, dry_run: bool, force: bool) -> None:
    """Show or commit a plan; conflicts refuse the whole run."""
    from .record import is_bookkeeping

    if dry_run:
        statuses = [(f, s) for f, s in plan.statuses(force) if not is_bookkeeping(f.path)]
        say(plan.describe(statuses))
        plan.refuse_conflicts(statuses)
        say("dry run: nothing was written")
        return
    try:
        statuses = plan.commit(force)
    finally:
        for note in plan.notes:
            click.echo(f"scaffold: {note}", err=True)
    report = []
    for planned, status in statuses:
        if is_bookkeeping(planned.path):
            continue
        suffix = " (unchanged)" if status is Status.IDENTICAL else ""
        report.append(f"{status.value:>9}  {display(planned.path)}{suffix}")
    try:
        say("\n".join(report))
    except OutputFailed as failed:
        raise OutputFailed(f"{failed}; the files were written") from None


class OutputFailed(ScaffoldError):
    """Standard output cannot be written (a full device, a closed pipe)."""


def say(text: str) -> None:
    """Print to standard output; a failure to print is one line, not a traceback."""
    try:
        click.echo(text)
    except OSError as error:
        raise OutputFailed(f"cannot write to standard output ({error.strerror or error})") from None


def _choice(enum_type) -> click.Choice:
    return click.Choice([member.value for member in enum_type])


# Options several commands share: one definition each, one meaning.
dry_run_option = click.option(
    "--dry-run", is_flag=True, help="Show each file's status and code or diff; write nothing."
)
force_option = click.option("--force", is_flag=True, help="Overwrite existing files that differ.")
weights_in_option = click.option(
    "--weights-in",
    "placement",
    type=_choice(Placement),
    default=Placement.BUILD.value,
    show_default=True,
    help="Where custom layers create their weights: in build() from the input shape, or "
    "in __init__ from the input size (the layer is built at construction).",
)
format_option = click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Human output, or JSON for machines.",
)
weight_api_option = click.option(
    "--weight-api",
    type=_choice(WeightApi),
    default=None,
    help="How custom layers create their weights: self.add_weight(...) (default) or "
    "keras.Variable(...), the Keras 3 form of tf.Variable. Not for composite kinds, "
    "whose sublayers own the weights.",
)


EXTRA = "pip install 'scaffold-keras[tensorflow]'"


def require_extra(what: str, modules: tuple[str, ...]) -> None:
    """Refuse, naming the install command, when the `tensorflow` extra is missing."""
    import importlib.util

    missing = [module for module in modules if importlib.util.find_spec(module) is None]
    if missing:
        raise UsageProblem(
            f"{what} needs {', '.join(missing)}, which scaffold does not install by "
            f"default: {EXTRA}"
        )


def _peek_kind(args: list[str], default: str) -> str:
    """The value of --kind in raw arguments (the last one wins, as in Click)."""
    value = default
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--kind" and index + 1 < len(args):
            value = args[index + 1]
        elif arg.startswith("--kind="):
            value = arg.split("=", 1)[1]
    return value


class LayerCommand(DefaultsCommand):
    """`scaffold layer`, whose kind options come from the kind specs: those of the
    built-in kinds always, and those of a user's kind once --kind names it (so
    `scaffold layer --kind ./my-kind --help` shows them too)."""

    def parse_args(self, ctx, args):
        ctx.meta["scaffold.kind"] = _peek_kind(args, default_kind(ctx, DEFAULT_KIND))
        return super().parse_args(ctx, args)

    def _kinds(self, ctx):
        from .kinds.registry import builtin_kinds, builtin_names, resolve

        if "scaffold.kinds" not in ctx.meta:
            kinds = builtin_kinds()
            asked = ctx.meta.get("scaffold.kind", DEFAULT_KIND)
            if asked not in builtin_names():
                # A kind that cannot be loaded is the first thing to report, before
                # its options (unknown without it) are parsed.
                kinds.append(resolve(asked))
            ctx.meta["scaffold.kinds"] = kinds
        return ctx.meta["scaffold.kinds"]

    def get_params(self, ctx):
        from .kinds.schema import click_option, merge

        params = click.Command.get_params(self, ctx)
        kinds = self._kinds(ctx)
        shared = merge(kind for kind in kinds if kind.builtin)
        # A user's kind declares its own options; where it shares a name with a
        # built-in kind, its declaration decides how the option is read.
        shared.update(merge(kind for kind in kinds if not kind.builtin))
        position = next(i for i, p in enumerate(params) if p.name == "input_dim") + 1
        options = [click_option(o) for o in shared.values()]
        return self.with_defaults(ctx, params[:position] + options + params[position:])

    def format_epilog(self, ctx, formatter):
        kinds = self._kinds(ctx)
        with formatter.section("Kinds (`scaffold kinds` lists their options and sources)"):
            formatter.write_dl([(kind.name, kind.spec.summary) for kind in kinds])
        super().format_epilog(ctx, formatter)


@cli.command(cls=LayerCommand, context_settings=CONTEXT)
@click.argument("name")
@click.option(
    "--kind",
    metavar="KIND",
    default=DEFAULT_KIND,
    show_default=True,
    help="Layer kind: a built-in kind (listed below), a kind folder of yours given as a "
    "path (./my-kind), or a kind named in pyproject.toml or installed with pip.",
)
@weights_in_option
@weight_api_option
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
@click.option(
    "--description",
    metavar="TEXT",
    help="One-line summary for the class docstring. [default: the kind's summary]",
)
@click.option(
    "-o",
    "--output-dir",
    type=DirectoryPath(),
    default=Path("."),
    show_default=True,
    help="Directory of the layer module. If it is a package, the layer is "
    "registered in its __init__.py.",
)
@click.option(
    "--tests-dir",
    type=DirectoryPath(),
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
    whole run is refused and nothing is written. The kind options below
    (--units, --filters, ...) each apply to the kinds named in their help.

    \b
    Examples:
      scaffold layer Scale
      scaffold layer ConvBnRelu --kind conv-bn-relu --filters 64 -o mypkg/layers
      scaffold layer Squeeze --kind se --ratio 8 --weight-api variable
      scaffold layer Fc --kind dense --units 10 --weights-in init --input-dim 84
      scaffold layer Norm --kind ./kinds/rms-norm
      scaffold layer Scale --dry-run
    """
    from .answers import record_layer
    from .core.files import stage
    from .generators.layer import check_module_names, layer_files, resolve_target
    from .kinds.registry import resolve
    from .core.names import parse_name
    from .options import LayerOptions

    if no_tests and tests_dir is not None:
        raise UsageProblem("--tests-dir and --no-tests contradict each other; give one")
    kind = resolve(kind)
    context = click.get_current_context()
    hyperparameters = kind_defaults(context, kind, hyperparameters)
    from_config = context.get_parameter_source("weight_api") is ParameterSource.DEFAULT
    if from_config and not kind.spec.owns_weights:
        weight_api = None  # a project-wide default, for the kinds it applies to
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
    check_module_names(target, options.name.module_name)
    plan = stage(target.root, layer_files(options, target))
    record_layer(plan, options, target)
    run_plan(plan, dry_run, force)


@cli.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@format_option
def kinds(paths, output_format):
    """List every layer kind: built-in, from pyproject.toml, from installed kind packs.

    Each kind with its source, its summary and its options (the flags of
    `scaffold layer` it takes, with its defaults). PATH adds kind folders of
    yours: a way to check that one loads before using it.

    \b
    Where user kinds come from:
      scaffold layer NAME --kind ./path/to/kind      a kind folder
      [tool.scaffold] kinds = "kinds"               a directory of kind folders,
                                                    in your project's pyproject.toml
      entry points in the group "scaffold.kinds"    kind packs installed with pip
    """
    from .kinds.registry import all_kinds
    from .kinds.listing import kinds_json, kinds_text

    found = all_kinds(tuple(paths))
    say((kinds_json(found) if output_format == "json" else kinds_text(found)).rstrip("\n"))


class LenetCommand(DefaultsCommand):
    takes = PROJECT_KEYS


@cli.command(cls=LenetCommand, context_settings=CONTEXT)
@click.argument("directory")
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
@weights_in_option
@weight_api_option
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
    from keras.layers; data.py loads digits, MNIST or MNIST IDX files; the
    training package trains into runs/NAME/ (model.keras, history.json,
    metrics.json, training_curves.png, TensorBoard logs) and resumes an
    interrupted run; NAME-predict and NAME-export use the trained model.

    \b
    Examples:
      scaffold lenet lenet5 --train
      scaffold lenet lenet5 --weights-in init --weight-api variable
      scaffold lenet lenet5 --architecture lecun98
      scaffold lenet lenet5 --train --dataset idx --data-dir ../shared/data/mnist
      cd lenet5 && pip install -e '.[test]' && python -m pytest
    """
    from .answers import record_lenet
    from .core.files import stage
    from .generators.lenet import lenet_files, lenet_options

    if not directory.strip():
        raise UsageProblem("DIRECTORY is empty; give the new project's directory, e.g. lenet5")
    directory = Path(directory)

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
    if train:
        require_extra("--train", ("tensorflow", "sklearn", "matplotlib"))
    options = lenet_options(directory, name, style, placement, weight_api, architecture)
    ensure_directory_target(options.directory, "project directory")
    plan = stage(options.directory, lenet_files(options))
    record_lenet(plan, options)
    run_plan(plan, dry_run, force)
    if train:
        from .training import train_project

        arguments = []
        for flag, value in train_options.items():
            if value is not None:
                arguments += [flag, str(value)]
        sys.exit(train_project(options.directory, options.package, arguments))


def pairs_option(flag: str, dest: str, help_text: str):
    """A repeatable KEY=VALUE option (values are parsed by scaffold.checker.request)."""
    return click.option(flag, dest, multiple=True, metavar="KEY=VALUE", help=help_text)


@cli.command(context_settings=CONTEXT)
@click.argument("targets", nargs=-1, required=True, metavar="TARGET...")
@pairs_option(
    "--arg",
    "arguments",
    "Constructor argument: a Python literal (8, 0.5, 'same', (3, 3), None), JSON "
    "(true, null), a layer (Dense(8), or a Keras layer config), or a bare string; repeatable.",
)
@click.option(
    "--input-shape",
    "input_shapes",
    multiple=True,
    metavar="B,...,C",
    help="Input shape with batch, e.g. 4,8,8,3; repeat it for a layer of several inputs. "
    "[default: tries features 4,16, sequences 4,8,16, images 4,8,8,16]",
)
@click.option("--input-dtype", metavar="DTYPE", help="Input dtype, e.g. int32 for token ids.")
@click.option(
    "--input-range",
    metavar="LOW,HIGH",
    help="Range of input values (integers: LOW included, HIGH excluded), e.g. 0,1000.",
)
@pairs_option(
    "--call-arg",
    "call_arguments",
    "Keyword argument of every call, e.g. training=true; mask=true gives an all-True "
    "mask over the input's steps; repeatable.",
)
@click.option(
    "--config",
    type=click.Path(path_type=Path),
    help="JSON or TOML file: per class name, args, input_shape, input_dtype, input_range, "
    "call_args, inputs_as ('list' or 'args').",
)
@click.option(
    "--backend",
    type=click.Choice(["tensorflow", "jax", "torch"]),
    help="Keras backend to check on. [default: $KERAS_BACKEND, else tensorflow]",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=300,
    show_default=True,
    help="Seconds allowed for importing each target and for checking each layer.",
)
@format_option
def check(
    targets,
    arguments,
    input_shapes,
    input_dtype,
    input_range,
    call_arguments,
    config,
    backend,
    timeout,
    output_format,
):
    """Check custom Keras layers against the Keras 3 contract, by running them.

    TARGET is module:ClassName, a module (every Layer subclass it defines), a
    .py file or file.py:ClassName. Each layer is constructed, called, trained
    for a few steps, saved and reloaded, in one child process for the run (a
    module that hangs, exits or crashes is stopped and reported). Checks:
    no-dynamic, init-kwargs, registered, config, built-after-init,
    tracked-variables, composite-build, dtype-policy, mixed-precision,
    output-shape, gradients, training-step, keras-round-trip.

    Constructor arguments the layer requires and --arg does not give are
    inferred from their names (units, kernel_size, rate, ...), and the report
    says which.

    \b
    Exit codes:
      0  every applicable check passed
      1  a layer failed a check
      2  usage error (bad option, no such module or class)
      3  nothing failed, but some layer or check could not be run

    \b
    Examples:
      scaffold check my_layers
      scaffold check my_layers.py:Attention --arg num_heads=4 --input-shape 2,10,32
      scaffold check layers.py:TokenEmbedding --input-dtype int32 --input-range 0,1000
      scaffold check layers.py:CrossAttention --input-shape 2,10,32 --input-shape 2,7,32
      scaffold check layers.py:WeightNorm --arg 'layer=Dense(8)' --backend jax
      scaffold check src/pkg/layers --format json
    """
    import os

    require_extra("scaffold check", ("keras",))

    from .checker import request as requests

    request = requests.Request(
        targets=requests.check_targets(targets),
        arguments=requests.parse_pairs(arguments, "--arg"),
        input_shapes=[requests.parse_shape(text) for text in input_shapes],
        input_dtype=requests.check_dtype(input_dtype),
        input_range=requests.parse_range(input_range),
        call_arguments=requests.parse_pairs(call_arguments, "--call-arg"),
        config=requests.load_config(config),
        backend=requests.resolve_backend(backend),
        timeout=timeout,
        cwd=os.getcwd(),
    )
    from .checker import report, runner

    outcome = runner.run(request)
    code = report.exit_code(outcome)
    if output_format == "json":
        click.echo(report.render_json(outcome))
    elif outcome.error and not outcome.layers:
        click.echo(report.summary(outcome))
    else:
        click.echo(report.render_text(outcome))
    if outcome.error:
        click.echo(f"scaffold: error: {_one_line(outcome.error)}", err=True)
    sys.exit(code)


@cli.command(context_settings=CONTEXT)
@click.argument(
    "paths", nargs=-1, required=True, metavar="PATH...", type=click.Path(path_type=Path)
)
@click.option(
    "--write",
    is_flag=True,
    help="Apply the changes: every file is replaced atomically, and all files or none.",
)
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    help="Write nothing; exit 1 if any file would change (for CI).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
def migrate(paths, write, check_only, output_format):
    """Rewrite TF 2.0-era custom layers in PATH... into Keras 3 code.

    PATH is a .py file or a directory (walked for *.py; hidden directories,
    virtual environments, site-packages and __pycache__ are skipped). Only
    classes that subclass keras.layers.Layer or keras.Model (however they
    are imported), a keras.layers layer, or such a class of the same module
    are changed: raw tf.Variable attributes become add_weight (or
    keras.Variable), dynamic=True is removed, __init__ accepts and forwards
    **kwargs, get_config is generated or completed, the class is
    registered, a composite layer gets a build(), sublayers get the layer's
    dtype policy, Keras 2's positional add_weight gets keywords, and a
    `training` argument call() requires gets a default. Everything else
    stays byte for byte. What cannot be fixed safely is
    reported (file:line), never guessed.

    By default nothing is written: each change is shown as a unified diff,
    followed by what was fixed and what is left for you. Exit codes: 0 done
    (with --check: nothing would change); 1 with --check, some file would
    change, or some file was refused (does not parse, not UTF-8); 2 a usage
    error. A refused file refuses --write as a whole: nothing is written.

    \b
    Examples:
      scaffold migrate my_layers.py
      scaffold migrate src/ --write
      scaffold migrate src/ --check
      scaffold migrate my_layers.py --format json
    """
    if write and check_only:
        raise UsageProblem("--write and --check contradict each other; give one")
    from .migrate.command import run_migrate

    code = run_migrate(
        paths, write=write, check_only=check_only, output_format=output_format, say=say
    )
    sys.exit(code)


def _one_line(message: str) -> str:
    return " ".join(message.split())


def _fail(message: str, code: int) -> None:
    try:
        click.echo(message, err=True)
    except OSError:
        pass  # standard error is gone too: the exit code says it
    sys.exit(code)


def _os_error(error: OSError) -> str:
    reason = error.strerror or str(error)
    if error.filename is not None:
        return f"{display(Path(os.fsdecode(error.filename)))}: {reason}"
    return reason


def _text_streams_never_fail() -> None:
    """Characters the terminal's encoding lacks (a C or Latin-1 locale) are
    written as escapes instead of failing the run."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


def _silence_stdout() -> None:
    """After standard output failed, point it at /dev/null so that Python's own
    flush at exit does not print a second error."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def main(argv: list[str] | None = None) -> None:
    """Console entry point: every error is one line on stderr, never a traceback."""
    _text_streams_never_fail()
    try:
        os.getcwd()
    except OSError:
        _fail("scaffold: error: the current directory no longer exists; cd into one that does", 1)
    try:
        # make_context/invoke rather than cli.main: click's main answers Ctrl-C
        # with a blank line of its own before any message.
        arguments = sys.argv[1:] if argv is None else list(argv)
        try:
            with cli.make_context("scaffold", arguments) as context:
                code = cli.invoke(context)
        except click.exceptions.Exit as exit_:
            code = exit_.exit_code
        try:
            sys.stdout.flush()
        except OSError as error:
            raise OutputFailed(f"cannot write to standard output ({error.strerror})") from None
    except click.UsageError as error:
        command = error.ctx.command_path if error.ctx else "scaffold"
        _fail(f"{command}: error: {_one_line(error.format_message())} (see '{command} --help')", 2)
    except click.ClickException as error:
        _fail(f"scaffold: error: {_one_line(error.format_message())}", error.exit_code)
    except (click.Abort, KeyboardInterrupt):
        _fail("scaffold: interrupted", 130)
    except OutputFailed as error:
        _silence_stdout()
        _fail(f"scaffold: error: {_one_line(str(error))}", 1)
    except ScaffoldError as error:
        _fail(f"scaffold: error: {_one_line(str(error))}", error.exit_code)
    except OSError as error:
        _silence_stdout()
        _fail(f"scaffold: error: {_one_line(_os_error(error))}", 1)
    sys.exit(code if isinstance(code, int) else 0)


from . import lifecycle_cli  # noqa: E402,F401  (registers update and destroy)

if __name__ == "__main__":  # pragma: no cover
    main()
