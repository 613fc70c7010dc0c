"""`scaffold update` and `scaffold destroy`: what happens to generated code after generation."""

from __future__ import annotations

from pathlib import Path

import click

from .cli import CONTEXT, cli, dry_run_option, run_plan, say
from .core.defaults import DefaultsCommand


class DestroyCommand(DefaultsCommand):
    takes = frozenset({"output-dir"})  # where `scaffold layer` puts layers by default


@cli.command(cls=DestroyCommand, context_settings=CONTEXT)
@click.argument("name")
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(path_type=Path),
    default=Path("."),
    show_default=True,
    help="Directory the layer was generated into (the one holding .scaffold.toml).",
)
@click.option(
    "--force", is_flag=True, help="Remove the layer's files even if they were edited since."
)
@dry_run_option
def destroy(name, output_dir, force, dry_run):
    """Remove the layer NAME that `scaffold layer` generated: its module, its
    test, its registration in __init__.py and its entry in .scaffold.toml.

    Files edited since they were generated are not removed without --force.
    A test helper other layers still use stays. The directories the
    generation created go when they are left empty, so generating then
    destroying a layer leaves the tree as it was. Projects are not destroyed:
    delete a project's directory yourself.

    \b
    Examples:
      scaffold destroy Scale -o mypkg/layers
      scaffold destroy Scale --dry-run
    """
    from .destroy import destroy_plan

    run_plan(destroy_plan(name, output_dir, force), dry_run, force=False)


@cli.command(context_settings=CONTEXT)
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="KEY=VALUE",
    help="Change a recorded answer (units=64, activation=relu, weights-in=init); "
    "repeatable. Checked as `scaffold layer` checks its options.",
)
@click.option("--layer", metavar="NAME", help="Update only this layer of the record.")
@click.option(
    "--conflicts",
    type=click.Choice(["refuse", "inline"]),
    default="refuse",
    show_default=True,
    help="Where your edits and the template's change overlap: write nothing, or write "
    "the files with git-style conflict markers for you to resolve.",
)
@dry_run_option
def update(path, sets, layer, conflicts, dry_run):
    """Bring generated files up to date with the current templates, keeping your edits.

    PATH is a generated project or a directory scaffold generated layers into
    (default: the nearest .scaffold.toml from the current directory up).
    Each file is rendered again from the recorded answers and merged three
    ways with the version generated last time and your file as it is: an
    untouched file is replaced, an edited one keeps your edits where they do
    not overlap the template's change. Overlapping changes are conflicts:
    listed, and nothing is written (exit code 1), unless --conflicts inline.
    A file you deleted stays deleted.

    \b
    Examples:
      scaffold update
      scaffold update mypkg/layers --layer Scale --set units=64
      scaffold update lenet5 --dry-run
    """
    from .core.errors import ScaffoldError
    from .update import parse_sets, update_plan

    inline = conflicts == "inline"
    result = update_plan(path, layer, parse_sets(sets))
    for note in result.notes:
        click.echo(f"scaffold: {note}", err=True)
    if dry_run:
        say(result.diff())
    else:
        say(result.report(inline))
    if result.conflicts and not inline:
        raise ScaffoldError(
            f"{len(result.conflicts)} file(s) have changes of yours that overlap the "
            "template's: nothing was written (--conflicts inline writes them with markers)"
        )
    if dry_run:
        say("dry run: nothing was written")
        return
    result.plan.commit(force=False)
    if result.conflicts:
        say(
            f"{len(result.conflicts)} file(s) hold conflict markers (<<<<<<< yours ... "
            ">>>>>>> scaffold): resolve them"
        )
