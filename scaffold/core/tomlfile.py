"""Reading TOML files (kind specs, pyproject.toml) with one-line errors that
name the file and, where one can be found, the line of the offending field."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .errors import UsageProblem
from .plan import display

_ARRAY_HEADER = re.compile(r"\[\[\s*([^\]]+?)\s*\]\]")
_TABLE_HEADER = re.compile(r"\[\s*([^\]]+?)\s*\]")


class TomlProblem(UsageProblem):
    """A TOML file the user wrote is malformed or holds a wrong value (exit code 2)."""


def load(path: Path) -> tuple[dict[str, Any], str]:
    """The parsed table and the text of a TOML file."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise TomlProblem(f"{display(path)}: cannot be read ({reason})") from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as error:
        line = re.search(r"at line (\d+)", str(error))
        where = f"{display(path)}:{line.group(1)}" if line else display(path)
        raise TomlProblem(f"{where}: not valid TOML ({error})") from None
    except RecursionError:  # the parser recurses once per nested array or table
        raise TomlProblem(f"{display(path)}: nests arrays or tables too deeply") from None


def _parts(header: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in header.split("."))


def locate(text: str, table: tuple, key: str | None = None) -> int | None:
    """The line number of `key` in `table`, or of the table's header when `key`
    is None; None when it cannot be found.

    `table` is a path of names such as ("options", "units"); an entry of an
    array of tables is written (name, index), e.g. ("arguments", 2); () is the
    top level. Dotted keys and inline tables are not followed.
    """
    current: tuple = ()
    counts: dict[tuple, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        array = _ARRAY_HEADER.match(stripped)
        plain = None if array else _TABLE_HEADER.match(stripped)
        if array:
            name = _parts(array.group(1))
            counts[name] = counts.get(name, -1) + 1
            current = (*name, counts[name])
        elif plain:
            current = _parts(plain.group(1))
        elif key is not None and current == table:
            match = re.match(r"[\"']?([A-Za-z0-9_-]+)[\"']?\s*=", stripped)
            if match and match.group(1) == key:
                return number
            continue
        else:
            continue
        if key is None and current == table:
            return number
    return None


class Fields:
    """Errors about fields of one TOML file: `file:line: [table] key: problem`."""

    def __init__(self, path: Path, text: str):
        self.path = path
        self.text = text

    def where(self, table: tuple = (), key: str | None = None) -> str:
        line = locate(self.text, table, key) if key is not None else None
        if line is None and table:
            line = locate(self.text, table)
        return f"{display(self.path)}:{line}" if line else display(self.path)

    def fail(self, table: tuple, key: str | None, problem: str) -> TomlProblem:
        field = _field_name(table, key)
        return TomlProblem(f"{self.where(table, key)}: {field + ': ' if field else ''}{problem}")


def _field_name(table: tuple, key: str | None) -> str:
    if not table:
        return key or ""
    names = [str(p) for p in table if not isinstance(p, int)]
    index = next((p for p in table if isinstance(p, int)), None)
    shown = f"[[{'.'.join(names)}]] #{index + 1}" if index is not None else f"[{'.'.join(names)}]"
    return f"{shown} {key}" if key else shown


def describe(value: Any) -> str:
    """A TOML value as the user wrote it, for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return repr(value)
