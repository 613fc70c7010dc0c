"""A set of files to write, staged in memory and committed all at once.

A generator only adds files (and edits of the user's files) to a Plan. The Plan
decides each file's status against the disk, refuses the whole run on a
conflict, prints it for --dry-run, or commits it. A commit locks every
directory it writes into (scaffold.core.locks), then, under the locks, finishes off
any run that died there, reads the disk afresh (so a concurrent run's files are
seen), checks conflicts, and writes through scaffold.core.journal: a new tree
appears by one rename, changes to existing directories are journaled, so a
failure, a signal or a crash never leaves half of them.
"""

from __future__ import annotations

import difflib
import enum
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import interrupts, journal, locks
from .errors import ScaffoldError


class Status(str, enum.Enum):
    CREATE = "create"  # does not exist yet
    IDENTICAL = "identical"  # exists with exactly this content: left untouched
    UPDATE = "update"  # an existing file the generator edits in place (registration)
    OVERWRITE = "overwrite"  # exists, differs, and --force was given
    CONFLICT = "conflict"  # exists and differs, without --force: refuses the run
    REMOVE = "remove"  # a file the run removes (scaffold destroy, scaffold update)


@dataclass(frozen=True)
class PlannedFile:
    path: Path  # absolute
    data: bytes
    edits_existing: bool = False  # an edit of the user's own file, not a replacement
    removed: bool = False  # the file is removed (its data is empty)

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", "replace")


Transform = Callable[[bytes], bytes]


def unless_changed(before: bytes, after: bytes, changed: str) -> Transform:
    """An edit that turns a file holding `before` into `after`, and refuses the
    run (message `changed`) if, read again under the lock, it holds anything else."""

    def transform(current: bytes) -> bytes:
        if current != before:
            raise ScaffoldError(changed)
        return after

    return transform


def display(path: Path) -> str:
    """A path as the user should read it: relative when under the current directory."""
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _check_no_symlink(root: Path, path: Path) -> None:
    """Refuse paths outside `root` and paths that pass through a symlink."""
    try:
        relative = path.relative_to(root)
    except ValueError:
        raise ScaffoldError(f"refusing to write {display(path)}: it is outside {display(root)}")
    if ".." in relative.parts:
        raise ScaffoldError(f"refusing to write {display(path)}: it leaves {display(root)}")
    current = root
    for part in relative.parts:
        current = current / part
        if current.is_symlink():
            raise ScaffoldError(f"refusing to write through the symlink {display(current)}")


class NotRegularFile(ScaffoldError):
    """A path that should be a file is a directory, FIFO, socket or device."""


def read_regular(path: Path) -> bytes:
    """The bytes of the regular file `path`. Anything else there (a directory,
    a FIFO, whose open would block until a writer came, a socket, a device) is
    refused, checked on the open descriptor so that nothing can be swapped in."""
    not_regular = NotRegularFile(f"{display(path)} exists and is not a regular file")
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise not_regular
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise not_regular
        return handle.read()


def _installed_code() -> list[Path]:
    """Directories whose files belong to the interpreter, to pip or to scaffold itself."""
    import sysconfig

    paths = sysconfig.get_paths()
    roots = {paths[key] for key in ("stdlib", "platstdlib", "purelib", "platlib") if key in paths}
    roots.add(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # scaffold itself
    return [Path(os.path.realpath(root)) for root in roots]


def _refuse_installed_code(directory: Path, what: str) -> None:
    """Generated files written among installed code would be lost (or break the
    installation) at the next `pip install`; into scaffold's own package they
    would change the tool itself."""
    real = Path(os.path.realpath(directory))
    for root in _installed_code():
        if real == root or root in real.parents:
            raise ScaffoldError(
                f"{what} {display(directory)} is inside installed code ({root}); "
                "generate into your own project"
            )


def ensure_directory_target(directory: Path, what: str) -> Path:
    """Check that `directory` can hold generated files; return it absolute.

    It may not exist yet (it will be created), but its parent must: a typo in
    a path should not quietly create a tree of directories.
    """
    try:
        return _check_directory_target(Path(os.path.abspath(directory)), what)
    except OSError as error:
        raise ScaffoldError(f"{what} {display(directory)}: {_reason(error)}") from None


def _check_directory_target(directory: Path, what: str) -> Path:
    # Symlinks on the way from the current directory (or the target itself) would
    # send the files somewhere the user did not name.
    below_cwd = os.path.relpath(directory)
    steps = [] if below_cwd.startswith("..") else Path(below_cwd).parts
    current = Path.cwd()
    for step in steps:
        current = current / step
        if current.is_symlink():
            raise ScaffoldError(
                f"{what} {display(directory)} goes through the symlink {display(current)}"
            )
    if directory.is_symlink():
        raise ScaffoldError(f"{what} {display(directory)} is a symlink; give the real directory")
    _refuse_installed_code(directory, what)
    if directory.exists() and not directory.is_dir():
        raise ScaffoldError(f"{what} {display(directory)} is a file, not a directory")
    if not directory.exists():
        parent = directory.parent
        if not parent.exists():
            raise ScaffoldError(
                f"{what} {display(directory)}: its parent {display(parent)} does not exist; "
                "create it first"
            )
        if not parent.is_dir():
            raise ScaffoldError(
                f"{what} {display(directory)}: {display(parent)} is not a directory"
            )
    if directory.exists() and not os.access(directory, os.W_OK | os.X_OK):
        raise ScaffoldError(f"{what} {display(directory)} is not writable")
    return directory


class Plan:
    """Files staged for one run of a generator, all under `root`."""

    def __init__(self, root: Path):
        self.root = Path(os.path.abspath(root))
        # A root that does not exist yet is created whole, by one rename; one
        # that appears meanwhile was made by another run.
        self.new_tree = not os.path.lexists(self.root)
        self._generated: dict[Path, bytes] = {}
        self._edits: dict[Path, list[Transform]] = {}  # of files on disk, applied when read
        self._removed: list[Path] = []  # files to remove
        self._removed_directories: list[Path] = []  # to remove when the run leaves them empty
        self.notes: list[str] = []  # what recovering an interrupted run did

    def add(self, path: Path, text: str | bytes) -> None:
        path = Path(os.path.abspath(path))
        if path in self._generated or path in self._edits:
            raise ScaffoldError(f"{display(path)} would be generated twice")
        self._generated[path] = text.encode("utf-8") if isinstance(text, str) else text

    def has(self, path: Path) -> bool:
        return Path(os.path.abspath(path)) in self._generated

    def edit(self, path: Path, transform: Transform) -> None:
        """Stage an edit of a file the user owns (or of one this plan stages):
        `transform` maps its current bytes (b"" if absent) to the new bytes. An
        edit of a file on disk is applied when the disk is read, under the lock."""
        path = Path(os.path.abspath(path))
        if path in self._generated:  # a generated file: it stays one
            self._generated[path] = transform(self._generated[path])
        else:
            self._edits.setdefault(path, []).append(transform)

    def remove(self, path: Path) -> None:
        """Stage the removal of a file (nothing happens if it is already gone)."""
        path = Path(os.path.abspath(path))
        if path in self._generated or path in self._edits or path in self._removed:
            raise ScaffoldError(f"{display(path)} would be both written and removed")
        self._removed.append(path)

    def remove_directory(self, directory: Path) -> None:
        """Stage the removal of a directory, done only if the run leaves it empty."""
        self._removed_directories.append(Path(os.path.abspath(directory)))

    @property
    def paths(self) -> list[Path]:
        return [*self._generated, *self._edits, *self._removed]

    @property
    def generated(self) -> list[PlannedFile]:
        """The files this plan generates whole (not edits of the user's files)."""
        return [PlannedFile(path, data) for path, data in self._generated.items()]

    def _read(self, path: Path) -> bytes | None:
        """The file's bytes, None if it does not exist; refuses what is not a file."""
        _check_no_symlink(self.root, path)
        try:
            return read_regular(path)
        except FileNotFoundError:
            return None
        except OSError as error:
            raise ScaffoldError(f"cannot read {display(path)}: {_reason(error)}") from None

    def _refuse_case_twins(self) -> None:
        """Refuse a file or directory to be written whose name differs only in case
        from an entry already there: on a case-insensitive file system (macOS,
        Windows) both are one file, which the run would silently replace."""
        listings: dict[Path, dict[str, set[str]] | None] = {}
        for path in {self.root, *self.paths}:
            chain = [path, *(p for p in path.parents if p == self.root or self.root in p.parents)]
            for step in reversed(chain):  # from the root down
                parent = step.parent
                if parent not in listings:
                    try:
                        names = os.listdir(parent)
                    except OSError:  # not there (yet): nothing below it can clash
                        names = None
                    listings[parent] = names and _by_casefold(names)
                same = (listings[parent] or {}).get(step.name.casefold(), set())
                if same and step.name not in same:
                    raise ScaffoldError(
                        f"{display(step)} differs only in case from the existing "
                        f"{display(parent / min(same))}; on a case-insensitive file system "
                        "they are the same file; choose another name"
                    )

    def snapshot(self, force: bool) -> list[tuple[PlannedFile, Status, bytes | None]]:
        """Each file as it would be written, its status and its current bytes, read now."""
        self._refuse_case_twins()
        result = []
        for path in self.paths:
            current = self._read(path)
            if path in self._removed:
                if current is not None:
                    result.append((PlannedFile(path, b"", removed=True), Status.REMOVE, current))
                continue
            if path in self._generated:
                planned = PlannedFile(path, self._generated[path])
            else:
                data = current or b""
                for transform in self._edits[path]:
                    data = transform(data)
                planned = PlannedFile(path, data, edits_existing=True)
            if current is None:
                status = Status.CREATE
            elif current == planned.data:
                status = Status.IDENTICAL
            elif planned.edits_existing:
                status = Status.UPDATE
            else:
                status = Status.OVERWRITE if force else Status.CONFLICT
            result.append((planned, status, current))
        return result

    def statuses(self, force: bool) -> list[tuple[PlannedFile, Status]]:
        return [(planned, status) for planned, status, _ in self.snapshot(force)]

    def refuse_conflicts(self, statuses: list[tuple[PlannedFile, Status]]) -> None:
        conflicts = [display(f.path) for f, s in statuses if s is Status.CONFLICT]
        if conflicts:
            raise ScaffoldError(
                f"{len(conflicts)} existing file(s) differ from what would be generated: "
                f"{', '.join(conflicts)}; nothing was written (--dry-run shows the diff, "
                "--force overwrites)"
            )

    def describe(self, statuses: list[tuple[PlannedFile, Status]]) -> str:
        """The --dry-run report: each file's status, then its code or its diff."""
        chunks = []
        for planned, status in statuses:
            chunks.append(f"{status.value:>9}  {display(planned.path)}")
            if status is Status.CREATE:
                chunks.append(_indent(planned.text))
            elif status not in (Status.IDENTICAL, Status.REMOVE):
                current = planned.path.read_bytes().decode("utf-8", "replace")
                diff = difflib.unified_diff(
                    current.splitlines(keepends=True),
                    planned.text.splitlines(keepends=True),
                    fromfile=f"a/{display(planned.path)}",
                    tofile=f"b/{display(planned.path)}",
                )
                chunks.append(_indent("".join(diff)))
        return "\n".join(chunks)

    def _locked_directories(self) -> list[Path]:
        """The root and every directory from it down to each file's directory.
        Every run locks these before it reads or writes, so a journal or an
        unfinished tree found in any of them belongs to a run that died."""
        found = {self.root}
        for path in [*self.paths, *self._removed_directories]:
            directory = path.parent
            while directory != self.root and self.root in directory.parents:
                found.add(directory)
                directory = directory.parent
        return sorted(found)

    def commit(self, force: bool) -> list[tuple[PlannedFile, Status]]:
        """Write every file, or none: any failure, SIGINT or SIGTERM restores the
        tree as it was, and a run killed outright is rolled back by the next one."""
        directories = self._locked_directories()
        current = self.root
        try:
            with locks.held(directories, display), interrupts.deferred():
                self.notes += journal.recover([d for d in directories if d.is_dir()], display)
                if self.new_tree:
                    self.notes += journal.remove_unfinished_tree(self.root, display)
                    if os.path.lexists(self.root):
                        raise ScaffoldError(
                            f"{display(self.root)} was created by another run while this one "
                            "was preparing it; nothing was written"
                        )
                interrupts.check()
                snapshot = self.snapshot(force)
                statuses = [(planned, status) for planned, status, _ in snapshot]
                self.refuse_conflicts(statuses)
                changes = [
                    journal.Change(
                        planned.path, None if planned.removed else planned.data, previous
                    )
                    for planned, status, previous in snapshot
                    if status is not Status.IDENTICAL
                ]
                removed = [d for d in self._removed_directories if d.is_dir()]
                if self.new_tree:
                    current = self.root
                    journal.create_tree(self.root, [(c.path, c.data) for c in changes])
                elif changes or removed:
                    current = changes[0].path if changes else removed[0]
                    journal.Journal(self.root, changes, removed).apply()
        except OSError as error:
            where = f" {display(Path(error.filename))}" if error.filename else ""
            raise ScaffoldError(
                f"writing{where or ' ' + display(current)} failed ({_reason(error)}); "
                "every file was restored, nothing was changed"
            ) from error
        return statuses


def _by_casefold(names: list[str]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for name in names:
        found.setdefault(name.casefold(), set()).add(name)
    return found


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def _indent(text: str) -> str:
    return "".join(f"    | {line}" for line in text.splitlines(keepends=True)).rstrip("\n")
