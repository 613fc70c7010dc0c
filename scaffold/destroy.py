"""`scaffold destroy NAME`: undo `scaffold layer NAME`, as the record describes it.

The layer's module and test go (a file another recorded layer also lists, such
as a shared test helper, stays), its registration leaves `__init__.py` through
the same editor that added it, and its entry leaves the record; the record, its
base copies and the directories the generations created go with the last
layer. Files changed since they were generated are not removed without
--force. Everything happens in one Plan commit.
"""

from __future__ import annotations

import os
from pathlib import Path

from . import record
from .core.errors import ScaffoldError, UsageProblem
from .core.names import parse_name
from .core.plan import Plan, display


def _load(directory: Path) -> dict:
    content = record.load(directory)
    where = display(directory)
    if content is None:
        raise UsageProblem(
            f"{where} has no {record.RECORD}: scaffold destroy removes layers that scaffold "
            "generated there (give their directory with -o)"
        )
    if content.get("project") and not content["layers"]:
        raise UsageProblem(
            f"{where} is a project scaffold generated: scaffold destroy removes layers; "
            "to remove a project, delete its directory yourself"
        )
    return content


def edited_files(directory: Path, content: dict, names: list[str]) -> list[str]:
    """The recorded files whose bytes on disk differ from what was generated."""
    edited = []
    for name in names:
        path = record.absolute(directory, name)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            continue
        if record.digest(data) != content["files"].get(name):
            edited.append(display(path))
    return edited


def destroy_plan(name: str, output_dir: Path, force: bool) -> Plan:
    """The plan that removes the layer NAME generated into `output_dir`."""
    directory = Path(os.path.abspath(output_dir))
    content = _load(directory)
    module = parse_name(name).module_name
    entry = content["layers"].get(module)
    if entry is None:
        recorded = ", ".join(e.get("name", k) for k, e in sorted(content["layers"].items()))
        raise UsageProblem(
            f"{display(directory)} has no generated layer {name!r}; its record lists: {recorded}"
        )
    files = list(entry.get("files", []))
    edited = edited_files(directory, content, files)
    if edited and not force:
        raise ScaffoldError(
            f"changed since scaffold generated them: {', '.join(edited)}; nothing was "
            "removed (--force removes them anyway)"
        )
    remaining = record.with_entry(content, module, None, {})
    still_needed = record.referenced(remaining)
    removed = [record.absolute(directory, n) for n in files if n not in still_needed]
    directories = [record.absolute(directory, d) for d in content.get("directories", [])]
    anchors = [p.parent for p in removed] + [d.parent for d in directories] + [directory]
    plan = Plan(Path(os.path.commonpath(anchors)))
    for path in removed:
        plan.remove(path)
    init = record.absolute(directory, entry.get("registered-in", "__init__.py"))
    if entry.get("registered-in") and init.is_file():
        from .core.initedit import remove_registration

        class_name, label = entry.get("name", ""), display(init)
        plan.edit(init, lambda data: remove_registration(data, module, class_name, label))
    record.stage(plan, directory, module, None, {})
    for path in directories:
        plan.remove_directory(path)
    return plan
