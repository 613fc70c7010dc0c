"""Where kinds come from: the built-in kinds, and the kinds a user brings.

- built-in: every folder of templates/kinds/ that holds a kind.toml;
- a kind folder given as a path: `scaffold layer NAME --kind ./my-kind`;
- a directory of kind folders named in the project's pyproject.toml
  (`[tool.scaffold] kinds = "path"`);
- kind packs installed with pip, through the `scaffold.kinds` entry-point group
  (each entry point names a package whose directory holds kind folders). They
  are looked up only when the asked kind is found nowhere else, or when every
  kind is listed, because scanning the installed distributions takes time.

A user kind has exactly the format of a built-in one; its name (its folder's
name) may not be a built-in kind's.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import NamedTuple

from ..core.errors import UsageProblem
from ..core.plan import display
from .spec import NAME, SPEC_FILE, TEMPLATE_FILE, KindSpec, load_spec

ENTRY_POINT_GROUP = "scaffold.kinds"


class Kind(NamedTuple):
    """A loaded kind: its name, its folder, where it came from, and its spec."""

    name: str
    folder: Path
    source: str  # "built-in", "path", "pyproject" or "entry point"
    origin: str  # where exactly: the pyproject.toml, or the entry point and distribution
    spec: KindSpec

    @property
    def builtin(self) -> bool:
        return self.source == "built-in"

    @property
    def template(self) -> Path:
        return self.folder / TEMPLATE_FILE

    @property
    def shown_source(self) -> str:
        return self.source if not self.origin else f"{self.source}: {self.origin}"


def builtin_root() -> Path:
    from ..core.render import templates_dir

    return templates_dir() / "kinds"


def _kind_folders(directory: Path) -> dict[str, Path]:
    """name -> folder, for every folder of `directory` that holds a kind.toml."""
    try:
        entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
    except OSError:
        return {}
    return {
        entry.name: Path(entry.path)
        for entry in entries
        if not entry.name.startswith(("_", "."))
        and os.path.isfile(os.path.join(entry.path, SPEC_FILE))
    }


def builtin_names() -> list[str]:
    return list(_kind_folders(builtin_root()))


@functools.lru_cache(maxsize=None)
def _load(folder: Path, source: str, origin: str) -> Kind:
    name = folder.name
    if not NAME.fullmatch(name):
        raise UsageProblem(
            f"kind folder {display(folder)}: {name!r} is not a kind name (lowercase letters, "
            "digits, '-' or '_', starting with a letter); rename the folder"
        )
    if source != "built-in" and name in builtin_names():
        raise UsageProblem(
            f"kind folder {display(folder)} is named like the built-in kind {name!r}; rename it"
        )
    return Kind(name, folder, source, origin, load_spec(folder))


def builtin_kinds() -> list[Kind]:
    return [_load(folder, "built-in", "") for folder in _kind_folders(builtin_root()).values()]


def looks_like_path(value: str) -> bool:
    return "/" in value or os.sep in value or value.startswith(("~", "."))


def path_kind(value: str) -> Kind:
    folder = Path(os.path.abspath(os.path.expanduser(value)))
    if not folder.is_dir():
        raise UsageProblem(f"--kind {value}: no such kind folder")
    if not (folder / SPEC_FILE).is_file():
        raise UsageProblem(f"--kind {value}: the folder has no {SPEC_FILE}")
    return _load(folder, "path", "")


def project_kinds() -> dict[str, Kind]:
    """The kinds of the directory `[tool.scaffold] kinds` names, if any."""
    from ..core.config import load_tool_config

    config = load_tool_config()
    if config is None or "kinds" not in config.values:
        return {}
    directory = config.directory("kinds")
    if not directory.is_dir():
        raise config.fields.fail(
            ("tool", "scaffold"), "kinds", f"{display(directory)} is not a directory"
        )
    origin = display(config.path)
    return {
        name: _load(folder, "pyproject", origin)
        for name, folder in _kind_folders(directory).items()
    }


def entry_point_kinds() -> dict[str, Kind]:
    """The kinds of installed kind packs (entry-point group `scaffold.kinds`)."""
    from importlib.metadata import entry_points

    kinds: dict[str, Kind] = {}
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        distribution = entry_point.dist
        label = (
            f"{entry_point.name} ({distribution.name} {distribution.version})"
            if distribution
            else entry_point.name
        )
        try:
            target = entry_point.load()
        except Exception as error:  # the pack's own import failed: say which pack
            raise UsageProblem(
                f"kind pack {label} (entry point {entry_point.value}) does not load: "
                f"{type(error).__name__}: {error}"
            ) from None
        if hasattr(target, "__path__"):
            directory = Path(list(target.__path__)[0])
        elif isinstance(target, (str, os.PathLike)):
            directory = Path(target)
        else:
            raise UsageProblem(
                f"kind pack {label}: entry point {entry_point.value} must name a package "
                "whose directory holds kind folders"
            )
        for name, folder in _kind_folders(directory).items():
            if name in kinds:
                raise UsageProblem(
                    f"kind {name!r} comes from two kind packs: {kinds[name].origin} and {label}"
                )
            kinds[name] = _load(folder, "entry point", label)
    return kinds


def resolve(value: str) -> Kind:
    """The kind `--kind VALUE` names: a built-in name, a kind folder path, or
    the name of a kind from the project's pyproject.toml or an installed pack."""
    if looks_like_path(value):
        return path_kind(value)
    builtins = builtin_names()
    if value in builtins:
        return _load(builtin_root() / value, "built-in", "")
    project = project_kinds()
    if value in project:
        return project[value]
    packs = entry_point_kinds()
    if value in packs:
        return packs[value]
    user = sorted({*project, *packs})
    others = f"; user kinds: {', '.join(user)}" if user else ""
    raise UsageProblem(
        f"--kind {value!r} is not one of: {', '.join(builtins)}{others} "
        "(or give a kind folder as a path, e.g. ./my-kind)"
    )


def all_kinds(paths: tuple[str, ...] = ()) -> list[Kind]:
    """Every kind: built-in, from pyproject.toml, from kind packs, and from `paths`."""
    kinds = builtin_kinds()
    seen = {kind.name: kind for kind in kinds}
    user = [*project_kinds().values(), *entry_point_kinds().values(), *map(path_kind, paths)]
    for kind in user:
        if kind.name in seen:
            raise UsageProblem(
                f"two kinds are named {kind.name!r}: {seen[kind.name].shown_source} "
                f"({display(seen[kind.name].folder)}) and {kind.shown_source} ({display(kind.folder)})"
            )
        seen[kind.name] = kind
        kinds.append(kind)
    return kinds
