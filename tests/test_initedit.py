"""Registering a class in a user's `__init__.py`: lines are inserted, nothing
else changes, byte for byte, or the edit is refused in one line.

The property tests build `__init__.py` files from random pieces (comments and
strings holding form feeds, vertical tabs, \\x1c-\\x1e, U+0085, U+2028/2029,
tabs; blank lines made of blanks and form feeds; continuation lines; LF, CRLF
and CR line endings mixed; a BOM or a Latin-1 coding cookie; no final newline;
every form of `__all__`) and check the edit against Python itself: the result
parses, `from package import *` gives what it gave plus the class, and
removing the registration gives back the original bytes.

SCAFFOLD_FUZZ_EXAMPLES=N runs N examples of each property (default 300 and 200)."""

from __future__ import annotations

import ast
import difflib
import importlib
import itertools
import os
import sys

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from scaffold.core.errors import ScaffoldError
from scaffold.core.initedit import add_registration, remove_registration

MODULE, CLASS = "gate", "Gate"
EXAMPLES = int(os.environ.get("SCAFFOLD_FUZZ_EXAMPLES", "0"))
IMPORT = b"from .gate import Gate"

# -- examples named in the issue ----------------------------------------------------------


def add(data: bytes) -> bytes:
    return add_registration(data, MODULE, CLASS, "pkg/__init__.py")


def inserted_only(before: bytes, after: bytes) -> bool:
    """`after` is `before` with bytes inserted and none changed or removed."""
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return all(tag in ("equal", "insert") for tag, *_ in matcher.get_opcodes())


@pytest.mark.parametrize(
    "before, after",
    [
        # form feed and U+2028 do not end lines for Python: nothing is lost
        (
            b'x = 1\x0c\n# \xe2\x80\xa8 note\n__all__ = [\n    "x",\n]\n',
            b'from .gate import Gate\nx = 1\x0c\n# \xe2\x80\xa8 note\n__all__ = [\n    "x",\n'
            b'    "Gate",\n]\n',
        ),
        # CRLF stays CRLF; a one-line __all__ is extended by a line of its own
        (
            b'from .a import A\r\n\r\n__all__ = ["A"]\r\n',
            b'from .a import A\r\nfrom .gate import Gate\r\n\r\n__all__ = ["A"]\r\n'
            b'__all__ += ["Gate"]\r\n',
        ),
        # a BOM file is edited, the BOM kept
        (
            b'\xef\xbb\xbf"""Doc."""\n\nfrom .a import A\n',
            b'\xef\xbb\xbf"""Doc."""\n\nfrom .a import A\nfrom .gate import Gate\n',
        ),
        # annotated __all__: the same statement is extended, no second __all__
        (
            b'__all__: list[str] = [\n    "A",\n]\nfrom .a import A\n',
            b'__all__: list[str] = [\n    "A",\n    "Gate",\n]\nfrom .a import A\n'
            b"from .gate import Gate\n",
        ),
        # two assignments: the one in effect at the end is edited
        (
            b'__all__ = ["old"]\nold = 1\n__all__ = (\n    "old",\n)\n',
            b'from .gate import Gate\n__all__ = ["old"]\nold = 1\n__all__ = (\n    "old",\n)\n'
            b'__all__ += ("Gate",)\n',
        ),
        # no __all__: names from try/except, annotations, unpacking stay exported
        (
            b"try:\n    import json\nexcept ImportError:\n    json = None\nn: int = 1\n"
            b"p, q = 1, 2\n",
            b"from .gate import Gate\ntry:\n    import json\nexcept ImportError:\n"
            b"    json = None\nn: int = 1\np, q = 1, 2\n",
        ),
        # Latin-1 with a coding cookie stays Latin-1
        (
            b'# -*- coding: latin-1 -*-\n"""Caf\xe9."""\nx = 1\n',
            b'# -*- coding: latin-1 -*-\n"""Caf\xe9."""\nfrom .gate import Gate\nx = 1\n',
        ),
        # an empty package: the import and a new __all__
        (b"", b'from .gate import Gate\n\n__all__ = [\n    "Gate",\n]\n'),
        # already registered: unchanged
        (
            b'from .gate import Gate\n__all__ = ["Gate"]\n',
            b'from .gate import Gate\n__all__ = ["Gate"]\n',
        ),
    ],
)
def test_registration_inserts_lines_and_changes_nothing_else(before, after):
    assert add(before) == after
    assert inserted_only(before, after)
    assert IMPORT in before or remove_registration(after, MODULE, CLASS) == before


@pytest.mark.parametrize(
    "source, reason",
    [
        (b"__all__ = [Gate]\n", "not a plain list or tuple of strings"),
        (b"b = []\n__all__ = ['A', *b]\n", "not a plain list or tuple of strings"),
        (b"__all__ = names()\n", "not a plain list or tuple of strings"),
        (b"__all__ = x = []\n", "in a way scaffold cannot follow"),
        (b'__all__ = ["a"]\n__all__.append("b")\n', "in a way scaffold cannot follow"),
        (b'if True:\n    __all__ = ["a"]\n', "in a way scaffold cannot follow"),
        (b"__all__ += ['a']\n", "in a way scaffold cannot follow"),
        (b"Gate = None\n", "the name Gate is already bound on line 1"),
        (b"gate = 1\n", "the name gate is already bound"),
        (b"def broken(:\n", "does not parse"),
        (b"x = 1\x00\n", "does not parse"),
        (b"x = '\xff'\n", "its encoding cannot be read"),
        (b"# -*- coding: klingon -*-\n", "its encoding cannot be read"),
    ],
)
def test_what_cannot_be_edited_safely_is_refused_in_one_line(source, reason):
    with pytest.raises(ScaffoldError) as refused:
        add(source)
    message = str(refused.value)
    assert reason in message and "\n" not in message
    assert message.startswith("cannot register Gate in pkg/__init__.py: ")
    assert 'add `from .gate import Gate` (and "Gate" to __all__) by hand' in message


def test_removal_takes_out_exactly_the_registration_lines():
    original = b'"""Doc."""\r\n\r\nfrom .a import A\r\n\r\n__all__ = [\r\n    "A",\r\n]\r\n'
    added = add(original)
    assert remove_registration(added, MODULE, CLASS) == original
    assert remove_registration(original, MODULE, CLASS) == original  # nothing to remove
    with pytest.raises(ScaffoldError, match="not on a line of its own"):
        remove_registration(b"from .gate import Gate, Other\n", MODULE, CLASS)


# -- property: random files around the edited lines ------------------------------------

WEIRD = "\f\v\x1c\x1d\x1e\x85\u2028\u2029\t\u00e9"
ENDINGS = ["\n", "\r\n", "\r"]
text_in_line = st.text(alphabet=st.sampled_from("abc #,()[]'" + WEIRD), max_size=12)
names = itertools.count()


def _piece(draw, defined: list[str]) -> list[str]:
    """A few lines of a module (without line endings); names it binds go in `defined`."""
    i = next(names)
    kind = draw(
        st.sampled_from(
            [
                "comment",
                "blank",
                "assign",
                "string",
                "continuation",
                "import",
                "try",
                "annotated",
                "unpack",
                "if",
                "def",
                "class",
                "semicolon",
            ]
        )
    )
    blank = draw(st.sampled_from(["", " ", "\t", "\f", " \f "]))
    comment = "  # " + draw(text_in_line) if draw(st.booleans()) else ""
    if kind == "comment":
        return [blank + "#" + draw(text_in_line)]
    if kind == "blank":
        return [blank]
    if kind == "assign":
        defined.append(f"x{i}")
        return [f"x{i} = {draw(st.integers(0, 9))}{comment}"]
    if kind == "string":
        defined.append(f"s{i}")
        body = draw(st.text(alphabet=st.sampled_from("ab " + WEIRD.replace("\v", "")), max_size=8))
        return [f's{i} = "{body}"{comment}']
    if kind == "continuation":
        defined.append(f"c{i}")
        return [f"c{i} = 1 + \\", f"    2{comment}"]
    if kind == "import":
        defined.append(f"m{i}")
        return [f"import os as m{i}{comment}"]
    if kind == "try":
        defined.append(f"t{i}")
        return ["try:", f"    import json as t{i}", "except ImportError:", f"    t{i} = None"]
    if kind == "annotated":
        defined.append(f"n{i}")
        return [f"n{i}: int = 1{comment}"]
    if kind == "unpack":
        defined.extend([f"p{i}", f"q{i}"])
        return [f"p{i}, q{i} = 1, 2"]
    if kind == "if":
        defined.append(f"z{i}")
        return ["if True:", f"    z{i} = 1"]
    if kind == "def":
        defined.append(f"f{i}")
        return [f"def f{i}():", "    return 1"]
    if kind == "class":
        defined.append(f"K{i}")
        return [f"class K{i}:", f"    pass{comment}"]
    defined.extend([f"u{i}", f"v{i}"])
    return [f"u{i} = 1; v{i} = 2{comment}"]


def _all_statement(draw, listed: list[str]) -> list[str]:
    quoted = [f'"{name}"' for name in listed]
    form = draw(
        st.sampled_from(
            ["one-line", "multi-line", "no-trailing-comma", "tuple", "bare-tuple", "annotated"]
        )
    )
    if form == "one-line":
        return [f"__all__ = [{', '.join(quoted)}]"]
    if form in ("multi-line", "annotated"):
        head = "__all__: list[str] = [" if form == "annotated" else "__all__ = ["
        inner = [f"    {q},  # " + draw(text_in_line) for q in quoted]
        return [head, *inner, "]"]
    if form == "no-trailing-comma":
        return ["__all__ = [", "    " + ", ".join(quoted), "]"]
    if form == "tuple":
        return [f"__all__ = ({''.join(q + ', ' for q in quoted)})"]
    return ["__all__ = " + "".join(q + ", " for q in quoted) if quoted else "__all__ = ()"]


@st.composite
def init_files(draw) -> bytes:
    defined: list[str] = []
    pieces: list[list[str]] = []  # statements (and comment or blank lines), kept whole
    for _ in range(draw(st.integers(0, 6))):
        pieces.append(_piece(draw, defined))
    if draw(st.booleans()):
        listed = draw(st.lists(st.sampled_from(defined), unique=True)) if defined else []
        statement = _all_statement(draw, listed)
        pieces.insert(draw(st.integers(0, len(pieces))), statement)
        if defined and draw(st.booleans()):
            extra = draw(st.sampled_from(defined))
            tuple_all = "(" in statement[0] or "[" not in statement[0]
            pieces.append([f'__all__ += ("{extra}",)' if tuple_all else f'__all__ += ["{extra}"]'])
    for _ in range(draw(st.integers(0, 4))):
        filler = [draw(st.sampled_from(["", "\f", "# x"]))]
        pieces.insert(draw(st.integers(0, len(pieces))), filler)
    if draw(st.booleans()):
        pieces.insert(0, ['"""Package docstring \u2028 with odd text."""'])
    lines = [line for piece in pieces for line in piece]
    endings = [draw(st.sampled_from(ENDINGS)) for _ in lines]
    if lines and not draw(st.integers(0, 4)):
        endings[-1] = ""  # no final newline
    text = "".join(line + ending for line, ending in zip(lines, endings))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1"]))
    if encoding == "latin-1":
        text = text.replace("\u2028", " ").replace("\u2029", " ").replace("\x85", " ")
        return b"# -*- coding: latin-1 -*-\n" + text.encode("latin-1")
    return text.encode(encoding)


_packages = itertools.count()


def star_import(tmp_path, source: bytes) -> set[str]:
    """What `from package import *` binds, for a package with this __init__.py."""
    name = f"pkg_{next(_packages)}"
    package = tmp_path / name
    package.mkdir()
    (package / "__init__.py").write_bytes(source)
    (package / "gate.py").write_text("class Gate:\n    pass\n")
    sys.path.insert(0, str(tmp_path))
    try:
        namespace: dict = {}
        exec(f"from {name} import *", namespace)
        return set(namespace) - {"__builtins__"}
    finally:
        sys.path.remove(str(tmp_path))
        for module in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
            del sys.modules[module]
        importlib.invalidate_caches()


@settings(
    max_examples=EXAMPLES or 300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(source=init_files())
def test_any_init_file_is_edited_by_inserting_lines_only(tmp_path, source):
    ast.parse(source)  # the generator only makes valid modules
    try:
        result = add(source)
    except ScaffoldError as refused:
        # Every piece above is a form the editor handles: a refusal is a failure.
        pytest.fail(f"refused {source!r}: {refused}")
    assert inserted_only(source, result), (source, result)
    tree = ast.parse(result)
    assert any(
        isinstance(node, ast.ImportFrom) and node.module == MODULE and node.level == 1
        for node in tree.body
    )
    before, after = star_import(tmp_path, source), star_import(tmp_path, result)
    assert CLASS in after
    assert before <= after and after - before <= {CLASS, MODULE}, (source, result)
    fresh = not (before - {"os", "json"}) and b"__all__" not in source
    event("a new __all__" if fresh and b"__all__" in result else "lines inserted")
    ends_with_newline = not source or source.endswith((b"\n", b"\r"))
    if ends_with_newline or not fresh:
        assert remove_registration(result, MODULE, CLASS) == source
    assert add(result) == result  # a second run changes nothing


@settings(max_examples=EXAMPLES or 200, deadline=None, derandomize=True)
@given(
    prefix=st.binary(max_size=40),
    suffix=st.binary(max_size=40),
)
def test_random_bytes_around_a_registration_are_kept_or_refused(prefix, suffix):
    """Arbitrary bytes (most do not even parse): refused in one line, or edited
    by inserting lines only."""
    source = prefix + b'\n__all__ = [\n    "A",\n]\n' + suffix
    try:
        result = add(source)
    except ScaffoldError as refused:
        assert "\n" not in str(refused)
        event("refused")
        return
    event("edited")
    assert inserted_only(source, result)
    ast.parse(result)
