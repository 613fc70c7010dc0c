"""Ctrl-C (SIGINT) and SIGTERM: the run stops with one line and exit code 130,
and never between two files of a commit.

Outside a commit either signal raises KeyboardInterrupt, which the CLI turns
into "scaffold: interrupted". The first one also sets both signals to be
ignored, so a second Ctrl-C cannot break the clean-up the first one started.
Inside a commit both are blocked (held pending by the kernel); the commit
polls for them between steps and, if one came, rolls back with them still
blocked, then raises KeyboardInterrupt.
"""

from __future__ import annotations

import contextlib
import signal
from typing import Iterator

SIGNALS = (signal.SIGINT, signal.SIGTERM)
_CAN_BLOCK = hasattr(signal, "pthread_sigmask")


def _stop(signum, frame) -> None:
    ignore()
    raise KeyboardInterrupt


def install() -> None:
    """Both signals raise KeyboardInterrupt (the first time; later ones are ignored)."""
    for signum in SIGNALS:
        signal.signal(signum, _stop)


def ignore() -> None:
    for signum in SIGNALS:
        signal.signal(signum, signal.SIG_IGN)


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM for the `with` block; `pending()` tells whether
    one came. A signal still pending at the end is delivered then."""
    if not _CAN_BLOCK:  # pragma: no cover - not POSIX
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def pending() -> bool:
    return _CAN_BLOCK and bool(signal.sigpending() & set(SIGNALS))


def check() -> None:
    """Raise KeyboardInterrupt if a held signal is waiting (call inside `deferred`).

    The waiting signals are taken off the queue, so none is delivered again when
    `deferred` ends; later ones are ignored if `install` set the handlers."""
    if not pending():
        return
    while signal.sigtimedwait(SIGNALS, 0) is not None:
        pass
    if signal.getsignal(signal.SIGINT) is _stop:
        ignore()
    raise KeyboardInterrupt
