"""`scaffold migrate`: migrate files, print diffs and findings, write through a Plan."""

from __future__ import annotations

import os
from pathlib import Path

import click

from ..core.errors import ScaffoldError
from ..core.plan import Plan, unless_changed
from .discover import python_files
from .driver import migrate_file, relative
from .report import FileResult, render_findings, render_json, summary


def run_migrate(paths, *, write: bool, check_only: bool, output_format: str, say) -> int:
    """Migrate every file, print through `say`; return the exit code."""
    files = python_files(list(paths))
    results = [migrate_file(path, relative(path)) for path in files]
    refused = [r for r in results if r.refused]
    for result in refused:
        click.echo(f"scaffold: {result.path}: refused: {result.refused}", err=True)
    written = False
    if write and not refused:
        _commit(files, results)
        written = True
    if output_format == "json":
        say(render_json(results, written))
    else:
        say(_render_text(results, write=write, check_only=check_only, written=written))
    if write and refused:
        raise ScaffoldError(
            f"{len(refused)} file(s) refused (see above): nothing was written; "
            "fix or leave them out and run again"
        )
    if refused or (check_only and any(r.changed for r in results)):
        return 1
    return 0


def _commit(files: list[Path], results: list[FileResult]) -> None:
    """Write every change through one Plan: locked, journaled, all files or none."""
    changed = [(path, r) for path, r in zip(files, results) if r.changed]
    if not changed:
        return
    plan = Plan(Path(os.path.commonpath([str(path.parent) for path, _ in changed])))
    for path, result in changed:
        plan.edit(path, _replace(result))
    try:
        plan.commit(force=False)
    finally:
        for note in plan.notes:  # what recovering an interrupted run did
            click.echo(f"scaffold: {note}", err=True)


def _replace(result: FileResult):
    """The edit of one file: its migrated bytes, provided the file is still
    what was migrated (the Plan reads it again under its lock)."""
    before, after = result.original.encode("utf-8"), result.migrated.encode("utf-8")
    changed = (
        f"{result.path} changed while it was being migrated; nothing was written: "
        "run scaffold migrate again"
    )
    return unless_changed(before, after, changed)


def _render_text(results, *, write: bool, check_only: bool, written: bool) -> str:
    lines = []
    for result in results:
        if result.refused:
            continue
        if result.changed and not write and not check_only:
            lines.append(result.diff().rstrip("\n"))
        elif result.changed:
            lines.append(f"{'updated' if written else 'would change'}: {result.path}")
        lines.extend(render_findings(result))
    lines.append(summary(results))
    if written:
        lines.append("written")
    elif write:
        lines.append("nothing was written")
    elif check_only:
        changed = sum(r.changed for r in results)
        lines.append(f"check: {changed} file(s) would change" if changed else "check: up to date")
    else:
        lines.append("dry run: nothing was written (--write applies the changes)")
    return "\n".join(lines)
