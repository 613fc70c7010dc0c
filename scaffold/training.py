"""`scaffold lenet --train`: run a generated project's own training command.

It runs in a child Python process with the project's `src/` on the path, so
the CLI itself never imports TensorFlow, and the project trains exactly as
its own `*-train` command would. The child never outlives this process: on
Linux the kernel signals it when its parent dies (PR_SET_PDEATHSIG, set
between fork and exec); everywhere, it also watches a pipe from this process
and exits when the pipe closes, which happens however this process ends
(even `kill -9`). Ctrl-C is passed on to the child, which prints its own one
line; this process waits for it and exits with its code.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import click

# Runs in the child before the project's command: a thread that exits the
# process as soon as the pipe from the parent reaches end-of-file.
WATCH = """\
import os, runpy, sys, threading
def watch(fd):
    while os.read(fd, 1):
        pass
    os._exit(1)
threading.Thread(target=watch, args=(int(sys.argv.pop(1)),), daemon=True).start()
runpy.run_module(sys.argv.pop(1), run_name="__main__", alter_sys=True)
"""


def _child_setup() -> None:
    """In the child, before exec: its own process group (so a terminal's Ctrl-C
    reaches it once, through this process), and death with the parent (Linux)."""
    os.setpgid(0, 0)
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


def train_project(directory: Path, package: str, arguments: list[str]) -> int:
    """Train in `directory` (runs in its runs/); return the exit code."""
    env = dict(os.environ)
    source = str(directory / "src")
    env["PYTHONPATH"] = source + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["KERAS_BACKEND"] = "tensorflow"  # the training uses tf.data and tf.distribute
    module = f"{package}.training"
    click.echo(f"training: python -m {module} {' '.join(arguments)} (in {directory})")
    read_end, write_end = os.pipe()
    command = [sys.executable, "-c", WATCH, str(read_end), module, *arguments]
    try:
        child = subprocess.Popen(
            command,
            cwd=directory,
            env=env,
            pass_fds=(read_end,),
            preexec_fn=_child_setup if os.name == "posix" else None,
        )
    finally:
        os.close(read_end)
    try:
        while True:
            try:
                return child.wait()
            except KeyboardInterrupt:
                # Pass Ctrl-C on; the child prints its one line and exits 130.
                if child.poll() is None:
                    child.send_signal(signal.SIGINT)
    finally:
        os.close(write_end)
