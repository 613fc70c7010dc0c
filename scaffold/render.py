"""The one Jinja environment, and the in-memory checks every generated file passes.

Rendering is text only: nothing here imports TensorFlow or Keras. jinja2 and
black are imported on first use so `scaffold --help` stays instant.
"""

from __future__ import annotations

import ast
import functools
import json
from pathlib import Path
from typing import Any

from . import cache
from .errors import ScaffoldError


def templates_dir() -> Path:
    """Templates ship inside the wheel as scaffold/templates; a source checkout
    (or an editable install) keeps them at the repository's top level."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "templates", here.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise ScaffoldError(f"templates not found next to {here}; reinstall scaffold")


def pyrepr(value: Any) -> str:
    """A Python literal for a value (None, bool, int, str, tuple, list, dict)."""
    return repr(value)


def docstring_text(value: str) -> str:
    """Text made inert inside a triple-quoted docstring: backslashes and every
    double quote are escaped, so nothing can end the string early."""
    return value.replace("\\", "\\\\").replace('"', '\\"')


@functools.lru_cache(maxsize=None)
def environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        # Compiled templates are reused across runs (keyed by template source).
        bytecode_cache=_verified_bytecode_cache(jinja2) if cache.cache_dir() else None,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters["py"] = pyrepr
    env.filters["doc"] = docstring_text
    env.filters["json"] = json.dumps
    return env


def _verified_bytecode_cache(jinja2):
    """Jinja's compiled templates, kept in scaffold.cache: every entry checked
    against its checksum before Jinja reads it (Jinja itself then checks its
    magic number and the template source's checksum)."""
    import io
    import sys
    import types

    class VerifiedBytecodeCache(jinja2.BytecodeCache):
        @staticmethod
        def _name(bucket) -> str:
            return cache.key(jinja2.__version__, sys.version, bucket.key)

        def load_bytecode(self, bucket) -> None:
            data = cache.get_bytes("jinja", self._name(bucket))
            if data is None:
                return
            try:
                bucket.load_bytecode(io.BytesIO(data))
            except Exception:  # whatever a damaged entry raises: compile afresh
                bucket.reset()
            if bucket.code is not None and not isinstance(bucket.code, types.CodeType):
                bucket.reset()

        def dump_bytecode(self, bucket) -> None:
            out = io.BytesIO()
            bucket.write_bytecode(out)
            cache.put_bytes("jinja", self._name(bucket), out.getvalue())

    return VerifiedBytecodeCache()


def render_text(template: str, context: dict[str, Any]) -> str:
    import jinja2

    try:
        return environment().get_template(template).render(**context)
    except jinja2.TemplateError as error:
        raise ScaffoldError(f"template {template} failed to render: {error}") from error


def format_python(source: str, label: str) -> str:
    """Parse, then black-format, generated Python; refuse code that does not parse."""
    try:
        ast.parse(source, filename=label)
    except SyntaxError as error:
        raise ScaffoldError(
            f"generated {label} is not valid Python (line {error.lineno}: {error.msg})"
        ) from error
    return black_format(source)


def _black_version() -> str:
    try:
        from _black_version import version  # shipped with black; cheaper than importing it
    except ImportError:
        import black

        version = black.__version__
    return version


def black_format(source: str) -> str:
    """black's output for `source`, with black's default mode.

    The result depends only on black's version and the source, so it is cached:
    a repeated run neither imports black nor formats again.
    """
    name = cache.key(_black_version(), "default-mode", source)
    formatted = cache.get("black", name)
    if formatted is None:
        import black

        formatted = black.format_str(source, mode=black.Mode())
        cache.put("black", name, formatted)
    return formatted


def render_file(template: str, context: dict[str, Any], label: str) -> str:
    """Render one template; `.py` output is parsed and black-formatted."""
    text = render_text(template, context)
    if label.endswith(".py"):
        return format_python(text, label)
    return text
