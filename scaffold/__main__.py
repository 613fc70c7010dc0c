"""`python -m scaffold` and the `scaffold` console script.

SIGINT, SIGTERM and SIGHUP handling is installed before anything else is imported, so
Ctrl-C at any moment after Python itself has started prints one line and exits
with code 130.
"""

import os
import sys

import _signal  # built into the interpreter: importing it runs no code


def _open_standard_streams() -> None:
    """Give a closed standard descriptor (`>&-`, `2>&-`, `<&-`) /dev/null. Left
    closed, the next file opened (a lock, a journal, a file being written) would
    take its number, and whatever is printed or reported would go into it."""
    for fd, name, mode in ((0, "stdin", "r"), (1, "stdout", "w"), (2, "stderr", "w")):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
        if getattr(sys, name) is None:  # Python found it closed at start-up
            setattr(sys, name, open(fd, mode, closefd=False, errors="backslashreplace"))


def main() -> None:
    _open_standard_streams()
    try:
        from .core import interrupts

        interrupts.install()
        from .cli import main as run
    except KeyboardInterrupt:  # `interrupts` itself may not be imported yet
        for name in ("SIGINT", "SIGTERM", "SIGHUP"):
            if hasattr(_signal, name):
                _signal.signal(getattr(_signal, name), _signal.SIG_IGN)
        sys.stderr.write("scaffold: interrupted\n")
        sys.exit(130)
    try:
        run()
    finally:
        # The run is over: a Ctrl-C while Python shuts down (when it puts the
        # default handlers back) must not turn a finished run into a killed one.
        interrupts.ignore()


if __name__ == "__main__":
    main()
