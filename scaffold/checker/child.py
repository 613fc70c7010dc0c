"""The child process of `scaffold check`: import the targets, run the contract.

Started by runner.py as `python -c BOOT REQUEST_FILE RESULTS_FILE`. Every step
is one JSON line appended to RESULTS_FILE, a channel the user's code does not
write to (its prints go to this process's stdout, which the parent keeps
apart). Nothing here is imported by the parent.
"""

from __future__ import annotations

import faulthandler
import json
import os
import sys
import time
import warnings


class Channel:
    def __init__(self, path: str):
        self._file = open(path, "a", encoding="utf-8")
        self.activity = ""  # what the child is doing, for messages about a crash

    def doing(self, layer: str, activity: str) -> None:
        self.activity = activity
        self.send("activity", layer=layer, activity=activity)

    def send(self, event: str, **fields) -> None:
        fields["t"] = time.perf_counter()  # for the parent's timings
        self._file.write(json.dumps({"event": event, **fields}, default=str) + "\n")
        self._file.flush()


def main(request_path: str, results_path: str) -> int:
    faulthandler.enable()  # a crash in native code leaves a trace on stderr
    warnings.simplefilter("ignore")
    channel = Channel(results_path)
    channel.send("started")
    with open(request_path, encoding="utf-8") as handle:
        from .request import Request

        request = Request.from_json(handle.read())
    os.chdir(request.cwd)
    import keras

    from . import contract

    channel.send("ready", backend=keras.backend.backend(), keras=keras.__version__)
    from .discover import ImportFailed, find_layers
    from ..core.errors import UsageProblem

    done = set(request.skip)
    for target in request.targets:
        channel.send("importing", target=target)
        try:
            classes = find_layers(target)
        except UsageProblem as error:
            channel.send("fatal", error=str(error), exit_code=2)
            return 0
        except ImportFailed as error:
            channel.send("fatal", error=str(error), exit_code=3)
            return 0
        channel.send("imported", target=target)
        module_part = target.partition(":")[0]
        custom_objects = {cls.__name__: cls for cls in classes}
        for cls in classes:
            name = f"{module_part}:{cls.__name__}"
            if name in done:
                continue
            channel.send("start", layer=name)
            try:
                check_layer(channel, name, cls, request, custom_objects, contract)
            except SystemExit as exit:
                channel.send(
                    "layer_error",
                    layer=name,
                    error=f"the layer called sys.exit({exit.code!r}) while {channel.activity}",
                )
            channel.send("done", layer=name)
            keras.backend.clear_session()  # each layer starts from a clean Keras state
    channel.send("end")
    return 0


def check_layer(channel: Channel, name: str, cls, request, custom_objects, contract) -> None:
    from .infer import plan_layer

    settings = request.config.get(cls.__name__, {})
    channel.doing(name, "constructing and calling the layer")
    plan = plan_layer(cls, request, settings, custom_objects)
    spec = plan.spec
    channel.send(
        "resolved",
        layer=name,
        input_shape=[list(s) for s in spec.input_shapes],
        input_dtype=spec.input_dtypes[0],
        arguments=plan.shown_arguments(),
        inferred=sorted(plan.inferred),
        error=plan.error,
        fix=plan.fix,
    )
    findings = []
    for check in contract.check_names():
        channel.doing(name, f"running the {check} check")
        try:
            finding = contract.run_check(spec, check)
        except SystemExit as exit:  # the layer's own doing; the other checks go on
            finding = contract.Finding(
                check,
                contract.ERROR,
                f"the check could not run: the layer called sys.exit({exit.code!r})",
            )
        if plan.error:  # sent below, once it is known whether a check names the cause
            findings.append(finding)
        else:
            send_finding(channel, name, finding)
    contract.forget(spec)
    if plan.error:
        if not any(f.status == contract.ERROR for f in findings):
            # A check names the cause (no-dynamic, training-step): no separate error.
            channel.send("layer_error", layer=name, error="", fix="")
        for finding in findings:
            if finding.status == contract.ERROR:
                finding.message = "not run: the layer could not be used (see the error)"
            send_finding(channel, name, finding)


def send_finding(channel: Channel, name: str, finding) -> None:
    channel.send(
        "finding",
        layer=name,
        check=finding.check,
        status=finding.status,
        message=finding.message,
        fix=finding.fix,
    )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1], sys.argv[2]))
