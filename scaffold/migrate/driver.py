"""Migrate one module's source, or many files: parse, find the layers, plan
every rewrite on the original tree, apply the edits in one pass, add `import
keras` if the new code needs it, and check that the result still compiles."""

from __future__ import annotations

import os
from pathlib import Path

import libcst as cst

from ..core.plan import NotRegularFile, read_regular
from .context import Context
from .layers import find_layers
from .names import Names
from .report import FileResult
from .rewrites import REWRITES

BOM = "\ufeff"


def migrate_source(source: str, package: str, path: str = "<source>") -> FileResult:
    """The migrated text of one module and what was fixed and left.

    A source that does not parse comes back `refused`, unchanged."""
    bom = source.startswith(BOM)
    text = source[len(BOM) :] if bom else source
    if "keras" not in text:  # no Keras layer can be defined without naming Keras
        try:
            compile(text, path, "exec", dont_inherit=True)
        except (SyntaxError, ValueError) as error:  # ValueError: a null byte
            return FileResult(path, source, source, refused=_python_syntax_error(error))
        return FileResult(path, source, source)
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        return FileResult(path, source, source, refused=_syntax_error(text, error))
    wrapper = cst.MetadataWrapper(module, unsafe_skip_copy=True)
    names = Names(wrapper)
    layers = find_layers(wrapper.module, names)
    ctx = Context.create(wrapper, names, package, layers)
    for layer in layers:
        for rewrite in REWRITES:
            rewrite(layer, ctx)
    migrated = ctx.edits.apply(wrapper.module) if ctx.edits else wrapper.module
    for name in sorted(ctx.edits.imports if ctx.edits else ()):
        migrated = add_import(migrated, name)
    result_text = migrated.code
    try:
        compile(result_text, path, "exec")
    except SyntaxError as error:  # a defect of the tool: never hand it to the user
        return FileResult(
            path,
            source,
            source,
            refused=f"the migrated code does not compile ({error.msg}, line {error.lineno}); "
            "nothing was changed: please report this file",
        )
    return FileResult(
        path,
        source,
        (BOM if bom else "") + result_text,
        layers=[layer.name for layer in layers],
        findings=ctx.findings,
    )


def _syntax_error(text: str, error: cst.ParserSyntaxError) -> str:
    """Python's own words for what does not parse (libcst's list every token it expected)."""
    try:
        compile(text, "<migrated>", "exec", dont_inherit=True)
    except SyntaxError as python:
        return _python_syntax_error(python)
    return f"does not parse: syntax this tool cannot read yet (line {error.raw_line})"


def _python_syntax_error(error: Exception) -> str:
    if isinstance(error, SyntaxError):
        return f"does not parse: {error.msg} (line {error.lineno})"
    return f"does not parse: {error}"


def add_import(module: cst.Module, name: str) -> cst.Module:
    """`import name` after the module's first block of imports (after its
    docstring and `from __future__` imports when it has no other), adding no
    blank line: the lines around it stay as they were."""
    body = list(module.body)
    position = 0
    for index, statement in enumerate(body):
        small = statement.body if isinstance(statement, cst.SimpleStatementLine) else []
        if small and all(isinstance(s, (cst.Import, cst.ImportFrom)) for s in small):
            position = index + 1
        elif small and isinstance(small[0], cst.Expr) and index == 0:
            position = 1  # the docstring
        elif position:
            break
    body.insert(position, cst.SimpleStatementLine([cst.Import([cst.ImportAlias(cst.Name(name))])]))
    return module.with_changes(body=body)


def registration_package(path: Path) -> str:
    """The module's dotted path: its name, under every enclosing package."""
    parts = [path.stem] if path.stem != "__init__" else []
    directory = path.parent
    while (directory / "__init__.py").is_file():
        parts.insert(0, directory.name)
        directory = directory.parent
    return ".".join(parts) or path.parent.name


def read_source(path: Path) -> str:
    """The file's text exactly (line endings included), or a refusal reason."""
    data = read_regular(path)  # a FIFO would block the run
    return data.decode("utf-8")


def migrate_file(path: Path, shown: str) -> FileResult:
    try:
        source = read_source(path)
    except UnicodeDecodeError:
        return FileResult(shown, "", "", refused="is not UTF-8 text")
    except NotRegularFile:
        return FileResult(shown, "", "", refused="is not a regular file")
    except OSError as error:
        return FileResult(shown, "", "", refused=f"cannot be read ({error.strerror or error})")
    try:
        return migrate_source(source, registration_package(path), shown)
    except RecursionError:  # Python parses deeper nesting than libcst can walk
        return FileResult(shown, source, source, refused="nests too deeply to rewrite safely")


def relative(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)
