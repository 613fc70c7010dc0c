"""The Jinja environments, and the in-memory checks every generated file passes.

Rendering is text only: nothing here imports TensorFlow or Keras. jinja2 is
imported on first use so `scaffold --help` stays fast, and black only for output
that is not already black's: the built-in templates are written at black's
width (the test suite proves their output unchanged by black), a user's kind
template is not, so its output goes through black.
"""

from __future__ import annotations

import ast
import functools
import json
import os
from pathlib import Path
from typing import Any

from . import cache
from .errors import ScaffoldError
from .plan import display
from .pysource import LINE_LENGTH, exploded_dict, literal


def templates_dir() -> Path:
    """Templates ship inside the wheel as scaffold/templates; a source checkout
    (or an editable install) keeps them at the repository's top level.
    SCAFFOLD_TEMPLATES_DIR points at another tree (with its built-in kinds)."""
    override = os.environ.get("SCAFFOLD_TEMPLATES_DIR")
    if override:
        return Path(override)
    here = Path(__file__).resolve().parent.parent  # the scaffold package
    for candidate in (here / "templates", here.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise ScaffoldError(f"templates not found next to {here}; reinstall scaffold")


def docstring_text(value: str) -> str:
    """Text made inert inside a triple-quoted docstring: backslashes are doubled,
    and every double quote that could end the string (or that black would pad:
    the first and the last character) is escaped."""
    text = value.replace("\\", "\\\\")
    out = []
    for index, char in enumerate(text):
        if char == '"' and (
            index == 0 or index == len(text) - 1 or text[index - 1] == '"' or text[index + 1] == '"'
        ):
            out.append('\\"')
        else:
            out.append(char)
    return "".join(out)


@functools.lru_cache(maxsize=None)
def environment(search: Path | None = None):
    """The Jinja environment over templates/ (and first over `search`, a user's
    kind folder, when given)."""
    import jinja2

    paths = [str(templates_dir())] if search is None else [str(search), str(templates_dir())]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(paths),
        # Compiled templates are reused across runs (keyed by template source).
        bytecode_cache=_verified_bytecode_cache(jinja2) if cache.cache_dir() else None,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters["py"] = literal
    env.filters["py_exploded"] = lambda value, indent=0: "\n".join(exploded_dict(value, indent))
    env.filters["doc"] = docstring_text
    env.filters["json"] = json.dumps
    return env


def _verified_bytecode_cache(jinja2):
    """Jinja's compiled templates, kept in scaffold.core.cache: every entry checked
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


def _template_line(error: BaseException) -> tuple[str, int] | None:
    """The innermost template file and line of a rendering error."""
    found = None
    tb = error.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".jinja"):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def render_text(template: str, context: dict[str, Any], search: Path | None = None) -> str:
    """Render one template; any error is one line naming the template file and line."""
    import jinja2

    env = environment(search)
    try:
        return env.get_template(template).render(**context)
    except jinja2.TemplateSyntaxError as error:
        where = f"{display(Path(error.filename))}:{error.lineno}" if error.filename else template
        raise ScaffoldError(f"{where}: template syntax error: {error.message}") from None
    except Exception as error:  # StrictUndefined, a filter's error, a template's own bug
        place = _template_line(error)
        where = f"{display(Path(place[0]))}:{place[1]}" if place else template
        message = error.message if isinstance(error, jinja2.TemplateError) else str(error)
        raise ScaffoldError(f"{where}: {message or type(error).__name__}") from None


def format_python(source: str, label: str, exact: bool = False, origin: str = "") -> str:
    """Parse generated Python, refusing code that does not parse; then black
    unless the source is `exact` (already black's, from a built-in template) and
    no line outgrew black's width (a long name or value can make one)."""
    try:
        ast.parse(source, filename=label)
    except SyntaxError as error:
        raise ScaffoldError(
            f"{origin}generated {label} is not valid Python (line {error.lineno}: {error.msg})"
        ) from None
    if exact and all(len(line) <= LINE_LENGTH for line in source.splitlines()):
        return source
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


def render_file(
    template: str,
    context: dict[str, Any],
    label: str,
    *,
    search: Path | None = None,
    exact: bool = True,
    origin: str = "",
) -> str:
    """Render one template; `.py` output is parsed (and black-formatted unless exact)."""
    text = render_text(template, context, search)
    if label.endswith(".py"):
        return format_python(text, label, exact, origin)
    return text
