"""A catalogue of hostile inputs, as data. Every case must give a one-line
message naming the problem, exit code 2 (usage) or 1 (refused), no traceback,
and leave the working directory byte-for-byte as it was."""

import pytest

from helpers import tree_state

LONG = "x" * 300

# (id, arguments, exit code, fragment of the message)
CASES = [
    # names
    ("empty name", ["layer", ""], 2, "NAME is empty"),
    ("blank name", ["layer", "   "], 2, "NAME is empty"),
    ("keyword", ["layer", "class"], 2, "keyword"),
    ("keyword None", ["layer", "None"], 2, "keyword"),
    ("soft keyword", ["layer", "match"], 2, "keyword"),
    ("leading digit", ["layer", "1abc"], 2, "starts with a digit"),
    ("parent path", ["layer", "../x"], 2, "contains a path"),
    ("dotdot", ["layer", ".."], 2, "contains a path"),
    ("slash", ["layer", "a/b"], 2, "contains a path"),
    ("backslash", ["layer", "a\\b"], 2, "contains a path"),
    ("absolute path", ["layer", "/etc/passwd"], 2, "contains a path"),
    ("newline", ["layer", "a\nb"], 2, "may only contain"),
    ("space", ["layer", "a b"], 2, "may only contain"),
    ("code injection", ["layer", 'Foo"); import os; ("'], 2, "may only contain"),
    ("semicolon", ["layer", "a;b"], 2, "may only contain"),
    ("cyrillic look-alike", ["layer", "L\u0430yer"], 2, "non-ASCII"),
    ("fullwidth", ["layer", "\uff26oo"], 2, "non-ASCII"),
    ("accented", ["layer", "caf\u00e9"], 2, "non-ASCII"),
    ("300 characters", ["layer", LONG], 2, "300 characters long"),
    ("builtin print", ["layer", "print"], 2, "would shadow 'print'"),
    ("builtin list", ["layer", "List"], 2, "would shadow 'list'"),
    ("Layer", ["layer", "Layer"], 2, "would shadow 'Layer'"),
    ("keras", ["layer", "keras"], 2, "would shadow 'keras'"),
    ("dunder import", ["layer", "__import__"], 2, "does not give a valid Python name"),
    ("only separators", ["layer", "__"], 2, "no letters"),
    # numbers
    (
        "units zero",
        ["layer", "F", "--kind", "dense", "--units", "0"],
        2,
        "--units must be between 1 and",
    ),
    (
        "units negative",
        ["layer", "F", "--kind", "dense", "--units", "-1"],
        2,
        "--units must be between",
    ),
    (
        "units huge",
        ["layer", "F", "--kind", "dense", "--units", "1000000000000"],
        2,
        "--units must be between",
    ),
    (
        "units float",
        ["layer", "F", "--kind", "dense", "--units", "2.5"],
        2,
        "is not a valid integer",
    ),
    (
        "units exponent",
        ["layer", "F", "--kind", "dense", "--units", "1e3"],
        2,
        "is not a valid integer",
    ),
    ("units nan", ["layer", "F", "--kind", "dense", "--units", "nan"], 2, "is not a valid integer"),
    (
        "filters negative",
        ["layer", "F", "--kind", "conv2d", "--filters", "-5"],
        2,
        "--filters must be between",
    ),
    (
        "kernel zero",
        ["layer", "F", "--kind", "conv2d", "--kernel-size", "0"],
        2,
        "--kernel-size must be between 1 and 31",
    ),
    (
        "kernel too big",
        ["layer", "F", "--kind", "conv2d", "--kernel-size", "32"],
        2,
        "--kernel-size must be between",
    ),
    (
        "strides zero",
        ["layer", "F", "--kind", "conv2d", "--strides", "0"],
        2,
        "--strides must be between",
    ),
    (
        "strides huge",
        ["layer", "F", "--kind", "conv-bn-relu", "--strides", "9"],
        2,
        "--strides must be between",
    ),
    ("ratio zero", ["layer", "F", "--kind", "se", "--ratio", "0"], 2, "--ratio must be between"),
    (
        "input dim zero",
        ["layer", "F", "--weights-in", "init", "--input-dim", "0"],
        2,
        "--input-dim must be between",
    ),
    (
        "input dim huge",
        ["layer", "F", "--weights-in", "init", "--input-dim", "99999999"],
        2,
        "--input-dim must be between",
    ),
    (
        "ratio above channels",
        ["layer", "F", "--kind", "se", "--weights-in", "init", "--input-dim", "4", "--ratio", "8"],
        2,
        "--ratio 8 is larger than --input-dim 4",
    ),
    # activations and kinds
    (
        "unknown activation",
        ["layer", "F", "--kind", "dense", "--activation", "relu7"],
        2,
        "not a Keras activation",
    ),
    (
        "activation code",
        ["layer", "F", "--kind", "dense", "--activation", "__import__('os')"],
        2,
        "not a Keras activation",
    ),
    (
        "activation case",
        ["layer", "F", "--kind", "dense", "--activation", "ReLU"],
        2,
        "not a Keras activation",
    ),
    ("unknown kind", ["layer", "F", "--kind", "lstm"], 2, "'lstm' is not one of"),
    ("kind case", ["layer", "F", "--kind", "Dense"], 2, "'Dense' is not one of"),
    ("unknown placement", ["layer", "F", "--weights-in", "call"], 2, "'call' is not one of"),
    (
        "tf.Variable api",
        ["layer", "F", "--weight-api", "tf.Variable"],
        2,
        "'tf.Variable' is not one of",
    ),
    (
        "bad padding",
        ["layer", "F", "--kind", "conv2d", "--padding", "causal"],
        2,
        "'causal' is not one of",
    ),
    # contradictions
    (
        "units on conv2d",
        ["layer", "F", "--kind", "conv2d", "--units", "3"],
        2,
        "--units does not apply to --kind conv2d",
    ),
    (
        "activation on se",
        ["layer", "F", "--kind", "se", "--activation", "relu"],
        2,
        "--activation does not apply",
    ),
    (
        "padding on dense",
        ["layer", "F", "--kind", "dense", "--padding", "same"],
        2,
        "--padding does not apply",
    ),
    (
        "bias on composite",
        ["layer", "F", "--kind", "conv-bn-relu", "--no-bias"],
        2,
        "--use-bias does not apply",
    ),
    (
        "api on composite",
        ["layer", "F", "--kind", "conv-bn-relu", "--weight-api", "variable"],
        2,
        "--weight-api does not apply",
    ),
    (
        "init without size",
        ["layer", "F", "--weights-in", "init"],
        2,
        "give the input size with --input-dim",
    ),
    ("size without init", ["layer", "F", "--input-dim", "3"], 2, "--input-dim only applies"),
    ("no tests and tests dir", ["layer", "F", "--no-tests", "--tests-dir", "t"], 2, "contradict"),
    ("description newline", ["layer", "F", "--description", "a\nb"], 2, "one line"),
    ("description long", ["layer", "F", "--description", LONG + LONG], 2, "use at most 300"),
    ("unknown option", ["layer", "F", "--eval", "x"], 2, "No such option"),
    ("missing name", ["layer"], 2, "Missing argument"),
    ("unknown command", ["rm", "-rf"], 2, "No such command"),
    # paths
    ("output is a file", ["layer", "F", "-o", "afile"], 1, "is a file"),
    ("output under a file", ["layer", "F", "-o", "afile/sub"], 1, "is not a directory"),
    ("output parent missing", ["layer", "F", "-o", "missing/parent/dir"], 1, "does not exist"),
    ("output is a symlink", ["layer", "F", "-o", "link"], 1, "symlink"),
    ("output through a symlink", ["layer", "F", "-o", "link/sub"], 1, "symlink"),
    ("tests dir is a file", ["layer", "F", "--tests-dir", "afile"], 1, "is a file"),
    ("existing file differs", ["layer", "keep"], 1, "differ from what would be generated"),
    ("broken package init", ["layer", "F", "-o", "brokenpkg"], 1, "does not parse"),
    # lenet
    ("lenet dir is a file", ["lenet", "afile"], 1, "is a file"),
    ("lenet parent missing", ["lenet", "missing/proj"], 1, "does not exist"),
    ("lenet through symlink", ["lenet", "link/proj"], 1, "symlink"),
    ("lenet digit name", ["lenet", "9lives"], 2, "starts with a digit"),
    ("lenet keyword name", ["lenet", "p", "--name", "import"], 2, "shadow"),
    (
        "lenet non-ascii",
        ["lenet", "p", "--name", "l\u00e9net"],
        2,
        "is not a Python package name",
    ),
    ("lenet bad style", ["lenet", "p", "--style", "fancy"], 2, "'fancy' is not one of"),
    ("lenet epochs without train", ["lenet", "p", "--epochs", "3"], 2, "only apply with --train"),
    ("lenet train dry run", ["lenet", "p", "--train", "--dry-run"], 2, "contradict"),
    ("lenet epochs zero", ["lenet", "p", "--train", "--epochs", "0"], 2, "at least 1"),
    ("lenet existing differs", ["lenet", "proj"], 1, "differ from what would be generated"),
    # editing a package's __init__.py: refused when it cannot be done by inserting lines
    ("__all__ with a starred element", ["layer", "Gate", "-o", "starpkg"], 1, "by hand"),
    ("__all__ listing a name", ["layer", "Gate", "-o", "namepkg"], 1, "not a plain list"),
    ("__all__ set in an if", ["layer", "Gate", "-o", "ifpkg"], 1, "cannot follow"),
    ("__all__ appended to", ["layer", "Gate", "-o", "appendpkg"], 1, "cannot follow"),
    ("class name already bound", ["layer", "Gate", "-o", "boundpkg"], 1, "already bound"),
    ("module name already bound", ["layer", "Gate", "-o", "modpkg"], 1, "already bound"),
    ("init with a null byte", ["layer", "Gate", "-o", "nullpkg"], 1, "does not parse"),
    ("init in an unknown encoding", ["layer", "Gate", "-o", "klingonpkg"], 1, "encoding"),
    # names that would hide another module, or that pytest would take for its own
    ("stdlib json", ["layer", "Json"], 2, "would hide the standard-library module json"),
    ("stdlib typing", ["layer", "Typing"], 2, "standard-library module typing"),
    ("stdlib random", ["layer", "Random"], 2, "standard-library module random"),
    ("stdlib os", ["layer", "Os"], 2, "standard-library module os"),
    ("installed numpy", ["layer", "Numpy"], 2, "would hide the installed module numpy"),
    ("pytest", ["layer", "Pytest"], 2, "would hide pytest's"),
    ("conftest", ["layer", "Conftest"], 2, "would hide pytest's"),
    ("contract module", ["layer", "KerasContract"], 2, "keras_contract"),
    ("test-like module", ["layer", "TestGate"], 2, "pytest would collect"),
    ("test-like suffix", ["layer", "GateTest"], 2, "pytest would collect"),
    ("dotted package dir", ["layer", "Gate", "-o", "my.pkg"], 2, "not a Python package name"),
    ("lenet empty directory", ["lenet", ""], 2, "DIRECTORY is empty"),
    ("lenet blank directory", ["lenet", "  "], 2, "DIRECTORY is empty"),
    ("lenet json", ["lenet", "p", "--name", "json"], 2, "standard-library module json"),
    ("lenet os", ["lenet", "p", "--name", "os"], 2, "standard-library module os"),
    ("lenet typing", ["lenet", "p", "--name", "typing"], 2, "standard-library module typing"),
    ("lenet collections", ["lenet", "collections"], 2, "standard-library module collections"),
    ("lenet absl", ["lenet", "p", "--name", "absl"], 2, "installed module absl"),
    ("lenet pytest", ["lenet", "p", "--name", "pytest"], 2, "would hide pytest's"),
    ("lenet dotted name", ["lenet", "p", "--name", "my.pkg"], 2, "not a Python package name"),
    ("lenet path name", ["lenet", "p", "--name", "a/b"], 2, "not a Python package name"),
    ("lenet tests", ["lenet", "p", "--name", "tests"], 2, "tests/ directory"),
    ("lenet distribution", ["lenet", "p", "--name", "absl_py"], 2, "installed distribution"),
    # options whose output cannot depend on the input or the weights
    (
        "softmax over one unit",
        ["layer", "F", "--kind", "dense", "--units", "1", "--activation", "softmax"],
        2,
        "the output is always 1",
    ),
    (
        "log_softmax over one unit",
        ["layer", "F", "--kind", "dense", "--units", "1", "--activation", "log_softmax"],
        2,
        "the output is always 0",
    ),
    (
        "softmax over one filter",
        ["layer", "F", "--kind", "conv2d", "--filters", "1", "--activation", "softmax"],
        2,
        "--filters 1",
    ),
    (
        "softmax over one channel",
        ["layer", "F", "--kind", "subsampling", "--weights-in", "init", "--input-dim", "1"]
        + ["--activation", "softmax"],
        2,
        "--input-dim 1",
    ),
    # operating-system limits
    ("output dir name too long", ["layer", "F", "-o", LONG], 1, "File name too long"),
    ("tests dir name too long", ["layer", "F", "--tests-dir", LONG], 1, "File name too long"),
    ("lenet name too long", ["lenet", LONG], 2, "300 characters long"),
    ("lenet dir too long", ["lenet", LONG, "--name", "ok"], 1, "File name too long"),
    ("lenet --name too long", ["lenet", "p", "--name", LONG], 2, "300 characters long"),
    ("path too long", ["layer", "F", "-o", "/".join(["d" * 200] * 25)], 1, "too long"),
]


HOSTILE_INITS = {
    "starpkg": b'b = []\n__all__ = ["A", *b]\n',
    "namepkg": b"from .a import A\n__all__ = [A]\n",
    "ifpkg": b'if True:\n    __all__ = ["x"]\nx = 1\n',
    "appendpkg": b'__all__ = ["x"]\n__all__.append("y")\nx = y = 1\n',
    "boundpkg": b"Gate = None\n",
    "modpkg": b"gate = 1\n",
    "nullpkg": b"x = 1\x00\n",
    "klingonpkg": b"# -*- coding: klingon -*-\nx = 1\n",
    "my.pkg": b"",
}


@pytest.fixture
def workspace(tmp_path):
    """A directory with things worth protecting: user files, packages, a symlink."""
    (tmp_path / "keep.py").write_text("# the user's own keep.py\n")
    (tmp_path / "afile").write_text("not a directory\n")
    (tmp_path / "brokenpkg").mkdir()
    (tmp_path / "brokenpkg" / "__init__.py").write_text("def broken(:\n")
    for name, init in HOSTILE_INITS.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_bytes(init)

    (tmp_path / "proj").mkdir()
    (tmp_path / "proj" / "README.md").write_text("my project\n")
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    (tmp_path / "link").symlink_to(outside)
    return tmp_path, outside


def test_the_catalogue_is_large_enough():
    assert len(CASES) >= 120


@pytest.mark.parametrize("args, code, message", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hostile_input_is_refused_cleanly(cli, workspace, args, code, message):
    root, outside = workspace
    before, before_outside = tree_state(root), tree_state(outside)
    result = cli(*args)
    assert result.exit_code == code, result.stderr
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert tree_state(root) == before  # files and directories
    assert tree_state(outside) == before_outside
