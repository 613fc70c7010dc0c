"""Turn a user-supplied NAME into a class name and a module name, or refuse it.

`ConvBnRelu`, `conv_bn_relu` and `conv-bn-relu` all name the same layer: class
`ConvBnRelu` in module `conv_bn_relu.py`.
"""

from __future__ import annotations

import builtins
import functools
import importlib.machinery
import keyword
import os
import re
import sys
from dataclasses import dataclass

from .errors import UsageProblem

# Names a generated class or module must not take: they would shadow something
# the generated code (or its user) relies on.
RESERVED = frozenset(dir(builtins)) | {
    "Layer",
    "keras",
    "tensorflow",
    "tf",
    "np",
    "ops",
    "keras_contract",  # the contract module copied beside generated tests
}

MAX_LENGTH = 64

_WORD_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


@dataclass(frozen=True)
class LayerName:
    """A validated layer name in its two spellings."""

    class_name: str  # ConvBnRelu
    module_name: str  # conv_bn_relu


def _words(raw: str) -> list[str]:
    words: list[str] = []
    for chunk in re.split(r"[_-]+", raw):
        words.extend(w for w in _WORD_BOUNDARY.split(chunk) if w)
    return words


def parse_name(raw: str) -> LayerName:
    """Validate NAME and derive its class and module names.

    Raises UsageProblem with a one-line reason when NAME cannot be used.
    """
    shown = repr(raw)
    if not raw or not raw.strip():
        raise UsageProblem("NAME is empty; give a name such as ConvBnRelu")
    if len(raw) > MAX_LENGTH:
        raise UsageProblem(f"NAME is {len(raw)} characters long; use at most {MAX_LENGTH}")
    if "/" in raw or "\\" in raw or ".." in raw:
        raise UsageProblem(
            f"NAME {shown} contains a path; give a bare name and choose the "
            "directory with --output-dir"
        )
    if not raw.isascii():
        raise UsageProblem(f"NAME {shown} has non-ASCII characters; use A-Z, a-z, 0-9, '_' or '-'")
    if not re.fullmatch(r"[A-Za-z0-9_-]+", raw):
        raise UsageProblem(f"NAME {shown} may only contain letters, digits, '_' and '-'")
    if raw[0].isdigit():
        raise UsageProblem(f"NAME {shown} starts with a digit; Python names cannot")
    if keyword.iskeyword(raw) or keyword.issoftkeyword(raw):
        raise UsageProblem(f"NAME {shown} is a Python keyword")
    words = _words(raw)
    if not words:
        raise UsageProblem(f"NAME {shown} has no letters or digits")
    class_name = "".join(w[:1].upper() + w[1:].lower() if not w.isupper() else w for w in words)
    module_name = "_".join(w.lower() for w in words)
    for candidate in (class_name, module_name):
        if not candidate.isidentifier() or keyword.iskeyword(candidate):
            raise UsageProblem(f"NAME {shown} does not give a valid Python name ({candidate!r})")
        if candidate in RESERVED:
            raise UsageProblem(
                f"NAME {shown} would shadow {candidate!r}, which generated code "
                "relies on; choose another name"
            )
    if module_name.startswith("test_") or module_name.endswith("_test"):
        raise UsageProblem(
            f"NAME {shown} gives the module {module_name}.py, which pytest would collect "
            "as a test file; choose another name"
        )
    return LayerName(class_name=class_name, module_name=module_name)


# Top-level module names a generated module must never take, installed or not:
# pytest's own and the files pytest loads by name, and the contract module the
# generated tests import.
TOOL_MODULES = frozenset({"pytest", "_pytest", "py", "pluggy", "conftest", "keras_contract"})


# Top-level names that are not modules one imports but files something runs on
# its own when it finds them: a layer module so named would be run, or hidden.
LOADED_BY_NAME = {
    "__main__": "the running program's module",
    "sitecustomize": "run at every interpreter start when on the path",
    "usercustomize": "run at every interpreter start when on the path",
    "setup": "`pip install .` runs a directory's setup.py",
}


def _module_name(file_name: str, is_dir: bool) -> str | None:
    """The top-level module a directory entry on sys.path provides, if any."""
    if is_dir:
        return file_name if file_name.isidentifier() else None
    for suffix in (".py", ".pyc", *importlib.machinery.EXTENSION_SUFFIXES):
        if file_name.endswith(suffix):
            stem = file_name[: -len(suffix)]
            return stem if stem.isidentifier() else None
    return None


@functools.lru_cache(maxsize=None)
def importable_modules() -> dict[str, frozenset[str]]:
    """Top-level names `import NAME` finds on sys.path (modules, packages,
    namespace directories), each with the directories that provide it.

    The current directory ('' or the working directory on sys.path) is left
    out: that is where the user's own modules are generated. Listing the
    directories costs about a millisecond; nothing is imported.
    """
    found: dict[str, set[str]] = {}
    try:
        here = os.getcwd()
    except OSError:
        here = None
    for entry in sys.path:
        if not entry or entry == here or not os.path.isdir(entry):
            continue
        place = os.path.realpath(entry)
        try:
            with os.scandir(entry) as listing:
                for item in listing:
                    name = _module_name(item.name, item.is_dir())
                    if name:
                        found.setdefault(name, set()).add(place)
        except OSError:
            continue
    return {name: frozenset(places) for name, places in found.items()}


@functools.lru_cache(maxsize=None)
def installed_distributions() -> frozenset[str]:
    """Normalized names (PEP 503) of the distributions installed on sys.path."""
    names = set()
    for entry in sys.path:
        if not entry or not os.path.isdir(entry):
            continue
        try:
            with os.scandir(entry) as listing:
                for item in listing:
                    if item.name.endswith((".dist-info", ".egg-info")):
                        names.add(normalize_distribution(item.name.rsplit(".", 1)[0].split("-")[0]))
        except OSError:
            continue
    return frozenset(names)


def normalize_distribution(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def check_top_level_module(
    name: str, what: str, fix: str = "choose another name", home: tuple = ()
) -> None:
    """Refuse `name` for a module or package that lands at the top of the import
    path (a plain directory, a project's src/), where it would hide another
    module of the same name from every import, the generated test's and
    TensorFlow's included. A module found only in `home` (the directories the
    new files go to) is the user's own, being generated again."""
    if name in TOOL_MODULES:
        raise UsageProblem(
            f"{what} {name!r} would hide pytest's or the generated tests' own module "
            f"{name}; {fix}"
        )
    if name in LOADED_BY_NAME:
        raise UsageProblem(
            f"{what} {name!r} is a name Python or packaging tools load by itself "
            f"({LOADED_BY_NAME[name]}); {fix}"
        )
    if name in sys.stdlib_module_names or name in sys.builtin_module_names:
        raise UsageProblem(f"{what} {name!r} would hide the standard-library module {name}; {fix}")
    own = {os.path.realpath(directory) for directory in home}
    if importable_modules().get(name, frozenset()) - own:
        raise UsageProblem(f"{what} {name!r} would hide the installed module {name}; {fix}")
