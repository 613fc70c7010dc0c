"""`[tool.scaffold]` in the user's pyproject.toml: settings of the project scaffold runs in.

The file is found by walking up from the current directory to the first
pyproject.toml (the project's root). The table's keys are declared in KEYS,
each with the type of its value; an unknown key or a value of the wrong type is
one line naming the key and the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from .tomlfile import Fields, describe, load

# key -> (expected Python type, what it means)
KEYS: dict[str, tuple[type, str]] = {
    "kinds": (str, "a directory of kind folders, relative to pyproject.toml"),
}
TABLE = ("tool", "scaffold")


class ToolConfig(NamedTuple):
    path: Path  # the pyproject.toml
    values: dict[str, Any]  # only the keys it sets

    @property
    def fields(self) -> Fields:
        return Fields(self.path, self.path.read_text(encoding="utf-8"))

    def directory(self, key: str) -> Path | None:
        """A path-valued key, resolved against the pyproject.toml's directory."""
        if key not in self.values:
            return None
        return (self.path.parent / self.values[key]).resolve()


def find_pyproject(start: Path) -> Path | None:
    for directory in (start, *start.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_tool_config(start: Path | None = None) -> ToolConfig | None:
    """The `[tool.scaffold]` table of the project around `start` (default: the
    current directory), or None when there is no such table."""
    path = find_pyproject(Path.cwd() if start is None else start)
    if path is None:
        return None
    try:
        if b"scaffold" not in path.read_bytes():  # most projects: no need to parse
            return None
    except OSError:
        return None
    data, text = load(path)
    table = data.get("tool", {}).get("scaffold")
    if table is None:
        return None
    fields = Fields(path, text)
    if not isinstance(table, dict):
        raise fields.fail((), "tool.scaffold", "expected a table ([tool.scaffold])")
    for key, value in table.items():
        if key not in KEYS:
            known = ", ".join(f"{name} ({meaning})" for name, (_, meaning) in KEYS.items())
            raise fields.fail(TABLE, key, f"unknown key; [tool.scaffold] takes: {known}")
        expected, meaning = KEYS[key]
        if not isinstance(value, expected):
            raise fields.fail(TABLE, key, f"expected {meaning}, got {describe(value)}")
    return ToolConfig(path, dict(table))
