"""Small libcst helpers: read simple shapes of code, build new code that looks
hand-written, and add an item to an argument, parameter or dict list in the
layout the list already has (one line, or one item per line with or without a
trailing comma)."""

from __future__ import annotations

import functools
from typing import Iterator, Sequence

import libcst as cst

# New statements are laid out by black for this width, at their indentation.
LINE_LENGTH = 88


def dotted(node: cst.CSTNode) -> str | None:
    """`a.b.c` for a Name/Attribute chain, else None."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        left = dotted(node.value)
        return f"{left}.{node.attr.value}" if left else None
    return None


def self_attribute(node: cst.CSTNode, self_name: str) -> str | None:
    """`x` for `self.x`."""
    if (
        isinstance(node, cst.Attribute)
        and isinstance(node.value, cst.Name)
        and node.value.value == self_name
    ):
        return node.attr.value
    return None


def code(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)


def argument_code(arg: cst.Arg) -> str:
    """`name=value`, `*args` or `value`, without the comma that follows it."""
    prefix = f"{arg.keyword.value}=" if arg.keyword is not None else arg.star
    return prefix + code(arg.value)


def string_value(node: cst.CSTNode) -> str | None:
    if isinstance(node, cst.SimpleString):
        return node.evaluated_value if isinstance(node.evaluated_value, str) else None
    return None


def number(node: cst.CSTNode) -> int | float | None:
    """The value of a numeric literal, signs included (`-1.5`)."""
    if isinstance(node, (cst.Integer, cst.Float)):
        return node.evaluated_value
    if (
        isinstance(node, cst.UnaryOperation)
        and isinstance(node.operator, (cst.Minus, cst.Plus))
        and isinstance(node.expression, (cst.Integer, cst.Float))
    ):
        value = node.expression.evaluated_value
        return -value if isinstance(node.operator, cst.Minus) else value
    return None


def keyword(call: cst.Call, name: str) -> cst.Arg | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def positional(call: cst.Call) -> list[cst.Arg]:
    return [a for a in call.args if a.keyword is None and not a.star]


def argument(call: cst.Call, position: int, name: str) -> cst.BaseExpression | None:
    """An argument given by position or by keyword."""
    found = keyword(call, name)
    if found is not None:
        return found.value
    args = positional(call)
    return args[position].value if position < len(args) else None


def has_star_args(call: cst.Call) -> bool:
    return any(a.star for a in call.args)


def statement_expressions(statement: cst.CSTNode) -> Iterator[cst.BaseSmallStatement]:
    if isinstance(statement, cst.SimpleStatementLine):
        yield from statement.body


class _Collect(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.nodes: list[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.nodes.append(node)
        return True


@functools.lru_cache(maxsize=4096)
def _descendants(node: cst.CSTNode) -> tuple[cst.CSTNode, ...]:
    collect = _Collect()
    node.visit(collect)
    return tuple(collect.nodes)


def walk(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """Every node below `node` (itself included), depth first. One traversal
    per subtree (libcst computes `children` anew on each access)."""
    return iter(_descendants(node))


def name_uses(node: cst.CSTNode, name: str) -> list[cst.Name]:
    """The Names `name` below `node` that refer to a variable (not `f(name=...)`
    keywords, not `obj.name` attributes)."""
    skip = set()
    for child in walk(node):
        if isinstance(child, cst.Arg) and child.keyword is not None:
            skip.add(child.keyword)
        elif isinstance(child, cst.Attribute):
            skip.add(child.attr)
    return [
        child
        for child in walk(node)
        if isinstance(child, cst.Name) and child.value == name and child not in skip
    ]


# -- new code --------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _black():
    import black

    return black


def layout(text: str, column: int, indent: str = "    ") -> str:
    """Black's layout of `text` for code that will sit at `column`, indented
    with `indent` (the module's own) instead of black's four spaces."""
    black = _black()
    mode = black.Mode(line_length=max(40, LINE_LENGTH - column), string_normalization=False)
    text = black.format_str(text, mode=mode)
    if indent != "    ":
        text = "".join(_reindent(line, indent) for line in text.splitlines(keepends=True))
    return text


def _reindent(line: str, indent: str) -> str:
    stripped = line.lstrip(" ")
    depth, rest = divmod(len(line) - len(stripped), 4)
    return indent * depth + " " * rest + stripped


def statements(text: str, column: int, config: cst.PartialParserConfig, indent: str) -> list:
    """Statements parsed from `text`, laid out for `column` with `indent` per level."""
    text = layout(text, column, indent)
    if isinstance(config.default_newline, str) and config.default_newline != "\n":
        text = text.replace("\n", config.default_newline)
    parsed = cst.parse_module(text, config=config)
    # Blocks of the new code keep their own indentation wherever they land.
    explicit = _ExplicitIndent(parsed.default_indent)
    body = [statement.visit(explicit) for statement in parsed.body]
    if parsed.header and body:  # comments above the first statement belong to it
        header = [line.with_changes(indent=True) for line in parsed.header]
        body[0] = body[0].with_changes(leading_lines=[*header, *body[0].leading_lines])
    return body


class _ExplicitIndent(cst.CSTTransformer):
    def __init__(self, indent: str):
        super().__init__()
        self.indent = indent

    def leave_IndentedBlock(self, original_node, updated_node):
        if updated_node.indent is None:
            return updated_node.with_changes(indent=self.indent)
        return updated_node


def relayout_signature(
    function: cst.FunctionDef, column: int, config, indent: str
) -> cst.FunctionDef:
    """`function` with its parameters laid out by black when an edit made its
    `def` line too long (the body is not touched)."""
    module = cst.Module(
        body=[], default_indent=config.default_indent, default_newline=config.default_newline
    )
    header = function.with_changes(
        body=cst.SimpleStatementSuite([cst.Pass()]), decorators=(), leading_lines=()
    )
    text = module.code_for_node(header)
    if "\n" in text.rstrip("\n") or len(text.rstrip("\n")) + column <= LINE_LENGTH:
        return function
    [new] = statements(text.replace(": pass", ":\n    pass", 1), column, config, indent)
    return function.with_changes(
        params=new.params, whitespace_before_params=new.whitespace_before_params
    )


def relayout(
    statement: cst.SimpleStatementLine, column: int, config, indent: str
) -> cst.SimpleStatementLine:
    """`statement` again, laid out by black when an edit made a line of it too long."""
    module = cst.Module(
        body=[], default_indent=config.default_indent, default_newline=config.default_newline
    )
    text = module.code_for_node(statement.with_changes(leading_lines=[]))
    if max(len(line) for line in text.splitlines()) + column <= LINE_LENGTH:
        return statement
    [new] = statements(text, column, config, indent)
    return new.with_changes(
        leading_lines=statement.leading_lines, trailing_whitespace=statement.trailing_whitespace
    )


def expression(text: str) -> cst.BaseExpression:
    return cst.parse_expression(text)


def comment_line(text: str) -> cst.EmptyLine:
    return cst.EmptyLine(indent=True, comment=cst.Comment(f"# {text}"))


# -- adding to lists in their own layout -----------------------------------------------


def _breaks(whitespace) -> bool:
    return isinstance(whitespace, cst.ParenthesizedWhitespace)


def _separator(items: Sequence, opening) -> cst.Comma:
    """The comma the list puts between two items."""
    for item in items[:-1]:
        if isinstance(item.comma, cst.Comma):
            return item.comma
    if _breaks(opening):
        return cst.Comma(whitespace_after=opening)
    return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


def add_argument(call: cst.Call, new: cst.Arg) -> cst.Call:
    """`f(a, b)` -> `f(a, b, new)`, keeping the call's layout."""
    args = list(call.args)
    if not args:
        return call.with_changes(args=[new])
    last = args[-1]
    separator = _separator(args, call.whitespace_before_args)
    args[-1] = last.with_changes(comma=separator, whitespace_after_arg=cst.SimpleWhitespace(""))
    args.append(new.with_changes(comma=last.comma, whitespace_after_arg=last.whitespace_after_arg))
    return call.with_changes(args=args)


def add_dict_entry(dictionary: cst.Dict, key: str, value: cst.BaseExpression) -> cst.Dict:
    entry = cst.DictElement(
        cst.SimpleString(f'"{key}"'),
        value,
        whitespace_before_colon=cst.SimpleWhitespace(""),
        whitespace_after_colon=cst.SimpleWhitespace(" "),
    )
    elements = list(dictionary.elements)
    if not elements:
        return dictionary.with_changes(elements=[entry])
    last = elements[-1]
    separator = _separator(elements, dictionary.lbrace.whitespace_after)
    elements[-1] = last.with_changes(comma=separator)
    elements.append(entry.with_changes(comma=last.comma))
    return dictionary.with_changes(elements=elements)


def add_var_keyword(function: cst.FunctionDef, name: str) -> cst.FunctionDef:
    """`def f(self, a)` -> `def f(self, a, **name)`, keeping the layout."""
    params = function.params
    ordered: list[tuple[str, int | None, cst.CSTNode]] = []
    ordered += [("posonly_params", i, p) for i, p in enumerate(params.posonly_params)]
    if isinstance(params.posonly_ind, cst.ParamSlash):
        ordered.append(("posonly_ind", None, params.posonly_ind))
    ordered += [("params", i, p) for i, p in enumerate(params.params)]
    if isinstance(params.star_arg, (cst.Param, cst.ParamStar)):
        ordered.append(("star_arg", None, params.star_arg))
    ordered += [("kwonly_params", i, p) for i, p in enumerate(params.kwonly_params)]
    new = cst.Param(cst.Name(name), star="**")
    if not ordered:
        return function.with_changes(params=params.with_changes(star_kwarg=new))
    field, index, last = ordered[-1]
    separator = _separator([item for _, _, item in ordered], function.whitespace_before_params)
    trailing = getattr(last, "whitespace_after_param", cst.SimpleWhitespace(""))
    changes = {"comma": separator}
    if isinstance(last, cst.Param):
        changes["whitespace_after_param"] = cst.SimpleWhitespace("")
    updated_last = last.with_changes(**changes)
    new = new.with_changes(comma=last.comma, whitespace_after_param=trailing)
    if index is None:
        params = params.with_changes(**{field: updated_last})
    else:
        items = list(getattr(params, field))
        items[index] = updated_last
        params = params.with_changes(**{field: items})
    return function.with_changes(params=params.with_changes(star_kwarg=new))


def remove_argument(call: cst.Call, name: str) -> cst.Call:
    """Drop the keyword argument `name`, keeping the others' layout."""
    args = list(call.args)
    index = next(i for i, a in enumerate(args) if a.keyword and a.keyword.value == name)
    removed = args.pop(index)
    if args and index == len(args):  # it was last: the new last takes its ending
        args[-1] = args[-1].with_changes(
            comma=removed.comma, whitespace_after_arg=removed.whitespace_after_arg
        )
    return call.with_changes(args=args)


def remove_parameter(function: cst.FunctionDef, name: str) -> cst.FunctionDef:
    params = function.params
    for field in ("params", "kwonly_params"):
        items = list(getattr(params, field))
        for index, param in enumerate(items):
            if param.name.value == name:
                removed = items.pop(index)
                is_last = index == len(items) and (
                    field == "kwonly_params" or not params.kwonly_params
                )
                if items and is_last and params.star_kwarg is None:
                    items[-1] = items[-1].with_changes(
                        comma=removed.comma,
                        whitespace_after_param=removed.whitespace_after_param,
                    )
                return function.with_changes(params=params.with_changes(**{field: items}))
    return function
