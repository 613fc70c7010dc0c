"""A set of files to write, staged in memory and committed all at once.

A generator only adds files to a Plan. The Plan decides each file's status
against the disk, refuses the whole run on a conflict, prints it for
--dry-run, or commits it: each file goes to a temporary file in its own
directory and is moved into place; if anything fails part-way, every file
already replaced is put back and every file or directory created is removed.
"""

from __future__ import annotations

import difflib
import enum
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .errors import ScaffoldError


class Status(str, enum.Enum):
    CREATE = "create"  # does not exist yet
    IDENTICAL = "identical"  # exists with exactly this content: left untouched
    UPDATE = "update"  # an existing file the generator edits in place (registration)
    OVERWRITE = "overwrite"  # exists, differs, and --force was given
    CONFLICT = "conflict"  # exists and differs, without --force: refuses the run


@dataclass(frozen=True)
class PlannedFile:
    path: Path  # absolute
    text: str
    edits_existing: bool = False  # an edit of the user's own file, not a replacement


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


def ensure_directory_target(directory: Path, what: str) -> Path:
    """Check that `directory` can hold generated files; return it absolute.

    It may not exist yet (it will be created), but its parent must: a typo in
    a path should not quietly create a tree of directories.
    """
    directory = Path(os.path.abspath(directory))
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
        self.files: list[PlannedFile] = []

    def add(self, path: Path, text: str, *, edits_existing: bool = False) -> None:
        path = Path(os.path.abspath(path))
        if any(f.path == path for f in self.files):
            raise ScaffoldError(f"{display(path)} would be generated twice")
        self.files.append(PlannedFile(path, text, edits_existing))

    def has(self, path: Path) -> bool:
        path = Path(os.path.abspath(path))
        return any(f.path == path for f in self.files)

    def edit(self, path: Path, transform: Callable[[str], str]) -> None:
        """Stage an edit of a file the user owns (or of one this plan stages):
        `transform` maps its current text ("" if absent) to the new text."""
        path = Path(os.path.abspath(path))
        for index, staged in enumerate(self.files):
            if staged.path == path:  # a generated file: it stays one
                self.files[index] = PlannedFile(path, transform(staged.text), staged.edits_existing)
                return
        try:
            current = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            current = ""
        except (UnicodeDecodeError, OSError) as error:
            raise ScaffoldError(f"cannot read {display(path)}: {error}") from None
        self.files.append(PlannedFile(path, transform(current), edits_existing=True))

    def status(self, planned: PlannedFile, force: bool) -> Status:
        _check_no_symlink(self.root, planned.path)
        if not planned.path.exists():
            return Status.CREATE
        if not planned.path.is_file():
            raise ScaffoldError(f"{display(planned.path)} exists and is not a regular file")
        try:
            current = planned.path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError) as error:
            raise ScaffoldError(f"cannot read {display(planned.path)}: {error}") from None
        if current == planned.text:
            return Status.IDENTICAL
        if planned.edits_existing:
            return Status.UPDATE
        return Status.OVERWRITE if force else Status.CONFLICT

    def statuses(self, force: bool) -> list[tuple[PlannedFile, Status]]:
        return [(f, self.status(f, force)) for f in self.files]

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
            elif status is not Status.IDENTICAL:
                current = planned.path.read_text(encoding="utf-8")
                diff = difflib.unified_diff(
                    current.splitlines(keepends=True),
                    planned.text.splitlines(keepends=True),
                    fromfile=f"a/{display(planned.path)}",
                    tofile=f"b/{display(planned.path)}",
                )
                chunks.append(_indent("".join(diff)))
        return "\n".join(chunks)

    def commit(self, force: bool) -> list[tuple[PlannedFile, Status]]:
        """Write every file, or none: a failure restores the tree as it was."""
        statuses = self.statuses(force)
        self.refuse_conflicts(statuses)
        undo: list[tuple[Path, bytes | None]] = []
        created_dirs: list[Path] = []
        current = None
        try:
            for planned, status in statuses:
                if status is Status.IDENTICAL:
                    continue
                current = planned.path
                created_dirs.extend(_make_parents(planned.path.parent))
                previous = planned.path.read_bytes() if planned.path.exists() else None
                write_atomic(planned.path, planned.text.encode("utf-8"))
                undo.append((planned.path, previous))
        except BaseException as error:
            _rollback(undo, created_dirs)
            if isinstance(error, OSError):
                reason = error.strerror or str(error)
                raise ScaffoldError(
                    f"writing {display(current)} failed ({reason}); every file was restored, "
                    "nothing was changed"
                ) from error
            raise
        return statuses


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `path`, then move it into place."""
    mode = path.stat().st_mode & 0o7777 if path.exists() else None
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _make_parents(directory: Path) -> list[Path]:
    """Create missing directories; return those created, outermost first."""
    missing = []
    while not directory.exists():
        missing.append(directory)
        directory = directory.parent
    for d in reversed(missing):
        d.mkdir()
    return list(reversed(missing))


def _rollback(undo: list[tuple[Path, bytes | None]], created_dirs: list[Path]) -> None:
    for path, previous in reversed(undo):
        if previous is None:
            path.unlink(missing_ok=True)
        else:
            write_atomic(path, previous)
    for directory in reversed(created_dirs):
        try:
            directory.rmdir()
        except OSError:
            pass


def _indent(text: str) -> str:
    return "".join(f"    | {line}" for line in text.splitlines(keepends=True)).rstrip("\n")
