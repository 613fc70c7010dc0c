"""Inside the child: import a target and find the layer classes it names.

A `.py` file is loaded under a private module name, and its directory is put
at the end of `sys.path` (for its sibling imports), so a file called
`numpy.py` or `json.py` never shadows the real module.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import inspect
import os
import sys
from pathlib import Path

import keras

from ..core.errors import ScaffoldError, UsageProblem


class ImportFailed(ScaffoldError):
    """The user's module raised (or exited) while being imported."""

    exit_code = 3


def _private_name(path: Path) -> str:
    digest = hashlib.sha1(str(path).encode()).hexdigest()[:8]
    return f"_scaffold_check_{path.stem}_{digest}"


def _package_of(path: Path) -> tuple[str, Path] | None:
    """(dotted module name, root) when the file sits in a package, so its relative
    imports work; None for a plain directory."""
    parts = [path.stem]
    directory = path.parent
    while (directory / "__init__.py").is_file():
        parts.insert(0, directory.name)
        directory = directory.parent
    if len(parts) == 1:
        return None
    return ".".join(parts), directory


def _exec_file(path: Path, shown: str):
    package = _package_of(path)
    if package is not None:
        name, root = package
        if str(root) not in sys.path:
            sys.path.append(str(root))
        return _import_named(name, shown)
    if str(path.parent) not in sys.path:
        sys.path.append(str(path.parent))
    name = _private_name(path)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    _guarded(lambda: spec.loader.exec_module(module), shown)
    return module


def _import_named(name: str, shown: str):
    try:
        return _guarded(lambda: importlib.import_module(name), shown)
    except ModuleNotFoundError as error:
        if error.name and (name == error.name or name.startswith(error.name + ".")):
            raise UsageProblem(f"cannot import {name!r}: no module named {error.name!r}") from None
        raise ImportFailed(f"importing {shown} failed: {_one_line(error)}") from None


def _guarded(action, shown: str):
    try:
        return action()
    except ModuleNotFoundError:
        raise
    except SystemExit as exit:
        raise ImportFailed(f"importing {shown} called sys.exit({exit.code!r})") from None
    except Exception as error:
        raise ImportFailed(f"importing {shown} failed: {_one_line(error)}") from None


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def import_target(module_part: str):
    if module_part.endswith(".py") or os.sep in module_part or "/" in module_part:
        path = Path(module_part).resolve()
        if not path.is_file():
            raise UsageProblem(f"{module_part}: no such file")
        return _exec_file(path, module_part)
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    return _import_named(module_part, module_part)


def is_concrete_layer(obj) -> bool:
    return (
        inspect.isclass(obj)
        and issubclass(obj, keras.layers.Layer)
        and obj.call is not keras.layers.Layer.call
    )


def find_layers(target: str) -> list[type]:
    """`module:Class`, a module (every Layer subclass it defines), or a .py file."""
    module_part, _, class_name = target.partition(":")
    module = import_target(module_part)
    if class_name:
        cls = getattr(module, class_name, None)
        if not (inspect.isclass(cls) and issubclass(cls, keras.layers.Layer)):
            raise UsageProblem(
                f"{target}: {class_name!r} is not a keras.layers.Layer subclass in {module_part}"
            )
        return [cls]
    layers = [
        obj
        for _, obj in inspect.getmembers(module, is_concrete_layer)
        if obj.__module__ == module.__name__
    ]
    if not layers:
        raise UsageProblem(f"{target}: defines no keras.layers.Layer subclass")
    return sorted(layers, key=_definition_order)


def _definition_order(cls: type) -> int:
    try:
        return inspect.getsourcelines(cls)[1]
    except (OSError, TypeError):
        return 0
