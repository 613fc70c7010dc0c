"""Putting a run's files on disk so that no failure, signal or crash leaves half of them.

Two ways, chosen by the Plan:

- A new tree (the directory does not exist yet, as for a new `scaffold lenet`
  project) is built in a hidden sibling, `.scaffold-new-<hash of its name>`,
  and moved into place with one `rename`: it appears whole or not at all.
- Changes inside existing directories go through a journal, `.scaffold-journal`
  in the run's root directory, written and fsynced before the first change and
  removed after the last one. It lists every file the run will write (with a
  hash of the new content and a copy of the old one), every directory it will
  create and every temporary file it will use. A failure rolls back from it at
  once; a run killed outright leaves it behind, and the next run that locks
  the same directories rolls it back before doing anything else.

Roll-back never touches what is not the run's own: a file is only removed or
restored if it still holds exactly what the run wrote, a directory only removed
if it is empty. Callers hold the directory locks (scaffold.core.locks) and keep
SIGINT/SIGTERM deferred (scaffold.core.interrupts), polling between steps.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import shutil
from pathlib import Path

from . import interrupts

JOURNAL = ".scaffold-journal"
FORMAT = 1


class Change:
    """One file to write: its new bytes (None: remove it), and its current ones
    (None: it does not exist)."""

    __slots__ = ("path", "data", "previous")

    def __init__(self, path: Path, data: bytes, previous: bytes | None):
        self.path, self.data, self.previous = path, data, previous


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _fsync_dir(directory: Path) -> None:
    """Make a directory's entries durable; where directories cannot be opened
    or synced (some file systems, Windows) there is nothing more to do."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_file(path: Path, data: bytes, tmp: Path, mode: int | None = None) -> None:
    """Write `data` to `tmp` (fsynced), then move it onto `path` in one rename."""
    if mode is None:
        try:
            mode = os.stat(path).st_mode & 0o7777
        except FileNotFoundError:
            mode = _default_mode()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as error:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(error, OSError):
            raise _about(error, path) from error
        raise


def _about(error: OSError, path: Path) -> OSError:
    """The same error, naming the file the user asked for rather than a
    temporary or hidden one."""
    return OSError(error.errno, error.strerror, os.fspath(path))


def new_tree_build_dir(root: Path) -> Path:
    name_hash = hashlib.sha256(os.fsencode(root.name)).hexdigest()[:12]
    return root.parent / f".scaffold-new-{name_hash}"


def create_tree(root: Path, files: list[tuple[Path, bytes]]) -> None:
    """Write a directory that does not exist yet: build it beside, then rename."""
    build = new_tree_build_dir(root)
    mode = _default_mode()
    current = root
    try:
        os.mkdir(build)
        for current, data in files:
            interrupts.check()
            target = build / current.relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(target, mode)
        interrupts.check()
        current = root
        for directory in sorted({build, *(p.parent for p in build.rglob("*"))}, reverse=True):
            _fsync_dir(directory)  # every entry of the tree durable before it appears
        os.rename(build, root)  # the commit point
    except BaseException as error:
        shutil.rmtree(build, ignore_errors=True)
        if isinstance(error, OSError):
            raise _about(error, current) from error
        raise
    _fsync_dir(root.parent)


class Journal:
    """The journal of one run's changes in existing directories."""

    def __init__(self, root: Path, changes: list[Change], removed: list[Path] = ()):
        self.root = root
        self.path = root / JOURNAL
        self.directories: list[Path] = []  # to create, outermost first
        for change in changes:
            missing = []
            directory = change.path.parent
            while not directory.exists() and directory not in self.directories:
                missing.append(directory)
                directory = directory.parent
            self.directories.extend(reversed(missing))
        # to remove once empty, innermost first (a removed file's directories)
        self.removed = sorted(removed, key=lambda d: len(d.parts), reverse=True)
        self.entries = [
            {
                "path": os.fsdecode(change.path),
                "tmp": os.fsdecode(change.path.parent / f".scaffold-{index}.tmp"),
                "new": None if change.data is None else _digest(change.data),
                "previous": None if change.previous is None else change.previous.hex(),
            }
            for index, change in enumerate(changes)
        ]
        self.changes = changes

    def payload(self) -> bytes:
        body = {
            "format": FORMAT,
            "pid": os.getpid(),
            "directories": [os.fsdecode(d) for d in self.directories],
            "removed_directories": [os.fsdecode(d) for d in self.removed],
            "files": self.entries,
        }
        text = json.dumps(body, sort_keys=True)
        return json.dumps({"body": body, "sha256": _digest(text.encode("utf-8"))}).encode()

    def apply(self) -> None:
        """Make every change, or none: a failure or signal rolls back and re-raises."""
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(self.payload())
                handle.flush()
                os.fsync(handle.fileno())
            _fsync_dir(self.root)
        except BaseException:
            _remove(self.path)
            raise
        try:
            for directory in self.directories:
                interrupts.check()
                os.mkdir(directory)
            for entry, change in zip(self.entries, self.changes):
                interrupts.check()
                if change.data is None:
                    os.unlink(change.path)
                else:
                    write_file(change.path, change.data, Path(entry["tmp"]))
            for directory in self.removed:
                interrupts.check()
                _remove_empty_directory(directory)
            interrupts.check()
        except BaseException:
            rollback(self.directories, self.entries, self.removed)
            _remove(self.path)
            raise
        # The commit point. Not fsynced: should a power cut undo the removal,
        # the next run rolls back a complete run, which leaves the old tree.
        os.unlink(self.path)


def _remove(path: Path) -> None:
    try:
        os.unlink(path)
        _fsync_dir(path.parent)
    except FileNotFoundError:
        pass


def _current_digest(path: Path) -> str | None:
    try:
        return _digest(path.read_bytes())
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def _remove_empty_directory(directory: Path) -> None:
    try:
        os.rmdir(directory)
    except FileNotFoundError:
        pass
    except OSError as error:
        if error.errno not in (errno.ENOTEMPTY, errno.EEXIST):
            raise _about(error, directory) from error
        # something besides the run's own files is in it: it stays


def rollback(
    directories: list[Path], entries: list[dict], removed_directories: list[Path] = ()
) -> tuple[int, int]:
    """Undo what a run wrote or removed (as listed in its journal); (restored,
    removed) counts. A removed file (its "new" digest is None) is restored when
    it is still absent, after the directories that held it."""
    restored = removed = 0
    for directory in reversed(removed_directories):  # outermost first
        if not os.path.lexists(directory):
            os.mkdir(directory)
    for entry in reversed(entries):
        path, tmp = Path(entry["path"]), Path(entry["tmp"])
        _remove_quietly(tmp)
        if _current_digest(path) != entry["new"]:
            continue  # never written, already restored, or no longer ours
        if entry["previous"] is None:
            os.unlink(path)
            removed += 1
        else:
            write_file(path, bytes.fromhex(entry["previous"]), tmp)
            restored += 1
    for directory in reversed(directories):
        try:
            os.rmdir(directory)
            removed += 1
        except OSError:
            pass  # never made, or not empty: not ours alone
    return restored, removed


def _remove_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _read(path: Path) -> dict | None:
    """A journal's body, or None if it is incomplete (its run died writing it)."""
    try:
        outer = json.loads(path.read_bytes())
        body = outer["body"]
        text = json.dumps(body, sort_keys=True)
        if outer["sha256"] != _digest(text.encode("utf-8")) or body["format"] != FORMAT:
            return None
        return body
    except (ValueError, KeyError, TypeError):
        return None


_TMP_NAME = re.compile(r"\.scaffold-[0-9]+\.tmp")
_HEX = re.compile(r"(?:[0-9a-f]{2})*")


def _inside(body: dict, directory: Path) -> bool:
    """Whether a journal is well formed and every path it names is below the
    directory it was found in (each temporary file beside its file). A journal copied
    with its directory (`cp -r`, a checkout of a repository it was committed to)
    names the original's files: rolling those back would change another tree."""
    root = os.path.abspath(directory)

    def below(name, or_root: bool = False) -> bool:
        if not isinstance(name, str) or not os.path.isabs(name):
            return False
        name = os.path.normpath(name)
        return (or_root or name != root) and os.path.commonpath([root, name]) == root

    try:
        files = [(Path(entry["path"]), Path(entry["tmp"])) for entry in body["files"]]
        removed = body.get("removed_directories", [])
        return (
            all(below(d) for d in body["directories"])
            and isinstance(removed, list)
            and all(below(d, or_root=True) for d in removed)
            and all(
                below(str(path))
                and tmp.parent == path.parent
                and _TMP_NAME.fullmatch(tmp.name)
                and (entry["new"] is None or isinstance(entry["new"], str))
                and (entry["previous"] is None or _HEX.fullmatch(entry["previous"]))
                for (path, tmp), entry in zip(files, body["files"])
            )
        )
    except (KeyError, TypeError, AttributeError):
        return False


def recover(directories: list[Path], display=str) -> list[str]:
    """Finish the business of runs that died here: roll back each journal and
    remove each unfinished new tree. The caller holds the locks of every
    directory in `directories`, so whatever it finds belongs to a dead run."""
    notes = []
    for directory in directories:
        path = directory / JOURNAL
        if not os.path.lexists(path):
            continue
        body = _read(path)
        if body is not None and not _inside(body, directory):
            notes.append(
                f"ignored and removed {display(path)}: it is malformed or lists files "
                f"outside {display(directory)} (copied or moved from elsewhere)"
            )
        elif body is not None:
            restored, removed = rollback(
                [Path(d) for d in body["directories"]],
                body["files"],
                [Path(d) for d in body.get("removed_directories", [])],
            )
            notes.append(
                f"an interrupted run (pid {body['pid']}) in {display(directory)} was rolled "
                f"back: {restored} file(s) restored, {removed} file(s) or directories removed"
            )
        _remove(path)
    return notes


def remove_unfinished_tree(root: Path, display=str) -> list[str]:
    build = new_tree_build_dir(root)
    if not os.path.lexists(build):
        return []
    shutil.rmtree(build, ignore_errors=True)
    return [f"removed {display(build)}, an unfinished {display(root)} left by an interrupted run"]
