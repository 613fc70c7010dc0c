"""Every supported variant renders, without TensorFlow and without black, into
code that parses, that black leaves unchanged (the templates are written at
black's width, so the generator need not run black on them), and that carries
none of the TF 2.0 idioms Keras 3 breaks."""

import ast
import re
from pathlib import Path

import black
import pytest

from scaffold.cli import layer
from scaffold.core.files import Render
from scaffold.generators.layer import LayerTarget, layer_files
from scaffold.kinds.arguments import REQUIRED
from scaffold.core.names import parse_name
from scaffold.options import LayerOptions
from scaffold.core.render import render_text
from variants import EXAMPLE_KIND, layer_variants, user_kind_variants

from helpers import REPO


def options_for(name, args):
    """Parse args exactly as `scaffold layer` does, into LayerOptions."""
    params = layer.make_context("layer", [name, *args]).params
    for key in ("output_dir", "tests_dir", "no_tests", "dry_run", "force"):
        params.pop(key)
    return LayerOptions.create(parse_name(params.pop("name")), **params)


def rendered(options, package="pkg"):
    """The layer module and its test, rendered without black."""
    target = LayerTarget(Path("/src/pkg/layers"), Path("/tests"), (package, "layers"))
    texts = [
        render_text(item.template, dict(item.context), item.search)
        for item in layer_files(options, target)
        if isinstance(item, Render)
    ]
    return texts[0], texts[1]


VARIANTS = layer_variants() + user_kind_variants(REPO / EXAMPLE_KIND)


@pytest.mark.parametrize("name, args", VARIANTS, ids=[n for n, _ in VARIANTS])
def test_variant_renders_black_exact_keras3_code(name, args):
    options = options_for(name, args)
    source, test = rendered(options)
    for text in (source, test):
        ast.parse(text)
        assert black.format_str(text, mode=black.Mode()) == text
        assert not re.search(r"\{\{|\{%|\}\}|TODO|FIXME", text)
    tree = ast.parse(source)
    calls = [ast.unparse(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)]
    assert "tf.Variable" not in calls and "tensorflow" not in source
    keywords = [k.arg for n in ast.walk(tree) if isinstance(n, ast.Call) for k in n.keywords]
    assert "dynamic" not in keywords
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "self.add_weight":
            assert not node.args, "add_weight takes keyword arguments only"
    assert '@keras.saving.register_keras_serializable(package="pkg")' in source
    [cls] = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    methods = {n.name for n in cls.body if isinstance(n, ast.FunctionDef)}
    assert {"__init__", "call", "compute_output_shape", "get_config"} <= methods
    init = next(n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__init__")
    assert init.args.kwarg is not None and "super().__init__(" in ast.unparse(init)
    placement = "init" if "init" in args else "build"
    assert ("self.built = True" in source) == (placement == "init")
    weightless = "scaled-tanh" in args  # a kind without weights has nothing to build
    assert ("def build(" in source) == (placement == "build" and not weightless)
    docstring = ast.get_docstring(cls)
    for section in ("Args:", "Input shape:", "Output shape:"):
        assert section in docstring
    assert ("run_eagerly=True" in docstring) == ("--dynamic" in args)
    assert ("run_eagerly=True" in test) == ("--dynamic" in args)
    # The test spells out constructor arguments the layer takes, every required one.
    spec = next(
        n.value
        for n in ast.parse(test).body
        if isinstance(n, ast.Assign) and ast.unparse(n.targets[0]) == "SPEC"
    )
    given = ast.literal_eval(next(k.value for k in spec.keywords if k.arg == "init_kwargs"))
    taken = [a.arg for a in init.args.args[1:]]
    required = taken[: len(taken) - len(init.args.defaults)]
    assert set(required) <= set(given) <= set(taken)


@pytest.mark.parametrize("name, args", VARIANTS, ids=[n for n, _ in VARIANTS])
def test_every_constructor_argument_is_documented_stored_and_in_get_config(name, args):
    options = options_for(name, args)
    source, _ = rendered(options)
    [cls] = [n for n in ast.parse(source).body if isinstance(n, ast.ClassDef)]
    methods = {n.name: n for n in cls.body if isinstance(n, ast.FunctionDef)}
    init = methods["__init__"].args
    arguments = [a.arg for a in init.args[1:]]
    assert arguments, "the layer takes no argument"
    documented = re.findall(r"^        (\w+): ", ast.get_docstring(cls, clean=False), re.M)
    assert documented == arguments
    [config] = [n for n in ast.walk(methods["get_config"]) if isinstance(n, ast.Dict)]
    assert [key.value for key in config.keys] == arguments
    stored = ast.unparse(methods["__init__"])
    for argument in arguments:
        assert f"self.{argument} = " in stored or f"{argument}={argument}" in stored
    required = arguments[: len(arguments) - len(init.defaults)]
    spec = options.spec
    expected = [spec.input_size_argument] if options.input_dim is not None else []
    expected += [a.name for a in spec.arguments if a.default is REQUIRED]
    assert required == expected


def test_keras_required_arguments_have_no_default():
    for kind, required in {
        "dense": ["units"],
        "conv2d": ["filters", "kernel_size"],
        "conv-bn-relu": ["filters", "kernel_size"],
    }.items():
        source, test = rendered(options_for("x", ["--kind", kind]))
        signature = re.search(r"def __init__\((.*?)\):", source, re.S).group(1)
        for name in required:
            assert re.search(rf"^\s+{name},$", signature, re.M), (kind, name)
            assert f'"{name}": ' in test  # the test passes it explicitly


def test_composite_builds_its_sublayers_with_the_layers_dtype_policy():
    source, _ = rendered(options_for("c", ["--kind", "conv-bn-relu"]))
    assert source.count("dtype=self.dtype_policy") == 3
    for sublayer in ("self.conv.build(", "self.bn.build(", "self.relu.build("):
        assert sublayer in source
    assert "self.bn(outputs, training=training)" in source
    assert "from keras import ops" not in source  # it uses no op of its own


@pytest.mark.parametrize("length", [1, 24, 40, 64])
def test_names_of_any_length_give_exactly_what_black_gives(length):
    """A long class, module or package name can push a line past black's width:
    such output goes through black, so what is written is always black's."""
    from scaffold.kinds.registry import builtin_kinds
    from scaffold.core.render import format_python

    name = "L" + "x" * (length - 1)
    package = "p" + "k" * (length - 1)
    for kind in builtin_kinds():
        options = options_for(name, ["--kind", kind.name])
        for text in rendered(options, package=package):
            assert format_python(text, "x.py", exact=True) == black.format_str(
                text, mode=black.Mode()
            ), (kind.name, length)
