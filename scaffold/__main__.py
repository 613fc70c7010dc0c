"""`python -m scaffold` and the `scaffold` console script.

SIGINT and SIGTERM handling is installed before anything else is imported, so
Ctrl-C at any moment after Python itself has started prints one line and exits
with code 130.
"""

import sys

import _signal  # built into the interpreter: importing it runs no code


def main() -> None:
    try:
        from . import interrupts

        interrupts.install()
        from .cli import main as run
    except KeyboardInterrupt:
        _signal.signal(_signal.SIGINT, _signal.SIG_IGN)
        _signal.signal(_signal.SIGTERM, _signal.SIG_IGN)
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
