"""The README's tables of kinds and kind options, generated from the kind specs.

The test suite checks that README.md holds exactly these tables; after changing
a kind, refresh them with:

    python -m scaffold.kinds.docs README.md
"""

from __future__ import annotations

import sys
from pathlib import Path

from . import DEFAULT_KIND
from .registry import builtin_kinds
from .schema import merge, options_table

INPUTS = {"features": "`(batch, ..., C)`", "images": "`(batch, H, W, C)`"}


def kinds_table(kinds) -> str:
    rows = ["| kind (`--kind`) | what it is | input | weights |", "| --- | --- | --- | --- |"]
    for kind in kinds:
        name = f"`{kind.name}`" + (" (default)" if kind.name == DEFAULT_KIND else "")
        weights = "its own" if kind.spec.owns_weights else "its sublayers'"
        weights = weights if kind.spec.has_weights else "none"
        rows.append(f"| {name} | {kind.spec.summary} | {INPUTS[kind.spec.input]} | {weights} |")
    return "\n".join(rows) + "\n"


def readme_sections() -> dict[str, str]:
    kinds = builtin_kinds()
    return {"kinds": kinds_table(kinds), "kind options": options_table(merge(kinds).values())}


def update(readme: Path) -> bool:
    """Rewrite the generated tables of `readme`; True if anything changed."""
    text = original = readme.read_text(encoding="utf-8")
    for name, table in readme_sections().items():
        begin, end = f"<!-- {name}: generated from the kind specs -->\n", f"<!-- end {name} -->"
        head, found, rest = text.partition(begin)
        if not found:
            raise SystemExit(f"{readme}: no '{begin.strip()}' marker")
        text = head + begin + table + end + rest.split(end, 1)[1]
    readme.write_text(text, encoding="utf-8")
    return text != original


if __name__ == "__main__":
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "README.md")
    print(f"{path}: {'updated' if update(path) else 'up to date'}")
