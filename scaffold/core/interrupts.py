"""Ctrl-C (SIGINT), SIGTERM and SIGHUP: the run stops with one line and exit code 130,
and never between two files of a commit.

Outside a commit either signal raises KeyboardInterrupt, which the CLI turns
into "scaffold: interrupted". The first one also sets both signals to be
ignored, so a second Ctrl-C cannot break the clean-up the first one started.
Inside a commit both are blocked (held pending by the kernel); the commit
polls for them between steps and, if one came, rolls back with them still
blocked, then raises KeyboardInterrupt.

This module uses `_signal`, the interpreter's built-in signal module (the
`signal` module only wraps it in enums), because importing it runs no code:
the handlers must be in place before anything slow is imported.
"""

import os
import sys

import _signal

# SIGHUP (the terminal closed, the ssh session dropped) ends the run as SIGTERM
# does; left to its default it would kill the run mid-commit.
SIGNALS = tuple(
    getattr(_signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(_signal, name)
)
_CAN_BLOCK = hasattr(_signal, "pthread_sigmask")


def _stop(signum, frame) -> None:
    ignore()
    raise KeyboardInterrupt


def _unraisable(info) -> None:
    """A KeyboardInterrupt raised where Python cannot let it through (a weakref
    callback inside the import machinery) would be printed as "Exception
    ignored" and lost; stop here instead. This is never inside a commit, where
    the signals are blocked."""
    if issubclass(info.exc_type, KeyboardInterrupt):
        os.write(2, b"scaffold: interrupted\n")
        os._exit(130)
    sys.__unraisablehook__(info)


def install() -> None:
    """Both signals raise KeyboardInterrupt (the first time; later ones are ignored)."""
    for signum in SIGNALS:
        _signal.signal(signum, _stop)
    sys.unraisablehook = _unraisable


def ignore() -> None:
    for signum in SIGNALS:
        _signal.signal(signum, _signal.SIG_IGN)


class deferred:
    """Hold SIGINT and SIGTERM for a `with` block; `pending()` tells whether one
    came. A signal still pending at the end is delivered then."""

    def __enter__(self) -> None:
        if _CAN_BLOCK:
            self.previous = _signal.pthread_sigmask(_signal.SIG_BLOCK, SIGNALS)

    def __exit__(self, *exception) -> bool:
        if _CAN_BLOCK:
            _signal.pthread_sigmask(_signal.SIG_SETMASK, self.previous)
        return False


def pending() -> bool:
    return _CAN_BLOCK and bool(_signal.sigpending() & set(SIGNALS))


def check() -> None:
    """Raise KeyboardInterrupt if a held signal is waiting (call inside `deferred`).

    The waiting signals are taken off the queue, so none is delivered again when
    `deferred` ends; later ones are ignored if `install` set the handlers."""
    if not pending():
        return
    while _signal.sigtimedwait(SIGNALS, 0) is not None:
        pass
    if _signal.getsignal(_signal.SIGINT) is _stop:
        ignore()
    raise KeyboardInterrupt
