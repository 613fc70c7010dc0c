"""What `scaffold check` prints, and its exit code.

Exit codes: 0 every applicable check passed; 1 a layer failed a check; 2 a
usage error; 3 nothing failed, but some layer or check could not be run.
"""

from __future__ import annotations

import json

from .runner import LayerResult, Outcome

PASSED, FAILED, USAGE, NOT_RUN = 0, 1, 2, 3
LABELS = {"pass": "pass", "fail": "FAIL", "n/a": "n/a ", "error": "ERR "}


def layer_passed(layer: LayerResult) -> bool:
    return not layer.error and all(f["status"] in ("pass", "n/a") for f in layer.findings)


def _failed(layer: LayerResult) -> bool:
    return any(f["status"] == "fail" for f in layer.findings)


def _not_run(layer: LayerResult) -> bool:
    return bool(layer.error) or any(f["status"] == "error" for f in layer.findings)


def exit_code(outcome: Outcome) -> int:
    if any(_failed(layer) for layer in outcome.layers):
        return FAILED
    if outcome.error:
        return outcome.exit_code or NOT_RUN
    if any(_not_run(layer) for layer in outcome.layers):
        return NOT_RUN
    return PASSED


def _shape(layer: LayerResult) -> str:
    shapes = layer.input_shape or []
    text = ", ".join(str(tuple(s)) for s in shapes)
    return f"{text} {layer.input_dtype}" if layer.input_dtype != "float32" else text


def summary(outcome: Outcome) -> str:
    layers = outcome.layers
    failed = sum(_failed(layer) for layer in layers)
    not_run = sum(_not_run(layer) and not _failed(layer) for layer in layers)
    passed = len(layers) - failed - not_run
    line = f"{len(layers)} layer(s) checked on {outcome.backend}: {passed} passed, {failed} failed"
    if not_run:
        line += f", {not_run} could not be fully checked"
    if outcome.error:
        line += "; the run stopped early"
    code = exit_code(outcome)
    if code == NOT_RUN:
        line += " (exit code 3: some checks could not run)"
    return line


def render_text(outcome: Outcome) -> str:
    lines = []
    for layer in outcome.layers:
        details = [f"input {_shape(layer)}"] if layer.input_shape else []
        if layer.inferred:
            shown = ", ".join(f"{k}={layer.arguments[k]}" for k in layer.inferred)
            details.append(f"inferred {shown}")
        lines.append(f"{layer.target}" + (f" ({'; '.join(details)})" if details else ""))
        if layer.error:
            lines.append(f"  ERROR  {layer.error}")
            if layer.fix:
                lines.append(f"         fix: {layer.fix}")
        for finding in layer.findings:
            if layer.error and finding["message"].startswith("not run:"):
                continue
            label = LABELS.get(finding["status"], finding["status"])
            lines.append(f"  {label}  {finding['check']:<18} {finding['message']}")
            if finding["status"] == "fail" and finding["fix"]:
                lines.append(f"        {'':<18} fix: {finding['fix']}")
        if layer.error and any(f["message"].startswith("not run:") for f in layer.findings):
            skipped = [f["check"] for f in layer.findings if f["message"].startswith("not run:")]
            lines.append(f"  not run: {', '.join(skipped)}")
    if outcome.error:
        lines.append(f"error: {outcome.error}")
    lines.append(summary(outcome))
    return "\n".join(lines)


def render_json(outcome: Outcome) -> str:
    document = {
        "passed": exit_code(outcome) == PASSED,
        "backend": outcome.backend,
        "keras": outcome.keras_version,
        "seconds": {
            "startup": round(outcome.startup_seconds, 3),
            "import": round(outcome.import_seconds, 3),
        },
        "layers": [
            {
                "target": layer.target,
                "input_shape": (
                    layer.input_shape[0]
                    if layer.input_shape and len(layer.input_shape) == 1
                    else layer.input_shape
                ),
                "input_dtype": layer.input_dtype,
                "arguments": layer.arguments,
                "inferred": layer.inferred,
                "passed": layer_passed(layer),
                "seconds": round(layer.seconds, 3),
                "error": layer.error,
                "fix": layer.fix,
                "findings": layer.findings,
            }
            for layer in outcome.layers
        ],
    }
    if outcome.error:
        document["error"] = outcome.error
    return json.dumps(document, indent=2)
