"""The record of how generated files were made: `.scaffold.toml`, and `.scaffold/` beside it.

A project keeps one record at its root; a package (or plain directory) that
received layers keeps one for all of them. The record holds, per generation
(`[project]`, or `[layers.MODULE]` for each layer), the tool version, the kind
and where it came from, every answer, and the files it wrote; `[files]` maps
each file (relative to the record's directory) to the sha256 of the text the
templates gave it. A copy of that text is kept in `.scaffold/<sha256>`: it is
the base of the three-way merge `scaffold update` makes, and an installed
scaffold has no older templates to render it again from.

A file several layers generate (a shared test helper) is listed by each of
them: it is removed with the last one. The record is written in the same Plan
commit as the files it describes, through an edit applied under the lock, so
concurrent runs into one package each add their own layer.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any, Iterable

from . import __version__
from .core.errors import ScaffoldError
from .core.plan import Plan, display

RECORD = ".scaffold.toml"
BASES = ".scaffold"
FORMAT = 1
HEADER = (
    "# How scaffold generated the files of this directory, read by `scaffold update`\n"
    "# and `scaffold destroy`. .scaffold/ beside it keeps each file as generated.\n"
)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def record_path(directory: Path) -> Path:
    return Path(directory) / RECORD


def base_path(directory: Path, sha: str) -> Path:
    return Path(directory) / BASES / sha


def relative(directory: Path, path: Path) -> str:
    """A path as the record writes it: relative to the record's directory, `/`-separated."""
    return Path(os.path.relpath(path, directory)).as_posix()


def absolute(directory: Path, name: str) -> Path:
    return Path(os.path.normpath(Path(directory) / name))


class RecordProblem(ScaffoldError):
    """A record that cannot be read or does not say what is needed."""


def parse(data: bytes, path: Path) -> dict[str, Any]:
    """A record's content, checked for the tables the commands read."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    if not data.strip():
        return {"format": FORMAT, "files": {}, "layers": {}}
    try:
        content = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise RecordProblem(f"{display(path)}: not a readable record ({error})") from None
    if content.get("format") != FORMAT:
        raise RecordProblem(
            f"{display(path)}: format {content.get('format')!r} is not one this scaffold "
            f"reads ({FORMAT})"
        )
    content.setdefault("files", {})
    content.setdefault("layers", {})
    shapes = {"files": dict, "layers": dict, "project": dict, "directories": list}
    for key, kind in shapes.items():
        if key in content and not isinstance(content[key], kind):
            raise RecordProblem(f"{display(path)}: {key} is not a {kind.__name__}")
    for name, sha in content["files"].items():
        if os.path.isabs(name) or "\0" in name or not isinstance(sha, str):
            raise RecordProblem(f"{display(path)}: [files] {name!r} is not a file it can record")
    return content


def load(directory: Path) -> dict[str, Any] | None:
    """The record of `directory`, or None when it has none."""
    path = record_path(directory)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise RecordProblem(f"cannot read {display(path)} ({error.strerror})") from None
    return parse(data, path)


def find(start: Path) -> Path | None:
    """The nearest directory holding a record, from `start` up."""
    start = Path(os.path.abspath(start))
    for directory in (start, *start.parents):
        if record_path(directory).is_file():
            return directory
    return None


def _sorted(table: dict[str, Any]) -> dict[str, Any]:
    return {key: table[key] for key in sorted(table)}


def dumps(content: dict[str, Any]) -> bytes:
    """The record as TOML: sorted keys and tables, one file per line, no dates."""
    import tomli_w

    out: dict[str, Any] = {"format": FORMAT}
    if content.get("directories"):
        out["directories"] = sorted(set(content["directories"]))
    out["files"] = _sorted(content.get("files", {}))
    if content.get("project"):
        out["project"] = _entry(content["project"])
    if content.get("layers"):
        out["layers"] = {
            name: _entry(content["layers"][name]) for name in sorted(content["layers"])
        }
    return (HEADER + "\n" + tomli_w.dumps(out, multiline_strings=False)).encode("utf-8")


def _entry(entry: dict[str, Any]) -> dict[str, Any]:
    """An entry's plain keys first (sorted), then its answers table; lists one item a line."""
    plain = {k: v for k, v in sorted(entry.items()) if not isinstance(v, dict)}
    if "files" in plain:
        plain["files"] = sorted(plain["files"])
    tables = {k: _sorted(v) for k, v in sorted(entry.items()) if isinstance(v, dict)}
    return {**plain, **tables}


def referenced(content: dict[str, Any]) -> set[str]:
    """Every file some entry of the record lists."""
    names = set(content.get("project", {}).get("files", []))
    for entry in content["layers"].values():
        names.update(entry.get("files", []))
    return names


def with_entry(
    content: dict[str, Any],
    key: str | None,
    entry: dict[str, Any] | None,
    fingerprints: dict[str, str],
    directories: Iterable[str] = (),
) -> dict[str, Any]:
    """The record with the entry `key` (a layer's module, None for the project)
    replaced by `entry` (None removes it), the given files' fingerprints set,
    and the files no entry lists any more dropped."""
    content = {**content, "files": dict(content["files"]), "layers": dict(content["layers"])}
    if key is None:
        if entry is None:
            content.pop("project", None)
        else:
            content["project"] = entry
    elif entry is None:
        content["layers"].pop(key, None)
    else:
        content["layers"][key] = entry
    content["files"].update(fingerprints)
    listed = referenced(content)
    content["files"] = {name: sha for name, sha in content["files"].items() if name in listed}
    content["directories"] = sorted({*content.get("directories", []), *directories})
    return content


def is_empty(content: dict[str, Any]) -> bool:
    return not content.get("project") and not content["layers"]


def created_directories(directory: Path, paths: Iterable[Path]) -> list[str]:
    """The directories (relative to the record's) that writing `paths` creates."""
    found = set()
    for path in paths:
        current = path.parent
        while not current.exists() and current not in found:
            found.add(current)
            current = current.parent
    return sorted(relative(directory, d) for d in found)


def stage(
    plan: Plan,
    directory: Path,
    key: str | None,
    entry: dict[str, Any] | None,
    generated: dict[Path, bytes],
    directories: Iterable[str] = (),
) -> None:
    """Add to `plan` the record's new state: `entry` (None: removed), with the
    fingerprints and base copies of `generated` (path -> the templates' text),
    and the removal of base copies no file needs any more."""
    stage_many(plan, directory, [(key, entry, generated)], directories)


def stage_many(
    plan: Plan,
    directory: Path,
    changes: list[tuple[str | None, dict[str, Any] | None, dict[Path, bytes]]],
    directories: Iterable[str] = (),
) -> None:
    """`stage` for several entries of one record at once: (key, entry, generated) each."""
    directory = Path(os.path.abspath(directory))
    directories = list(directories)
    staged = []
    for key, entry, generated in changes:
        fingerprints = {relative(directory, p): digest(data) for p, data in generated.items()}
        if entry is not None:
            entry = {**entry, "tool-version": __version__, "files": sorted(fingerprints)}
        staged.append((key, entry, fingerprints))

    def apply(content: dict[str, Any]) -> dict[str, Any]:
        for key, entry, fingerprints in staged:
            content = with_entry(content, key, entry, fingerprints, directories)
        return content

    before = load(directory) or parse(b"", record_path(directory))
    after = apply(before)
    for _, _, generated in changes:
        for data in generated.values():
            base = base_path(directory, digest(data))
            if base not in plan.paths:
                plan.add(base, data)
    for sha in set(before["files"].values()) - set(after["files"].values()):
        plan.remove(base_path(directory, sha))

    def write(current: bytes) -> bytes:
        # Applied under the lock: another run's entries written meanwhile stay.
        return dumps(apply(parse(current, record_path(directory))))

    if all(entry is None for _, entry, _ in changes) and is_empty(after):
        plan.remove(record_path(directory))
        plan.remove_directory(directory / BASES)
    else:
        plan.edit(record_path(directory), write)


def is_bookkeeping(path: Path) -> bool:
    """A base copy inside .scaffold/: not worth a line of a command's report."""
    return path.parent.name == BASES
