"""Python source laid out exactly as black lays it out.

Generated code is written at black's line length, so that what a template shows
is what the user gets and black (slow to import) need not run on it. The few
pieces whose layout depends on values (literals, a long error message, a long
dict entry) are laid out here, following black's rules for those shapes.
"""

from __future__ import annotations

from typing import Any

LINE_LENGTH = 88  # black's default


def literal(value: Any) -> str:
    """A Python literal for a value, with black's quotes: None, bool, int,
    float, str, tuple, list, dict (lists and dicts laid out on one line)."""
    if value is None or isinstance(value, (bool, int)):
        return repr(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        text = repr(value)
        if text.startswith("'") and '"' not in value:
            text = '"' + text[1:-1].replace("\\'", "'") + '"'
        return text
    if isinstance(value, tuple):
        items = [literal(v) for v in value]
        return "(" + items[0] + ",)" if len(items) == 1 else "(" + ", ".join(items) + ")"
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no literal for {type(value).__name__}")


def exploded_dict(items: dict[str, Any], indent: int = 0) -> list[str]:
    """A dict literal one entry per line, with the trailing comma that keeps black
    from joining it ("magic trailing comma"); `{}` when empty."""
    if not items:
        return ["{}"]
    pad = " " * (indent + 4)
    return [
        "{",
        *(f"{pad}{literal(k)}: {literal(v)}," for k, v in items.items()),
        " " * indent + "}",
    ]


def _string(text: str) -> str:
    return ("f" if "{" in text else "") + '"' + text + '"'


def raise_value_error(message: str, indent: int) -> list[str]:
    """`raise ValueError(message)` at `indent`, black's way: on one line if it
    fits, else the string on its own line, else one string per line (split
    between words). `message` is f-string text without double quotes."""
    pad = " " * indent
    one_line = f"{pad}raise ValueError({_string(message)})"
    if len(one_line) <= LINE_LENGTH:
        return [one_line]
    inner = " " * (indent + 4)
    if len(inner) + len(_string(message)) <= LINE_LENGTH:
        return [f"{pad}raise ValueError(", inner + _string(message), f"{pad})"]
    room = LINE_LENGTH - len(inner) - 3  # the quotes and a possible f prefix
    pieces: list[str] = []
    current = ""
    for word in message.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and len(candidate) + 1 > room:  # +1: the space ending the piece
            pieces.append(current + " ")
            current = word
        else:
            current = candidate
    pieces.append(current)
    return [f"{pad}raise ValueError(", *(inner + _string(p) for p in pieces), f"{pad})"]


def dict_entry(key: str, value: str, indent: int) -> list[str]:
    """`"key": value,` at `indent`; a call too long for the line is split at its
    parentheses, as black splits it."""
    pad = " " * indent
    line = f'{pad}"{key}": {value},'
    if len(line) <= LINE_LENGTH or not value.endswith(")") or "(" not in value:
        return [line]
    head, _, inner = value.partition("(")
    return [f'{pad}"{key}": {head}(', f"{pad}    {inner[:-1]}", f"{pad}),"]


def call(callee: str, arguments: list[str], indent: int, trailing: str = "") -> list[str]:
    """`callee(arguments...)` at `indent` (followed by `trailing`, e.g. the comma of
    a list item), black's way: on one line if it fits; else the arguments on one
    line inside the parentheses; else one per line, with a trailing comma."""
    pad = " " * indent
    line = f"{pad}{callee}({', '.join(arguments)}){trailing}"
    if len(line) <= LINE_LENGTH:
        return [line]
    body = " " * (indent + 4) + ", ".join(arguments)
    if len(body) <= LINE_LENGTH:
        return [f"{pad}{callee}(", body, f"{pad}){trailing}"]
    return [f"{pad}{callee}(", *(f"{pad}    {a}," for a in arguments), f"{pad}){trailing}"]
