"""`scaffold update` and `scaffold destroy`: what happens to generated code after generation."""

from __future__ import annotations

from pathlib import Path

import click

from .cli import CONTEXT, cli, dry_run_option, run_plan


@cli.command(context_settings=CONTEXT)
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
