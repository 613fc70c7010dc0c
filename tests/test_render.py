"""Every supported variant renders, without TensorFlow, into code that parses,
is stable under black, and carries none of the TF 2.0 idioms Keras 3 breaks."""

import ast
import re

import black
import pytest

from scaffold.cli import layer
from scaffold.generators.layer import render_layer, render_layer_test
from scaffold.names import parse_name
from scaffold.options import LayerOptions
from variants import layer_variants


def options_for(name, args):
    """Parse args exactly as `scaffold layer` does, into LayerOptions."""
    params = layer.make_context("layer", [name, *args]).params
    for key in ("output_dir", "tests_dir", "no_tests", "dry_run", "force"):
        params.pop(key)
    return LayerOptions.create(parse_name(params.pop("name")), **params)


VARIANTS = layer_variants()


@pytest.mark.parametrize("name, args", VARIANTS, ids=[n for n, _ in VARIANTS])
def test_variant_renders_clean_keras3_code(name, args):
    options = options_for(name, args)
    source = render_layer(options, "pkg")
    test = render_layer_test(options, "pkg", f"pkg.{name}")
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
    assert init.args.kwarg is not None and "super().__init__(**kwargs)" in ast.unparse(init)
    placement = "init" if "init" in args else "build"
    assert ("self.built = True" in source) == (placement == "init")
    assert ("def build(" in source) == (placement == "build" and options.spec.has_weights)
    docstring = ast.get_docstring(cls)
    for section in ("Args:", "Input shape:", "Output shape:"):
        assert section in docstring
    assert ("run_eagerly=True" in docstring) == ("--dynamic" in args)
    assert ("RUN_EAGERLY = True" in test) == ("--dynamic" in args)


def test_composite_builds_its_sublayers_with_the_layers_dtype_policy():
    options = options_for("c", ["--kind", "conv-bn-relu"])
    source = render_layer(options, "pkg")
    assert source.count("dtype=self.dtype_policy") == 3
    for sublayer in ("self.conv.build(", "self.bn.build(", "self.relu.build("):
        assert sublayer in source
    assert "self.bn(outputs, training=training)" in source
