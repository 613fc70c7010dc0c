"""`scaffold update`: render a record's generations again and merge three ways.

For each file: base = the text generated last time (its copy in .scaffold/),
ours = the file as it is now, theirs = what the current templates render from
the recorded answers (perhaps changed by --set). The merge is `merge3`, the
three-way merge of the Breezy version-control system (the algorithm of
`diff3`, on lines). A file nobody touched since it was generated is replaced;
an edited one keeps the edits that do not overlap the template's change;
overlapping changes are conflicts. A file the user deleted stays deleted. The
new files, the registrations (through scaffold.core.initedit, as when generating)
and the new record go into one Plan commit.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import record
from .core.errors import ScaffoldError, UsageProblem
from .core.plan import Plan, display, unless_changed

# What happens to one file, as the report shows it.
UNCHANGED = "unchanged"  # the new rendering is what the file already holds
REPLACED = "replaced"  # not edited since generated: the new rendering replaces it
MERGED = "merged"  # edited: the edits kept, the template's change applied
CONFLICT = "conflict"  # edits and template change overlap
DELETED = "deleted"  # the user deleted it: it stays deleted
CREATED = "created"  # new in the templates
REMOVED = "removed"  # no longer generated and not edited
KEPT = "kept"  # no longer generated, but edited: left to the user


@dataclass
class FileUpdate:
    path: Path
    outcome: str
    ours: bytes | None = None
    result: bytes | None = None  # what the file becomes (None: nothing to write)
    conflicts: list[tuple[int, int]] = field(default_factory=list)  # lines of ours, 1-based

    def line(self, inline: bool) -> str:
        text = f"{self.outcome:>9}  {display(self.path)}"
        if self.conflicts:
            ranges = ", ".join(f"{a}-{b}" if b > a else str(a) for a, b in self.conflicts)
            word = "lines" if len(self.conflicts) > 1 or "-" in ranges else "line"
            text += f": {word} {ranges}" + (" (markers written)" if inline else "")
        notes = {
            MERGED: " (your edits kept)",
            DELETED: " (you deleted it: left deleted)",
            KEPT: " (no longer generated; you edited it: left in place)",
        }
        return text + notes.get(self.outcome, "")


def _lines(data: bytes) -> list[str]:
    return data.decode("utf-8", "surrogateescape").splitlines(keepends=True)


def merge(base: bytes | None, ours: bytes, theirs: bytes, label: str):
    """(merged bytes, conflict line ranges of `ours`, merged with markers)."""
    import merge3

    base_lines = _lines(base) if base is not None else []
    ours_lines, theirs_lines = _lines(ours), _lines(theirs)
    merger = merge3.Merge3(base_lines, ours_lines, theirs_lines)
    conflicts = []
    for region in merger.merge_regions():
        if region[0] == "conflict":
            start, end = region[3], region[4]
            conflicts.append((start + 1, max(start + 1, end)))
    marked = merger.merge_lines(name_a="yours", name_b=label)
    merged = "".join(marked).encode("utf-8", "surrogateescape")
    return merged, conflicts


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise ScaffoldError(f"cannot read {display(path)} ({error.strerror})") from None


def parse_sets(pairs: tuple[str, ...]) -> dict[str, Any]:
    """`--set KEY=VALUE` pairs: VALUE read as a TOML value (64, 0.5, true), else a string."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    answers: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip().replace("_", "-")
        if not sep or not key:
            raise UsageProblem(f"--set {pair!r} is not KEY=VALUE, e.g. --set units=64")
        try:
            answers[key] = tomllib.loads(f"v = {value}")["v"]
        except tomllib.TOMLDecodeError:
            answers[key] = value
    return answers


def find_record(path: Path | None) -> Path:
    if path is not None:
        directory = Path(os.path.abspath(path))
        if not record.record_path(directory).is_file():
            raise UsageProblem(
                f"{display(directory)} has no {record.RECORD}: give a project or a directory "
                "scaffold generated layers into"
            )
        return directory
    found = record.find(Path.cwd())
    if found is None:
        raise UsageProblem(
            f"no {record.RECORD} here or in any directory above: give the directory of a "
            "generated project or layer package"
        )
    return found


class Generation:
    """One entry of a record, rendered again with its (perhaps changed) answers."""

    def __init__(self, directory: Path, key: str | None, entry: dict, sets: dict[str, Any]):
        from .answers import FIXED

        self.directory, self.key, self.entry = directory, key, entry
        fixed = sorted(set(sets) & FIXED)
        if fixed:
            raise UsageProblem(
                f"--set {fixed[0]}: where the files are is not an answer update can change"
            )
        self.answers = {**entry.get("answers", {}), **sets}
        self.registrations: list = []
        self.theirs = self._render()

    def _render(self) -> dict[Path, bytes]:
        from .core.files import Register, stage

        items = self._items()
        files = [item for item in items if not isinstance(item, Register)]
        self.registrations = [item for item in items if isinstance(item, Register)]
        plan = stage(self.directory, files)
        return {planned.path: planned.data for planned in plan.generated}

    def _items(self) -> list:
        if self.key is None:
            return self._project_items()
        from .answers import layer_options
        from .generators.layer import LayerTarget, layer_files, package_parts

        options = layer_options(self.entry, self.directory, self.answers)
        tests = self.answers.get("tests-dir")
        target = LayerTarget(
            output_dir=self.directory,
            tests_dir=None if tests is None else record.absolute(self.directory, tests),
            package_parts=package_parts(self.directory),
        )
        self.new_entry = {**self.entry, "answers": _layer_answers(options, target)}
        return layer_files(options, target)

    def _project_items(self) -> list:
        from .answers import lenet_entry
        from .generators.lenet import DEFAULT_ARCHITECTURE, lenet_files, lenet_options

        known = {"name", "style", "weights-in", "weight-api", "architecture"}
        unknown = sorted(set(self.answers) - known)
        if unknown:
            raise UsageProblem(
                f"--set {unknown[0]}: a project's answers are {', '.join(sorted(known))}"
            )
        if self.answers.get("name") != self.entry.get("answers", {}).get("name"):
            raise UsageProblem("--set name: a project's package cannot be renamed by an update")
        options = lenet_options(
            self.directory,
            self.answers.get("name"),
            self.answers.get("style", "custom"),
            self.answers.get("weights-in", "build"),
            self.answers.get("weight-api"),
            self.answers.get("architecture", DEFAULT_ARCHITECTURE),
        )
        self.new_entry = lenet_entry(options)
        return lenet_files(options)

    @property
    def label(self) -> str:
        return self.entry.get("name", self.key) if self.key else "the project"


def _layer_answers(options, target) -> dict:
    from .answers import layer_entry

    return layer_entry(options, target.output_dir, target.tests_dir)["answers"]


def file_updates(directory: Path, content: dict, generation: Generation) -> list[FileUpdate]:
    """What becomes of each file of one generation."""
    from . import __version__

    recorded = set(generation.entry.get("files", []))
    updates = []
    for path, theirs in generation.theirs.items():
        name = record.relative(directory, path)
        ours = _read(path)
        base = None
        if name in recorded:
            base = _read(record.base_path(directory, content["files"].get(name, "")))
            if ours is None:
                updates.append(FileUpdate(path, DELETED))
                continue
        if ours is None:
            updates.append(FileUpdate(path, CREATED, None, theirs))
        elif ours == theirs:
            updates.append(FileUpdate(path, UNCHANGED, ours))
        elif base is not None and ours == base:
            updates.append(FileUpdate(path, REPLACED, ours, theirs))
        else:
            merged, conflicts = merge(base, ours, theirs, f"scaffold {__version__}")
            if merged == ours and not conflicts:  # the template's change is already in
                updates.append(FileUpdate(path, UNCHANGED, ours))
                continue
            outcome = CONFLICT if conflicts else MERGED
            updates.append(FileUpdate(path, outcome, ours, merged, conflicts))
    rendered = {record.relative(directory, p) for p in generation.theirs}
    for name in sorted(recorded - rendered):
        path = record.absolute(directory, name)
        ours = _read(path)
        if ours is None:
            continue
        base = _read(record.base_path(directory, content["files"].get(name, "")))
        updates.append(FileUpdate(path, REMOVED if ours == base else KEPT, ours))
    return updates


def _unchanged_since(expected: bytes, new: bytes, path: Path):
    """An edit that writes `new` only if the file still holds what was merged."""
    changed = (
        f"{display(path)} changed while scaffold was updating it; nothing was written: "
        "run the update again"
    )
    return unless_changed(expected, new, changed)


@dataclass
class Update:
    plan: Plan
    files: list[FileUpdate]
    notes: list[str]

    @property
    def conflicts(self) -> list[FileUpdate]:
        return [update for update in self.files if update.outcome == CONFLICT]

    def report(self, inline: bool) -> str:
        return "\n".join(update.line(inline) for update in self.files)

    def diff(self) -> str:
        """Per file, the unified diff from the file as it is to what the update makes it."""
        chunks = []
        for update in self.files:
            chunks.append(update.line(inline=False))
            after = b"" if update.outcome == REMOVED else update.result
            if after is None:
                continue
            diff = difflib.unified_diff(
                _lines(update.ours or b""),
                _lines(after),
                fromfile=f"a/{display(update.path)}",
                tofile=f"b/{display(update.path)}",
            )
            chunks.append("".join(f"    | {line}" for line in diff).rstrip("\n"))
        return "\n".join(chunks)


def update_plan(path: Path | None, layer: str | None, sets: dict[str, Any]) -> Update:
    directory = find_record(path)
    content = record.load(directory)
    entries: list[tuple[str | None, dict]] = []
    if content.get("project"):
        if layer is not None:
            raise UsageProblem(f"--layer: {display(directory)} holds a project, not layers")
        entries.append((None, content["project"]))
    else:
        layers = content["layers"]
        if layer is not None:
            from .core.names import parse_name

            key = parse_name(layer).module_name
            if key not in layers:
                raise UsageProblem(
                    f"--layer {layer}: {display(directory)} records no such layer; it records: "
                    + ", ".join(e.get("name", k) for k, e in sorted(layers.items()))
                )
            entries.append((key, layers[key]))
        else:
            if sets and len(layers) > 1:
                raise UsageProblem(
                    "--set changes the answers of one layer: name it with --layer (this "
                    f"record has {len(layers)})"
                )
            entries.extend(sorted(layers.items()))
    if not entries:
        raise UsageProblem(f"{display(directory)}: its record lists no generation")

    generations = [Generation(directory, key, entry, sets) for key, entry in entries]
    files: list[FileUpdate] = []
    notes: list[str] = []
    for generation in generations:
        seen = {update.path for update in files}
        # a file several layers share (a test helper) is merged once
        files += [u for u in file_updates(directory, content, generation) if u.path not in seen]
    anchors = [directory] + [update.path.parent for update in files]
    plan = Plan(Path(os.path.commonpath(anchors)))
    for update in files:
        if update.outcome in (CREATED,):
            plan.add(update.path, update.result)
        elif update.outcome in (REPLACED, MERGED, CONFLICT):
            plan.edit(update.path, _unchanged_since(update.ours, update.result, update.path))
        elif update.outcome == REMOVED:
            plan.remove(update.path)
    for generation in generations:
        notes += _registrations(plan, generation)
    record.stage_many(plan, directory, [(g.key, g.new_entry, g.theirs) for g in generations], ())
    return Update(plan, files, notes)


def _registrations(plan: Plan, generation: Generation) -> list[str]:
    """Each registration through the safe editor, if it is still there; a
    registration the user removed stays removed."""
    from .core.initedit import add_registration

    notes = []
    for item in generation.registrations:
        data = _read(item.init)
        label = display(item.init)
        if data is None or add_registration(data, item.module, item.class_name, label) != data:
            notes.append(f"{item.class_name} is not registered in {label}: left as it is")
            continue
        plan.edit(
            item.init,
            lambda data, item=item, label=label: add_registration(
                data, item.module, item.class_name, label
            ),
        )
    return notes
