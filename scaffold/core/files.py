"""What a generator returns, and the one pass that turns it into a Plan.

A generator decides which files to write and which edits to make, as plain
data: `Render` (a file from a template and its context), `Text` (a file copied
as it is) and `Register` (a layer added to an existing package's
`__init__.py`). `stage` then renders everything, in memory, into a Plan that is
shown (--dry-run) or committed all at once; nothing is decided while
rendering, nothing is written while deciding.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Mapping, NamedTuple, Union

from .plan import Plan, display


class Render(NamedTuple):
    """A file rendered from a template."""

    path: Path
    template: str  # its name for the Jinja loader
    context: Mapping[str, Any]
    search: Path | None = None  # a user's kind folder, searched before templates/
    exact: bool = True  # a built-in template: its output is already black's
    origin: str = ""  # who owns the template, for errors ("kind rms-norm: ")


class Register(NamedTuple):
    """Import a layer class in a package's `__init__.py` and list it in `__all__`."""

    init: Path
    module: str
    class_name: str


class Text(NamedTuple):
    """A file written as given. Items of one run may repeat it (every layer's
    test needs the contract module beside it): the first is kept."""

    path: Path
    text: str


Item = Union[Render, Register, Text]


def stage(root: Path, items: Iterable[Item]) -> Plan:
    """Render every item into a Plan rooted at `root`; nothing is written."""
    from .render import render_file

    plan = Plan(root)
    for item in items:
        if isinstance(item, Render):
            text = render_file(
                item.template,
                dict(item.context),
                item.path.name,
                search=item.search,
                exact=item.exact,
                origin=item.origin,
            )
            plan.add(item.path, text)
        elif isinstance(item, Text):
            if not plan.has(item.path):
                plan.add(item.path, item.text)
        else:
            from .initedit import add_registration  # only needed for packages

            label = display(item.init)
            plan.edit(
                item.init,
                lambda data, item=item, label=label: add_registration(
                    data, item.module, item.class_name, label
                ),
            )
    return plan
