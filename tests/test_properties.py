"""Property-based: over the whole option space of `scaffold layer`, an accepted
combination renders code that parses and is stable under black; a rejected one
writes nothing and says why in one line. (That accepted code imports and passes
its own tests is checked on a seeded sample in test_generated_layers.py.)"""

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
from scaffold.options import ACTIVATIONS, KINDS, Kind


def maybe(strategy):
    return st.one_of(st.none(), strategy)


def flag(name, value):
    if value is None:
        return []
    if name == "use-bias":
        return ["--use-bias" if value else "--no-bias"]
    return [f"--{name}", str(value)]


options = st.fixed_dictionaries(
    {
        "kind": st.sampled_from([k.value for k in Kind] + ["lstm"]),
        "weights-in": maybe(st.sampled_from(["build", "init", "call"])),
        "weight-api": maybe(st.sampled_from(["add_weight", "variable", "tf.Variable"])),
        "input-dim": maybe(st.integers(-2, 70_000)),
        "units": maybe(st.integers(-2, 70_000)),
        "filters": maybe(st.integers(-2, 70_000)),
        "kernel-size": maybe(st.integers(-1, 40)),
        "strides": maybe(st.integers(-1, 10)),
        "padding": maybe(st.sampled_from(["valid", "same", "causal"])),
        "activation": maybe(st.sampled_from([*ACTIVATIONS, "relu7", "os.system"])),
        "use-bias": maybe(st.booleans()),
        "ratio": maybe(st.integers(-1, 2000)),
        "connections": maybe(st.sampled_from(["0,1,2;1,2,3", "0;1,2", "0,0", "1;", "a,b", "9"])),
        "description": maybe(st.text(max_size=60)),
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
        args += flag(name, value)
    if dynamic:
        args.append("--dynamic")
    with tempfile.TemporaryDirectory() as tmp:
        code, _, err = run(args, tmp)
        files = sorted(Path(tmp).rglob("*"))
        event("accepted" if code == 0 else f"rejected with exit code {code}")
        if code == 0:
            assert [f.name for f in files] == ["probe.py", "test_probe.py"]
            for path in files:
                source = path.read_text()
                tree = ast.parse(source)
                assert black.format_str(source, mode=black.Mode()) == source
            if values["description"] is not None:
                module_doc = ast.get_docstring(ast.parse(files[0].read_text()))
                assert values["description"].strip().rstrip(".") in module_doc.replace("\\\\", "\\")
                # the description is inert: the module holds exactly its docstring,
                # two imports, the kind's table of constants if it has one, and one class
                body = ast.parse(files[0].read_text()).body
                table = ["Assign"] if values["kind"] in ("partial-conv2d", "rbf") else []
                assert [type(node).__name__ for node in body] == [
                    "Expr",
                    "Import",
                    "ImportFrom",
                    *table,
                    "ClassDef",
                ]
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


RANGES = {
    "units": st.integers(1, 65536),
    "filters": st.integers(1, 65536),
    "kernel_size": st.integers(1, 31),
    "strides": st.integers(1, 8),
    "padding": st.sampled_from(["valid", "same"]),
    "activation": st.sampled_from(ACTIVATIONS),
    "use_bias": st.booleans(),
    "ratio": st.integers(1, 1024),
    # a connection table: 1 to 8 output maps, each on 1 to 4 distinct channels of 8
    "connections": st.lists(
        st.lists(st.integers(0, 7), min_size=1, max_size=4, unique=True), min_size=1, max_size=8
    ).map(lambda table: ";".join(",".join(map(str, inputs)) for inputs in table)),
}


@st.composite
def valid_layer_args(draw):
    """Arguments inside the documented space: each kind with only its own options."""
    kind = draw(st.sampled_from(list(Kind)))
    spec = KINDS[kind]
    args = ["--kind", kind.value]
    for hp in sorted(spec.hyperparameters):
        value = draw(maybe(RANGES[hp]))
        args += flag(hp.replace("_", "-"), value)
    if spec.has_weights and draw(st.booleans()):
        size = spec.input_size or draw(st.integers(1024, 65536))
        args += ["--weights-in", "init", "--input-dim", str(size)]
    if spec.own_weights:
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
