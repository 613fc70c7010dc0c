"""`[tool.scaffold]` in the user's pyproject.toml: settings of the project scaffold runs in.

The file is found by walking up from the current directory to the first
pyproject.toml (the project's root). Besides `kinds`, every key is the default
of a command-line option, named like its flag without the dashes: the options
declared in KEYS, and each kind option (`units`, `kernel-size`...) of the
built-in kinds and of the kinds in the `kinds` directory. An unknown key or a
value of the wrong type is one line naming the key and the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from .tomlfile import Fields, describe, load

# key -> (expected Python type, what it means, the values it takes or ())
KEYS: dict[str, tuple[type, str, tuple]] = {
    "kinds": (str, "a directory of kind folders, relative to pyproject.toml", ()),
    "kind": (str, "a kind name or a kind folder (relative to pyproject.toml)", ()),
    "output-dir": (str, "a directory, relative to pyproject.toml", ()),
    "tests-dir": (str, "a directory, relative to pyproject.toml", ()),
    "no-tests": (bool, "true or false", ()),
    "weights-in": (str, "build or init", ("build", "init")),
    "weight-api": (str, "add_weight or variable", ("add_weight", "variable")),
    "dynamic": (bool, "true or false", ()),
    "input-dim": (int, "a whole number", ()),
    "description": (str, "a line of text", ()),
    "style": (str, "custom or builtin", ("custom", "builtin")),
}
PATH_KEYS = ("kinds", "output-dir", "tests-dir")
# what a kind option's type takes in TOML
OPTION_VALUES = {
    "int": (int, "a whole number"),
    "float": ((int, float), "a number"),
    "bool": (bool, "true or false"),
    "choice": (str, "a string"),
    "activation": (str, "an activation name"),
}
TABLE = ("tool", "scaffold")


class ToolConfig(NamedTuple):
    path: Path  # the pyproject.toml
    values: dict[str, Any]  # only the keys it sets

    @property
    def fields(self) -> Fields:
        return Fields(self.path, self.path.read_text(encoding="utf-8"))

    def value(self, key: str) -> Any:
        """A key's value; paths resolved against the pyproject.toml's directory."""
        if key in PATH_KEYS:
            return self.directory(key)
        return self.values[key]

    def fail(self, key: str, problem: str):
        """The error for a value that is refused once used: `file:line: key: problem`."""
        return self.fields.fail(TABLE, key, problem)

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
    options = None
    for key, value in table.items():
        if key in KEYS:
            expected, meaning, choices = KEYS[key]
        else:
            if options is None:
                options = kind_options(path.parent / table.get("kinds", "\0"))
            if key not in options:
                raise fields.fail(
                    TABLE,
                    key,
                    "unknown key; [tool.scaffold] takes kinds and the options of `scaffold "
                    "layer` and `scaffold lenet` without their dashes (output-dir, "
                    f"units, ...): {', '.join(sorted([*KEYS, *options]))}",
                )
            (expected, meaning), choices = OPTION_VALUES[options[key].type], ()
        if isinstance(value, bool) and expected is not bool or not isinstance(value, expected):
            raise fields.fail(TABLE, key, f"expected {meaning}, got {describe(value)}")
        if choices and value not in choices:
            raise fields.fail(TABLE, key, f"expected {meaning}, got {describe(value)}")
    return ToolConfig(path, dict(table))


def kind_options(kinds_directory: Path) -> dict[str, Any]:
    """flag name without dashes -> OptionSpec, for every option of the built-in
    kinds and of the kinds in `kinds_directory`."""
    from ..kinds.registry import _kind_folders, builtin_kinds
    from ..kinds.spec import load_spec

    specs = [kind.spec for kind in builtin_kinds()]
    if kinds_directory.is_dir():
        specs += [load_spec(folder) for folder in _kind_folders(kinds_directory).values()]
    return {
        option.name.replace("_", "-"): option for spec in specs for option in spec.options.values()
    }
