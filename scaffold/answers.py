"""A generation's answers as the record keeps them, and back to options.

Answers are keyed by the command-line flag without its dashes (`units`,
`kernel-size`, `weights-in`), the same names `[tool.scaffold]` and
`scaffold update --set` use. Every answer is recorded, defaults included, so
an update renders with the values of the first generation even when a kind's
default changed since.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .core.errors import UsageProblem
from .core.names import parse_name
from .options import LayerOptions, Placement
from .record import absolute, relative


def key_of(name: str) -> str:
    """An option's name (`kernel_size`) as an answer's key (`kernel-size`)."""
    return name.replace("_", "-")


def _hyperparameter(value: Any) -> Any:
    return "linear" if value is None else value  # an activation: None is linear


def layer_entry(options: LayerOptions, output_dir: Path, tests_dir: Path | None) -> dict:
    """The record entry of one generated layer (its files are added by record.stage)."""
    kind = options.kind
    answers: dict[str, Any] = {
        key_of(name): _hyperparameter(value) for name, value in options.hyperparameters.items()
    }
    answers["weights-in"] = options.placement.value
    if options.spec.owns_weights:
        answers["weight-api"] = options.weight_api.value
    answers["dynamic"] = options.dynamic
    if options.input_dim is not None:
        answers["input-dim"] = options.input_dim
    if options.description is not None:
        answers["description"] = options.description
    if tests_dir is None:
        answers["no-tests"] = True
    else:
        answers["tests-dir"] = relative(output_dir, tests_dir)
    entry: dict[str, Any] = {
        "name": options.name.class_name,
        "kind": kind.name,
        "kind-source": kind.source,
        "answers": answers,
    }
    if kind.source == "path":
        entry["kind-folder"] = relative(output_dir, kind.folder)
    return entry


LAYER_KEYS = {"weights-in", "weight-api", "dynamic", "input-dim", "description"}
FIXED = {"tests-dir", "no-tests"}  # where the files are: not an answer update can change


def layer_options(entry: dict, directory: Path, answers: dict[str, Any]) -> LayerOptions:
    """The options of a recorded layer with `answers` (the recorded ones, perhaps changed)."""
    kind = entry.get("kind", "")
    if entry.get("kind-source") == "path":
        kind = os.fspath(absolute(directory, entry.get("kind-folder", "")))
        if not Path(kind).is_dir():
            raise UsageProblem(
                f"the kind folder {kind} of layer {entry.get('name')} is gone; put it back "
                "to update this layer"
            )
    hyperparameters = {
        key.replace("-", "_"): value
        for key, value in answers.items()
        if key not in LAYER_KEYS and key not in FIXED
    }
    return LayerOptions.create(
        parse_name(entry.get("name", "")),
        kind=kind,
        placement=answers.get("weights-in", Placement.BUILD.value),
        weight_api=answers.get("weight-api"),
        dynamic=answers.get("dynamic", False),
        input_dim=answers.get("input-dim"),
        description=answers.get("description"),
        **hyperparameters,
    )


def lenet_entry(options) -> dict:
    from .generators.lenet import DEFAULT_ARCHITECTURE

    answers = {
        "name": options.package,
        "style": options.style,
        "weights-in": options.placement.value,
        "weight-api": options.weight_api.value,
    }
    if options.architecture != DEFAULT_ARCHITECTURE:  # recorded when it is not the default
        answers["architecture"] = options.architecture
    return {"generator": "lenet", "answers": answers}


def record_layer(plan, options: LayerOptions, target) -> None:
    """Stage the record of a `scaffold layer` run in its plan."""
    from . import record

    generated = {planned.path: planned.data for planned in plan.generated}
    entry = layer_entry(options, target.output_dir, target.tests_dir)
    if target.package_init is not None:
        entry["registered-in"] = "__init__.py"
    directories = record.created_directories(target.output_dir, generated)
    record.stage(plan, target.output_dir, options.name.module_name, entry, generated, directories)


def record_lenet(plan, options) -> None:
    """Stage the record of a `scaffold lenet` run (at the project's root) in its plan."""
    from . import record

    generated = {planned.path: planned.data for planned in plan.generated}
    record.stage(plan, options.directory, None, lenet_entry(options), generated)
