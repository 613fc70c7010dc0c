"""The parent side of `scaffold check`: one child process per run, watched.

The child gets the request in a file and appends one JSON event per line to
a results file; its stdout and stderr (the user's prints, Keras's logs) go to
files of their own and are only shown as context when something goes wrong.
Each step has a time limit: starting Keras, importing each target, checking
each layer. On a timeout, a crash or Ctrl-C the child's whole process group
is killed; after a crash or timeout inside one layer, a new child checks the
layers that remain.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .request import Request

STARTUP_LIMIT = 600.0  # importing Keras and its backend, before any user code runs
POLL = 0.05

# The child drops the current directory from sys.path before anything is
# imported, so a user's numpy.py or json.py cannot shadow the real module.
BOOT = (
    "import sys; sys.path.pop(0); "
    "from scaffold.checker.child import main; sys.exit(main(sys.argv[1], sys.argv[2]))"
)
# Lines of Keras's and TensorFlow's start-up logging: never context worth showing.
NOISE = ("WARNING: All log messages", "I0000", "cuda", "oneDNN", "rebuild TensorFlow", "AVX")


@dataclass
class LayerResult:
    target: str
    input_shape: Any = None
    input_dtype: str = "float32"
    arguments: dict[str, str] = field(default_factory=dict)
    inferred: list[str] = field(default_factory=list)
    error: str = ""
    fix: str = ""
    findings: list[dict[str, str]] = field(default_factory=list)
    activity: str = ""  # what the child was doing with this layer, for crash reports
    finished: bool = False
    seconds: float = 0.0


@dataclass
class Outcome:
    backend: str
    layers: list[LayerResult] = field(default_factory=list)
    error: str = ""  # the run could not check everything it was asked to
    exit_code: int | None = None  # set with `error`: 2 for usage, 3 for could-not-run
    keras_version: str = ""
    startup_seconds: float = 0.0  # the child's Python and Keras start-up
    import_seconds: float = 0.0  # importing the targets


class _Child:
    """One child process and the files it talks through."""

    def __init__(self, request: Request, directory: Path, number: int):
        self.results = directory / f"results{number}.jsonl"
        self.results.touch()
        request_file = directory / f"request{number}.json"
        request_file.write_text(request.to_json(), encoding="utf-8")
        self.stdout = open(directory / f"stdout{number}.txt", "w+b")
        self.stderr = open(directory / f"stderr{number}.txt", "w+b")
        package_root = str(Path(__file__).resolve().parent.parent.parent)
        env = {
            **os.environ,
            "KERAS_BACKEND": request.backend,
            "TF_CPP_MIN_LOG_LEVEL": os.environ.get("TF_CPP_MIN_LOG_LEVEL", "3"),
            "PYTHONPATH": os.pathsep.join(
                p for p in (package_root, os.environ.get("PYTHONPATH", "")) if p
            ),
            "PYTHONUNBUFFERED": "1",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-c", BOOT, str(request_file), str(self.results)],
            cwd=request.cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self.stdout,
            stderr=self.stderr,
            start_new_session=True,  # its own process group, killed as one
        )
        self._offset = 0

    def events(self) -> list[dict[str, Any]]:
        """Complete lines written since the last call."""
        with open(self.results, "rb") as handle:
            handle.seek(self._offset)
            data = handle.read()
        end = data.rfind(b"\n") + 1
        self._offset += end
        events = []
        for line in data[:end].splitlines():
            try:
                events.append(json.loads(line))
            except ValueError:
                continue
        return events

    def kill(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.process.wait()

    def last_output(self) -> str:
        """What the child last said, as context for an error: the cause and place of
        a native crash (faulthandler's report), else its last meaningful line."""
        self.stderr.flush()
        self.stderr.seek(0)
        lines = [
            line.strip() for line in self.stderr.read().decode("utf-8", "replace").splitlines()
        ]
        fatal = next(
            (i for i, line in enumerate(lines) if line.startswith("Fatal Python error")), None
        )
        if fatal is not None:
            frames = [line for line in lines[fatal:] if line.startswith("File ")]
            # The innermost frame of the user's code, not of Python or a library.
            frame = next((f for f in frames if "/lib/python" not in f), frames[0] if frames else "")
            return f"{lines[fatal]}; {frame}" if frame else lines[fatal]
        for stream_lines in (lines, self._stdout_lines()):
            for line in reversed(stream_lines):
                if line and not any(noise in line for noise in NOISE):
                    return line[:300]
        return ""

    def _stdout_lines(self) -> list[str]:
        self.stdout.flush()
        self.stdout.seek(0)
        return [line.strip() for line in self.stdout.read().decode("utf-8", "replace").splitlines()]

    def close(self) -> None:
        self.stdout.close()
        self.stderr.close()


def _exit_description(code: int) -> str:
    if code < 0:
        try:
            return f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with code {code}"


def _terminate(signum, frame):
    raise SystemExit(128 + signum)  # unwinds like Ctrl-C: the child is killed on the way


def run(request: Request) -> Outcome:
    """Check every layer of the request; kill the child's process group on the way out
    (a timeout, Ctrl-C, or SIGTERM to this process)."""
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminate) if main_thread else None
    try:
        return _run(request)
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)


def _run(request: Request) -> Outcome:
    outcome = Outcome(request.backend)
    with tempfile.TemporaryDirectory(prefix="scaffold-check-") as directory:
        number = 0
        while True:
            number += 1
            request.skip = [layer.target for layer in outcome.layers if layer.finished]
            child = _Child(request, Path(directory), number)
            try:
                restart = _watch(child, request, outcome)
            except BaseException:
                child.kill()
                raise
            finally:
                child.close()
            if not restart:
                return outcome


def _watch(child: _Child, request: Request, outcome: Outcome) -> bool:
    """Follow one child to its end. True when a new child must check what remains."""
    layers = {layer.target: layer for layer in outcome.layers}
    phase, what, started = "startup", "starting Keras", time.monotonic()
    spawned, clock = time.perf_counter(), {}
    while True:
        exited = child.process.poll() is not None
        for event in child.events():
            kind = event["event"]
            if kind == "started":
                clock["started"] = event["t"]
            elif kind == "ready":
                outcome.backend = event["backend"]
                outcome.keras_version = event["keras"]
                # Python's own start-up, measured here, plus the child's import of Keras.
                outcome.startup_seconds += event["t"] - clock.get("started", event["t"])
                outcome.startup_seconds += _python_startup(spawned, clock, event)
            elif kind == "importing":
                phase, what, started = "import", f"importing {event['target']}", time.monotonic()
                clock["importing"] = event["t"]
            elif kind == "imported":
                outcome.import_seconds += event["t"] - clock.get("importing", event["t"])
            elif kind == "fatal":
                outcome.error, outcome.exit_code = event["error"], event["exit_code"]
            elif kind == "start":
                layer = layers.get(event["layer"]) or LayerResult(event["layer"])
                if event["layer"] not in layers:
                    layers[layer.target] = layer
                    outcome.layers.append(layer)
                phase, what, started = "layer", f"checking {layer.target}", time.monotonic()
                clock["layer"] = event["t"]
            elif kind == "resolved":
                layer = layers[event["layer"]]
                layer.input_shape = event["input_shape"]
                layer.input_dtype = event["input_dtype"]
                layer.arguments, layer.inferred = event["arguments"], event["inferred"]
                layer.error, layer.fix = event["error"], event["fix"]
            elif kind == "activity":
                layers[event["layer"]].activity = event["activity"]
            elif kind == "finding":
                fields = ("check", "status", "message", "fix")
                layers[event["layer"]].findings.append({k: event[k] for k in fields})
            elif kind == "layer_error":
                layers[event["layer"]].error = event["error"]
                layers[event["layer"]].fix = event.get("fix", "")
            elif kind == "done":
                layers[event["layer"]].finished = True
                layers[event["layer"]].seconds = event["t"] - clock.get("layer", event["t"])
                phase, what = "between", ""
            elif kind == "end":
                phase = "end"
        if exited:
            child.process.wait()
            return _after_exit(child, phase, what, outcome, layers)
        limit = STARTUP_LIMIT if phase == "startup" else request.timeout
        if phase in ("startup", "import", "layer") and time.monotonic() - started > limit:
            child.kill()
            return _after_timeout(phase, what, limit, outcome, layers)
        time.sleep(POLL)


def _python_startup(spawned: float, clock: dict, ready: dict) -> float:
    """Seconds from spawning the child to its first event (the interpreter starting).

    perf_counter is one clock for both processes on Linux and macOS; where it is
    not, this part is left out rather than guessed."""
    first = clock.get("started")
    if first is None or not 0 <= first - spawned < STARTUP_LIMIT:
        return 0.0
    return first - spawned


def _current(layers: dict[str, LayerResult]) -> LayerResult | None:
    return next((layer for layer in layers.values() if not layer.finished), None)


def _after_timeout(phase, what, limit, outcome: Outcome, layers) -> bool:
    shown = f"{limit:g} s"
    if phase == "layer":
        layer = _current(layers)
        where = f" (while {layer.activity})" if layer.activity else ""
        layer.error = f"checking did not finish within {shown}{where}; the check was stopped"
        layer.fix = "look for a loop that never ends in the layer; or raise --timeout"
        layer.finished = True
        return True
    if phase == "import":
        outcome.error = f"{what} did not finish within {shown} (--timeout); it was stopped"
    else:
        outcome.error = f"starting Keras ({outcome.backend}) did not finish within {shown}"
    outcome.exit_code = 3
    return False


def _after_exit(child: _Child, phase, what, outcome: Outcome, layers) -> bool:
    code = child.process.returncode
    if phase == "end" or outcome.error:
        return False
    context = child.last_output()
    context = f" (last output: {context})" if context else ""
    if phase == "layer":
        layer = _current(layers)
        where = f" while {layer.activity}" if layer.activity else ""
        layer.error = f"the check process {_exit_description(code)}{where}{context}"
        layer.finished = True
        return True
    if phase == "import":
        outcome.error = f"{what} ended the check process: it {_exit_description(code)}{context}"
    elif phase == "between":
        outcome.error = f"the check process {_exit_description(code)} between layers{context}"
    else:
        outcome.error = (
            f"the check process could not start Keras: it {_exit_description(code)}{context}"
        )
    outcome.exit_code = 3
    return False
