"""Turn a user-supplied NAME into a class name and a module name, or refuse it.

`ConvBnRelu`, `conv_bn_relu` and `conv-bn-relu` all name the same layer: class
`ConvBnRelu` in module `conv_bn_relu.py`.
"""

from __future__ import annotations

import builtins
import keyword
import re
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
    return LayerName(class_name=class_name, module_name=module_name)
