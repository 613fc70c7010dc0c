"""Property-based: over the whole option space of `scaffold layer`, an accepted
combination renders code that parses and that black leaves unchanged (the
generator does not run black on its own templates: this is the proof it need
not); a rejected one writes nothing and says why in one line. (That accepted
code imports and passes its own tests is checked on a seeded sample in
test_generated_layers.py.) The strategies come from the option schema: each
kind's declared types, ranges and choices."""

import ast
import contextlib
import io
import os
import tempfile
from pathlib import Path

import black
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from scaffold.cli import main
from scaffold.kinds.registry import builtin_kinds
from scaffold.kinds.schema import merge
from strategies import any_values, flag_args, valid_values

KINDS = builtin_kinds()
SHARED = merge(KINDS)  # every option of every built-in kind, as `scaffold layer` has them


def maybe(strategy):
    return st.one_of(st.none(), strategy)


def flag(name, value):
    return [] if value is None else [f"--{name}", str(value)]


options = st.fixed_dictionaries(
    {
        "kind": st.sampled_from([k.name for k in KINDS] + ["lstm"]),
        "weights-in": maybe(st.sampled_from(["build", "init", "call"])),
        "weight-api": maybe(st.sampled_from(["add_weight", "variable", "tf.Variable"])),
        "input-dim": maybe(st.integers(-2, 70_000)),
        "description": maybe(st.text(max_size=300)),
        **{name: maybe(any_values(shared.spec)) for name, shared in SHARED.items()},
    }
)


def run(args, cwd):
    out, err = io.StringIO(), io.StringIO()
    previous = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(args)
            except SystemExit as exit_info:
                code = exit_info.code
    finally:
        os.chdir(previous)
    return code, out.getvalue(), err.getvalue()


@settings(
    max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(options, st.booleans())
def test_every_combination_renders_clean_code_or_writes_nothing(values, dynamic):
    args = ["layer", "Probe"]
    for name, value in values.items():
        if name in SHARED:
            args += flag_args(SHARED[name].spec, value)
        else:
            args += flag(name, value)
    if dynamic:
        args.append("--dynamic")
    with tempfile.TemporaryDirectory() as tmp:
        code, _, err = run(args, tmp)
        files = sorted(Path(tmp).rglob("*"))
        event("accepted" if code == 0 else f"rejected with exit code {code}")
        if code == 0:
            files = [f for f in files if not f.name.startswith(".scaffold")]
            files = [f for f in files if f.parent.name != ".scaffold"]
            # the layer, its test, and the contract module the test imports
            assert [f.name for f in files] == ["keras_contract.py", "probe.py", "test_probe.py"]
            module = Path(tmp) / "probe.py"
            for path in files:
                source = path.read_text()
                tree = ast.parse(source)
                assert black.format_str(source, mode=black.Mode()) == source
            if values["description"] is not None:
                module_doc = ast.get_docstring(ast.parse(module.read_text()))
                # the docstring wraps long text between words: compare the words
                words = " ".join(values["description"].strip().rstrip(".").split(" "))
                assert " ".join(words.split()) in " ".join(module_doc.split())
                # the description is inert: the module holds exactly its docstring,
                # its imports, the kind's helpers and one class
                body = ast.parse(module.read_text()).body
                kinds = [type(node).__name__ for node in body]
                assert kinds[0] == "Expr" and kinds[-1] == "ClassDef"
                assert set(kinds[1:-1]) <= {"Import", "ImportFrom", "FunctionDef"}
                assert all(n.name.startswith("_") for n in body if type(n) is ast.FunctionDef)
        else:
            assert code in (1, 2)
            assert files == []
            assert err.startswith("scaffold") and len(err.strip().splitlines()) == 1


def test_an_injection_attempt_through_the_description_stays_text(tmp_path):
    attack = '""" + __import__("os").system("touch pwned") + """\\'
    code, _, err = run(["layer", "Probe", "--description", attack], tmp_path)
    assert code == 0, err
    source = (tmp_path / "probe.py").read_text()
    tree = ast.parse(source)
    assert [type(node).__name__ for node in tree.body] == [
        "Expr",
        "Import",
        "ImportFrom",
        "ClassDef",
    ]
    assert attack in ast.get_docstring(tree)
    [cls] = [node for node in tree.body if isinstance(node, ast.ClassDef)]
    assert ast.get_docstring(cls).startswith(attack)
    assert not (tmp_path / "pwned").exists()


@st.composite
def valid_layer_args(draw):
    """Arguments inside the documented space: each kind with only its own options."""
    kind = draw(st.sampled_from(KINDS))
    args = ["--kind", kind.name]
    for option in kind.spec.options.values():
        args += flag_args(option, draw(maybe(valid_values(option))))
    if draw(st.booleans()):
        args += ["--weights-in", "init", "--input-dim", str(draw(st.integers(1024, 65536)))]
    if kind.spec.owns_weights:
        args += flag("weight-api", draw(maybe(st.sampled_from(["add_weight", "variable"]))))
    if draw(st.booleans()):
        args.append("--dynamic")
    return args


@settings(
    max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(valid_layer_args())
def test_every_documented_combination_is_accepted_and_renders_clean_code(args):
    with tempfile.TemporaryDirectory() as tmp:
        code, _, err = run(["layer", "Probe", *args], tmp)
        assert code == 0, err
        for path in sorted(Path(tmp).rglob("*.py")):
            source = path.read_text()
            ast.parse(source)
            assert black.format_str(source, mode=black.Mode()) == source
