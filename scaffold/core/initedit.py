"""Add (or remove) one class's registration in a package's existing `__init__.py`.

A registration is `from .module import Class` plus `"Class"` in `__all__`. The
user's file is edited by inserting whole lines (or, to remove, deleting exactly
such lines); every other byte stays as it was: encoding, BOM, coding cookie,
line endings (the inserted line takes the ending of the line it follows),
form feeds, U+2028 and friends in comments and strings.

Positions come from Python's own parser (`ast` line numbers and UTF-8 column
offsets), mapped onto the decoded text with Python's own line splitting
(`\\r\\n`, `\\r`, `\\n`), never `str.splitlines()` (which also splits at form
feed, U+2028, U+0085 and `\\x1c`..`\\x1e`). Every result is checked before it is
returned: it parses, and its syntax tree is exactly the old tree with the
registration added (or removed). Anything that cannot be done this way is
refused with one line saying what to add by hand.

`__all__` rules (the value in effect at the end of the module is what counts):

- `__all__ = [...]`, `__all__: list[str] = [...]`, `__all__ = (...)`, followed
  by any number of `__all__ += [...]` / `(...)`, every element a string: the
  name goes into the last of those statements, as a line of its own before the
  closing bracket of a multi-line list that ends with a comma, or else as a new
  line `__all__ += ["Class"]` right after that statement.
- `__all__` bound any other way (a starred element, a computed value, several
  targets, inside `if`/`try`, mutated by `.append`...) is refused.
- No `__all__`: `from package import *` exports every public name, the new
  import included, so only the import is added: creating an `__all__` would
  drop the names the module binds today. A module that binds nothing yet
  (empty, comments, a docstring) gets a new `__all__` listing the class.
"""

from __future__ import annotations

import ast
import codecs
import copy
import io
import re
import tokenize

from .errors import ScaffoldError

_LINE_END = re.compile(r"\r\n|\r|\n")
_BLANK = " \t\f"
_BOM = codecs.BOM_UTF8


class _Refused(Exception):
    """The edit cannot be made safely; the message says why."""


class _Source:
    """An `__init__.py` decoded as Python decodes it, with its syntax tree."""

    def __init__(self, data: bytes, bom: bytes, encoding: str, text: str, tree: ast.Module):
        self.data, self.bom, self.encoding, self.text, self.tree = data, bom, encoding, text, tree
        # the character offset where each line starts (index 0 is line 1)
        self.line_starts = [0] + [m.end() for m in _LINE_END.finditer(text)]

    @classmethod
    def load(cls, data: bytes) -> "_Source":
        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        except SyntaxError as error:
            raise _Refused(f"its encoding cannot be read ({error.msg})") from None
        bom = _BOM if data.startswith(_BOM) else b""
        if encoding == "utf-8-sig":
            encoding = "utf-8"
        try:
            text = data[len(bom) :].decode(encoding)
            tree = ast.parse(data)
        except (UnicodeDecodeError, LookupError):
            raise _Refused(f"it is not valid {encoding} text") from None
        except SyntaxError as error:
            where = f"line {error.lineno}: " if error.lineno else ""
            raise _Refused(f"it does not parse ({where}{error.msg})") from None
        return cls(data, bom, encoding, text, tree)

    def offset(self, lineno: int, col: int) -> int:
        """The character offset of an `ast` position (`col` counts UTF-8 bytes)."""
        start = self.line_starts[lineno - 1]
        end = self.line_starts[lineno] if lineno < len(self.line_starts) else len(self.text)
        return start + len(self.text[start:end].encode("utf-8")[:col].decode("utf-8"))

    def start(self, node: ast.AST) -> int:
        lineno = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        col = node.col_offset if lineno == node.lineno else 0
        return self.offset(lineno, col)

    def end(self, node: ast.AST) -> int:
        return self.offset(node.end_lineno, node.end_col_offset)

    def line_start(self, position: int) -> int:
        """Offset of the start of the physical line holding `position`."""
        index = max(i for i, s in enumerate(self.line_starts) if s <= position)
        return self.line_starts[index]

    def line_end(self, position: int) -> str:
        """The line ending of the line holding `position` ('' on a last line without one)."""
        match = _LINE_END.search(self.text, position)
        return match.group() if match else ""

    def default_line_end(self) -> str:
        """The file's first line ending ("\\n" if it has none)."""
        match = _LINE_END.search(self.text)
        return match.group() if match else "\n"

    def last_line_end(self) -> str:
        """The file's last line ending ("\\n" if it has none)."""
        endings = _LINE_END.findall(self.text)
        return endings[-1] if endings else "\n"

    def after_logical_line(self, index: int) -> tuple[int, int, str]:
        """Where a new line goes after top-level statement `index`: the offset
        after the line ending of its logical line, the body index a statement
        inserted there takes, and that line ending ('' at the end of a file
        without a final newline)."""
        body = self.tree.body
        position = self.end(body[index])
        text = self.text
        while position < len(text):
            char = text[position]
            if char in _BLANK:
                position += 1
            elif char == "#":
                match = _LINE_END.search(text, position)
                position = match.start() if match else len(text)
            elif char == "\\" and _LINE_END.match(text, position + 1):
                position += 1 + len(_LINE_END.match(text, position + 1).group())
            elif char in "\r\n":
                ending = _LINE_END.match(text, position).group()
                return position + len(ending), index + 1, ending
            elif char == ";":
                position += 1
                if index + 1 < len(body) and self.start(body[index + 1]) >= position:
                    gap = text[position : self.start(body[index + 1])]
                    if not _LINE_END.search(gap) and "#" not in gap:
                        index += 1  # another statement on the same logical line
                        position = self.end(body[index])
            else:
                line = text.count("\n", 0, position) + 1
                raise _Refused(f"scaffold cannot tell where the statement on line {line} ends")
        return len(text), index + 1, ""

    def build(self, insertions: list[tuple[int, str]], deletions: list[tuple[int, int]]) -> bytes:
        """The file with text inserted at offsets and character ranges deleted;
        every untouched byte is copied from the original, never re-encoded."""
        cuts = sorted({0, len(self.text)} | {o for o, _ in insertions} | set(sum(deletions, ())))
        pieces = [self.text[a:b] for a, b in zip(cuts, cuts[1:])]
        try:
            encoded = [piece.encode(self.encoding) for piece in pieces]
        except UnicodeEncodeError:
            raise _Refused(f"its {self.encoding} text cannot be kept byte for byte") from None
        if b"".join(encoded) != self.data[len(self.bom) :]:
            raise _Refused(f"its {self.encoding} text cannot be kept byte for byte")
        out = [self.bom]
        for start, piece, raw in zip(cuts, pieces, encoded):
            out.extend(t.encode(self.encoding) for o, t in insertions if o == start)
            if not any(a <= start and start + len(piece) <= b for a, b in deletions):
                out.append(raw)
        out.extend(t.encode(self.encoding) for o, t in insertions if o == len(self.text))
        return b"".join(out)


# -- what the module says about __all__ and the class -----------------------------------


def _is_all(node: ast.AST) -> bool:
    return isinstance(node, ast.Name) and node.id == "__all__"


def _names_of(value: ast.AST) -> list[str] | None:
    """The strings of a list or tuple literal, or None if it is anything else."""
    if not isinstance(value, (ast.List, ast.Tuple)):
        return None
    if not all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in value.elts):
        return None
    return [e.value for e in value.elts]


def _all_chain(tree: ast.Module) -> list[int]:
    """Body indexes of the statements that make `__all__`'s final value: the last
    plain or annotated assignment of a literal and the `+=` of literals after it.
    Empty if there is no `__all__`; refused if it is made any other way."""
    chain: list[int] = []
    accounted: set[int] = set()
    for index, node in enumerate(tree.body):
        target = value = None
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and _is_all(node.targets[0]):
            target, value = node.targets[0], node.value
            chain = [index]
        elif isinstance(node, ast.AnnAssign) and _is_all(node.target):
            target, value = node.target, node.value
            if value is not None:
                chain = [index]
        elif isinstance(node, ast.AugAssign) and _is_all(node.target):
            target, value = node.target, node.value
            if not isinstance(node.op, ast.Add) or not chain:
                raise _Refused(
                    f"__all__ is changed on line {node.lineno} in a way scaffold cannot follow"
                )
            chain.append(index)
        if target is None:
            continue
        accounted.add(id(target))
        if value is not None and _names_of(value) is None:
            raise _Refused(f"__all__ on line {node.lineno} is not a plain list or tuple of strings")
    if chain and isinstance(tree.body[chain[0]].value, ast.Tuple):
        for index in chain[1:]:
            if isinstance(tree.body[index].value, ast.List):
                raise _Refused(
                    f"__all__ is a tuple extended by a list on line {tree.body[index].lineno}"
                )
    _refuse_other_uses(tree, accounted)
    return chain


def _refuse_other_uses(tree: ast.Module, accounted: set[int]) -> None:
    """Refuse any way of binding or changing `__all__` other than the top-level
    statements already `accounted` for (reading it is fine)."""
    for parent in ast.walk(tree):
        line = getattr(parent, "lineno", "?")
        if isinstance(parent, (ast.Global, ast.Nonlocal)) and "__all__" in parent.names:
            break
        if isinstance(parent, ast.alias) and "__all__" in (parent.name, parent.asname):
            break
        if isinstance(parent, ast.Name) and parent.id == "__all__":
            if id(parent) not in accounted and not isinstance(parent.ctx, ast.Load):
                break
        if isinstance(parent, (ast.Attribute, ast.Subscript)) and _is_all(parent.value):
            break  # __all__.append(...), __all__[i] = ...
    else:
        return
    raise _Refused(f"__all__ is changed on line {line} in a way scaffold cannot follow")


def _exported(tree: ast.Module, chain: list[int]) -> list[str]:
    return [name for index in chain for name in _names_of(tree.body[index].value)]


def _is_registration(node: ast.AST, module: str, name: str) -> bool:
    return (
        isinstance(node, ast.ImportFrom)
        and node.level == 1
        and node.module == module
        and len(node.names) == 1
        and node.names[0].name == name
        and node.names[0].asname in (None, name)
    )


def _bindings(tree: ast.Module) -> dict[str, int]:
    """Names bound in the module's own namespace (not inside functions or
    classes), with the line that binds them first."""
    found: dict[str, int] = {}

    def visit(node: ast.AST) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.setdefault(node.name, node.lineno)
            for decorator in node.decorator_list:
                visit(decorator)
            return
        if isinstance(
            node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
        ):
            return
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            found.setdefault(node.id, node.lineno)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                bound = alias.asname or alias.name.split(".")[0]
                if bound != "*":
                    found.setdefault(bound, node.lineno)
        elif (
            isinstance(node, ast.MatchAs)
            and node.name
            or isinstance(node, ast.MatchStar)
            and node.name
        ):
            found.setdefault(node.name, node.lineno)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _check_free(tree: ast.Module, module: str, name: str) -> None:
    """Refuse when the class or its module's name already means something else here."""
    others = [n for n in tree.body if not _is_registration(n, module, name)]
    bindings = _bindings(ast.Module(body=others, type_ignores=[]))
    if name in bindings:
        raise _Refused(f"the name {name} is already bound on line {bindings[name]}")
    same_submodule = any(
        isinstance(node, ast.ImportFrom)
        and node.level == 1
        and node.module is None
        and any(a.name == module and a.asname in (None, module) for a in node.names)
        for node in ast.walk(tree)
    )
    if module in bindings and not same_submodule:
        raise _Refused(
            f"the name {module} is already bound on line {bindings[module]}, and importing "
            f"the submodule {module} would replace it"
        )


def _parsed(statement: str) -> ast.stmt:
    return ast.parse(statement).body[0]


def _same_tree(data: bytes, expected: ast.Module) -> bool:
    try:
        return ast.dump(ast.parse(data)) == ast.dump(expected)
    except (SyntaxError, ValueError):
        return False


def _docstring_only(tree: ast.Module) -> bool:
    body = tree.body
    return not body or (
        len(body) == 1
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    )


# -- adding ---------------------------------------------------------------------------


def _element_line(source: _Source, value: ast.List, name: str) -> tuple[int, str] | None:
    """A line `"Name",` before the closing bracket of a multi-line list whose last
    element ends with a comma; None when the list is not laid out that way."""
    text = source.text
    closing = source.end(value) - 1
    line = source.line_start(closing)
    if text[closing] != "]" or text[line:closing].strip(_BLANK):
        return None
    if value.elts:
        last = value.elts[-1]
        position = source.end(last)
        while position < closing and text[position] in _BLANK + "\r\n":
            position += 1
        if text[position] != ",":
            return None
        first = source.start(last)
        if text[source.line_start(first) : first].strip(_BLANK):
            indent = text[line:closing] + "    "
        else:
            indent = text[source.line_start(first) : first]
        quote = "'" if text[first] == "'" else '"'
    else:
        indent, quote = text[line:closing] + "    ", '"'
    ending = text[line - 2 : line] if text[line - 2 : line] == "\r\n" else text[line - 1]
    return line, f"{indent}{quote}{name}{quote},{ending}"


def _add(source: _Source, module: str, name: str) -> bytes:
    tree = source.tree
    chain = _all_chain(tree)
    _check_free(tree, module, name)
    imported = any(_is_registration(n, module, name) for n in tree.body)
    listed = name in _exported(tree, chain)
    if imported and (listed or not chain):
        return source.data

    import_line = f"from .{module} import {name}"
    insertions: list[tuple[int, str, int]] = []  # (offset, text, body index or -1)
    expected = copy.deepcopy(tree)
    new_statements: list[tuple[int, ast.stmt]] = []  # (body index, statement), in order

    if not chain and _docstring_only(tree):
        # A module that binds nothing yet: the import and a new __all__ at its end,
        # after a blank line.
        ending = source.last_line_end()
        lead = ending if source.text and not source.text.endswith(("\r", "\n")) else ""
        lead += ending if source.text.strip() else ""
        block = lead + _fresh_block(source, module, name)
        expected.body.extend([_parsed(import_line), _parsed(f"__all__ = [{name!r}]")])
        return _checked(source, [(len(source.text), block)], [], expected)

    if not imported:
        imports = [
            i for i, n in enumerate(tree.body) if isinstance(n, (ast.Import, ast.ImportFrom))
        ]
        if imports:
            insertions.append(_line_after(source, imports[-1], import_line))
            index = insertions[-1][2]
        else:
            index = 0 if not _docstring_only(ast.Module(body=tree.body[:1], type_ignores=[])) else 1
            offset = source.line_start(source.start(tree.body[index]))
            ending = source.line_end(offset) or source.default_line_end()
            insertions.append((offset, import_line + ending, index))
        new_statements.append((index, _parsed(import_line)))

    if chain and not listed:
        last = tree.body[chain[-1]]
        element = (
            _element_line(source, last.value, name) if isinstance(last.value, ast.List) else None
        )
        if element is not None:
            insertions.append((*element, -1))
            literal = expected.body[chain[-1]].value
            literal.elts.append(_parsed(repr(name)).value)
        else:
            tuple_chain = isinstance(tree.body[chain[0]].value, ast.Tuple)
            statement = f'__all__ += ("{name}",)' if tuple_chain else f'__all__ += ["{name}"]'
            insertions.append(_line_after(source, chain[-1], statement))
            index = insertions[-1][2]
            new_statements.append((index, _parsed(statement)))

    for index, statement in sorted(new_statements, key=lambda item: item[0], reverse=True):
        expected.body.insert(index, statement)
    return _checked(source, [(offset, text) for offset, text, _ in insertions], [], expected)


def _line_after(source: _Source, index: int, line: str) -> tuple[int, str, int]:
    """`line` inserted after the logical line of top-level statement `index`:
    (offset, text, body index of the new statement)."""
    offset, new_index, ending = source.after_logical_line(index)
    if ending:
        return offset, line + ending, new_index
    # The file ends without a line ending: the new line goes after one, and the
    # file still ends without one.
    return offset, source.last_line_end() + line, new_index


def _checked(
    source: _Source, insertions: list[tuple[int, str]], deletions: list[tuple[int, int]], expected
) -> bytes:
    result = source.build(insertions, deletions)
    if not _same_tree(result, expected):
        raise _Refused("scaffold could not place the lines without changing what the file means")
    return result


# -- removing -------------------------------------------------------------------------


def _line_span(source: _Source, start: int, end: int) -> tuple[int, int] | None:
    """The range to delete to remove the physical line holding [start, end), if
    that line holds nothing else but blanks."""
    text = source.text
    line = source.line_start(start)
    after = end
    while after < len(text) and text[after] in _BLANK:
        after += 1
    if text[line:start].strip(_BLANK):
        return None
    ending = _LINE_END.match(text, after)
    if ending:
        return line, ending.end()
    if after != len(text):
        return None
    # The last line, without a line ending: take the ending before it instead.
    previous = text[:line]
    cut = 2 if previous.endswith("\r\n") else 1 if previous.endswith(("\r", "\n")) else 0
    return line - cut, after


def _fresh_block(source: _Source, module: str, name: str) -> str:
    ending = source.last_line_end()
    return (
        f"from .{module} import {name}{ending}{ending}"
        f'__all__ = [{ending}    "{name}",{ending}]{ending}'
    )


def _remove(source: _Source, module: str, name: str) -> bytes:
    tree = source.tree
    chain = _all_chain(tree)
    text = source.text
    expected = copy.deepcopy(tree)

    block = _fresh_block(source, module, name)
    if (
        text.endswith(block)
        and len(tree.body) >= 2
        and _docstring_only(ast.Module(body=tree.body[:-2], type_ignores=[]))
        and _is_registration(tree.body[-2], module, name)
    ):
        # The registration made in a module that bound nothing: remove it whole,
        # with the blank line put before it.
        start = len(text) - len(block)
        ending = source.last_line_end()
        head = text[:start]
        if head.strip() and head.endswith(ending) and head[: -len(ending)].endswith(("\r", "\n")):
            start -= len(ending)
        expected.body = expected.body[:-2]
        return _checked(source, [], [(start, len(text))], expected)

    deletions: list[tuple[int, int]] = []
    dropped: set[int] = set()

    def delete_line(start: int, end: int, what: str, lineno: int) -> None:
        span = _line_span(source, start, end)
        if span is None:
            raise _Refused(f"{what} on line {lineno} is not on a line of its own")
        deletions.append(span)

    for index, node in enumerate(tree.body):
        if _is_registration(node, module, name):
            delete_line(source.start(node), source.end(node), f"the import of {name}", node.lineno)
            dropped.add(index)
        elif (
            isinstance(node, ast.ImportFrom)
            and node.level == 1
            and node.module == module
            and any(alias.name == name for alias in node.names)
        ):
            raise _Refused(
                f"the import of {name} on line {node.lineno} is not on a line of its own"
            )
    for index in chain:
        node = tree.body[index]
        hits = [e for e in node.value.elts if e.value == name]
        if isinstance(node, ast.AugAssign) and len(node.value.elts) == 1 and hits:
            delete_line(source.start(node), source.end(node), f"{name} in __all__", node.lineno)
            dropped.add(index)
            continue
        for element in hits:
            comma = source.end(element)
            while comma < len(text) and text[comma] in _BLANK:
                comma += 1
            if comma == len(text) or text[comma] != ",":
                raise _Refused(
                    f"{name} in __all__ on line {element.lineno} is not on a line of its own"
                )
            delete_line(source.start(element), comma + 1, f"{name} in __all__", element.lineno)
        literal = expected.body[index].value
        literal.elts = [e for e in literal.elts if e.value != name]
    if not deletions:
        return source.data
    expected.body = [s for i, s in enumerate(expected.body) if i not in dropped]
    return _checked(source, [], deletions, expected)


# -- entry points ---------------------------------------------------------------------


def _edit(
    operation, data: bytes, module: str, name: str, label: str, verb: str, by_hand: str
) -> bytes:
    try:
        try:
            return operation(_Source.load(data), module, name)
        except (RecursionError, MemoryError):
            # the parser accepts nesting deeper than the tree walks (copy, dump) can follow
            raise _Refused("it nests too deeply for scaffold to check an edit") from None
    except _Refused as refused:
        raise ScaffoldError(f"cannot {verb} {name} in {label}: {refused}; {by_hand}") from None


def add_registration(data: bytes, module: str, name: str, label: str = "__init__.py") -> bytes:
    """`data` (an `__init__.py`) with `from .module import name` and `name` in
    `__all__`; unchanged if it already registers it. Raises ScaffoldError (one
    line, saying what to add by hand) when that cannot be done safely."""
    by_hand = f'add `from .{module} import {name}` (and "{name}" to __all__) by hand'
    return _edit(_add, data, module, name, label, "register", by_hand)


def remove_registration(data: bytes, module: str, name: str, label: str = "__init__.py") -> bytes:
    """`data` without the lines `add_registration` adds for `name`; unchanged if
    it does not register it. Raises ScaffoldError when they are not lines of
    their own."""
    by_hand = f'remove `from .{module} import {name}` and "{name}" from __all__ by hand'
    return _edit(_remove, data, module, name, label, "unregister", by_hand)
