"""One writer at a time per directory: the lock every committing run takes.

A run locks every directory it writes into (sorted, so two runs never wait on
each other in a cycle) before it looks at the disk, and holds the locks until
its last file is in place. The locks are `flock(2)` locks on small files in a
private directory ($SCAFFOLD_LOCK_DIR, else <temp dir>/scaffold-locks-<uid>),
one per locked directory, named by a hash of its path: nothing is added to the
user's tree, and the kernel releases the lock of a run that dies, even by
SIGKILL, so a stale lock never needs cleaning up.

A lock held by another run is waited for, up to $SCAFFOLD_LOCK_TIMEOUT seconds
(default 10: a run holds its locks for milliseconds), then refused with one line.

Why not the `filelock` package: it does the same `flock` call, but importing it
(logging, secrets, decimal, dataclasses...) costs more than the whole budget
this tool allows itself per run; the few lines below are all that is needed.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import math
import os
import stat
import tempfile
import time
from pathlib import Path
from typing import Iterable, Iterator

from .errors import ScaffoldError, UsageProblem

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: runs are not serialized
    fcntl = None

DEFAULT_TIMEOUT = 10.0
POLL_SECONDS = 0.02


def lock_dir() -> Path:
    configured = os.environ.get("SCAFFOLD_LOCK_DIR")
    if configured:
        return Path(configured)
    return Path(tempfile.gettempdir()) / f"scaffold-locks-{os.getuid()}"


def timeout() -> float:
    """$SCAFFOLD_LOCK_TIMEOUT in seconds: a finite number, at least 0. Anything
    else is refused rather than replaced: "inf" would wait forever on a run that
    was stopped (Ctrl-Z) while holding a lock, and a typo would go unnoticed."""
    raw = os.environ.get("SCAFFOLD_LOCK_TIMEOUT", "")
    if not raw.strip():  # unset, or set to nothing (`SCAFFOLD_LOCK_TIMEOUT= scaffold ...`)
        return DEFAULT_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value >= 0):
        raise UsageProblem(
            f"SCAFFOLD_LOCK_TIMEOUT must be a number of seconds (0 or more), got {raw!r}"
        )
    return value


def key(directory: Path) -> str:
    """The lock file name of a directory (which need not exist yet)."""
    return hashlib.sha256(os.fsencode(os.path.realpath(directory))).hexdigest()[:40] + ".lock"


def _private_dir() -> Path:
    directory = lock_dir()
    try:
        os.mkdir(directory, 0o700)
    except FileExistsError:
        pass
    except OSError as error:
        raise ScaffoldError(
            f"cannot create the lock directory {directory} ({error.strerror}); "
            "set SCAFFOLD_LOCK_DIR to a directory of yours"
        ) from None
    info = os.lstat(directory)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise ScaffoldError(
            f"the lock directory {directory} is not a directory owned by you; "
            "remove it or set SCAFFOLD_LOCK_DIR"
        )
    return directory


def _acquire(path: Path, deadline: float) -> int | None:
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.EACCES):
                os.close(fd)
                raise
        if time.monotonic() >= deadline:
            os.close(fd)
            return None
        time.sleep(POLL_SECONDS)


@contextlib.contextmanager
def held(directories: Iterable[Path], display=str) -> Iterator[None]:
    """Hold the lock of every directory in `directories` for the `with` block."""
    if fcntl is None:  # pragma: no cover
        yield
        return
    wanted = sorted({key(d): d for d in directories}.items())
    base = _private_dir()
    deadline = time.monotonic() + timeout()
    descriptors: list[int] = []
    try:
        for name, directory in wanted:
            fd = _acquire(base / name, deadline)
            if fd is None:
                raise ScaffoldError(
                    f"another scaffold run is writing to {display(directory)} (waited "
                    f"{timeout():g} s); run again once it has finished"
                )
            descriptors.append(fd)
        yield
    finally:
        for fd in descriptors:
            os.close(fd)  # closing the last descriptor releases the flock
