"""`scaffold kinds`: every kind with its source, summary and options."""

from __future__ import annotations

import json
import textwrap

from ..core.plan import display
from .registry import Kind


def kinds_text(kinds: list[Kind]) -> str:
    lines = []
    for kind in kinds:
        where = (
            kind.shown_source if kind.builtin else f"{kind.shown_source}, {display(kind.folder)}"
        )
        lines.append(f"{kind.name} ({where})")
        lines += textwrap.wrap(kind.spec.summary, 88, initial_indent="  ", subsequent_indent="  ")
        options = list(kind.spec.options.values())
        width = max((len(o.usage) for o in options), default=0)
        for option in options:
            lines.append(f"    {option.usage:{width}}  default: {option.shown(option.default)}")
        if not options:
            lines.append("    (no options)")
    return "\n".join(lines) + "\n"


def kinds_json(kinds: list[Kind]) -> str:
    payload = [
        {
            "name": kind.name,
            "source": kind.source,
            "origin": kind.origin,
            "folder": str(kind.folder),
            "summary": kind.spec.summary,
            "input": kind.spec.input,
            "owns_weights": kind.spec.owns_weights,
            "has_weights": kind.spec.has_weights,
            "options": [
                {
                    "name": option.name,
                    "flag": option.flags,
                    "type": option.type,
                    "default": option.default,
                    "help": option.help,
                    **({"min": option.min, "max": option.max} if option.min is not None else {}),
                    **({"choices": list(option.choices)} if option.choices else {}),
                }
                for option in kind.spec.options.values()
            ],
            "arguments": [
                {"name": argument.name, "type": argument.type, "option": argument.option}
                for argument in kind.spec.arguments
            ],
        }
        for kind in kinds
    ]
    return json.dumps({"kinds": payload}, indent=2) + "\n"
