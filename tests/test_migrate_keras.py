"""What `scaffold migrate` assumes about Keras and TensorFlow, checked against
the installed versions: the names it knows, and that every initializer it
writes reproduces the initial value it replaces."""

from __future__ import annotations

import ast
import textwrap

import numpy as np
import pytest

from scaffold.migrate import migrate_source
from scaffold.migrate.names import (
    KERAS_LAYERS,
    SHAPE_INDEPENDENT_LAYERS,
    SHAPE_PRESERVING_LAYERS,
    WITHOUT_OUTPUT_SHAPE,
)
from scaffold.migrate.rewrites.config import LAYER_ATTRIBUTES

pytestmark = pytest.mark.tensorflow

keras = pytest.importorskip("keras")
tf = pytest.importorskip("tensorflow")


def test_the_keras_layer_names_exist_and_declare_their_output_shape():
    for name in KERAS_LAYERS:
        cls = getattr(keras.layers, name)
        assert issubclass(cls, keras.layers.Layer), name
        declares = cls.compute_output_shape is not keras.layers.Layer.compute_output_shape
        assert declares == (name not in WITHOUT_OUTPUT_SHAPE), name
    for name in SHAPE_PRESERVING_LAYERS:  # no weights: nothing for build() to create
        assert getattr(keras.layers, name).build is keras.layers.Layer.build, name
    for name in SHAPE_INDEPENDENT_LAYERS:
        assert getattr(keras.layers, name)(4, 2).build.__wrapped__.__defaults__ == (None,)


def test_layer_attributes_are_attributes_of_keras_layers():
    layer = keras.layers.Layer()
    assert LAYER_ATTRIBUTES <= set(dir(layer))


SHAPE = (300, 200)
INITIAL_VALUES = [
    "tf.zeros((300, 200))",
    "tf.ones([300, 200], dtype=tf.float64)",
    "tf.fill((300, 200), 0.5)",
    "tf.constant(2.5, shape=(300, 200))",
    "tf.constant(3)",
    "1.5",
    "tf.eye(300, 200)",
    "np.zeros((300, 200))",
    "np.full((300, 200), 2.0)",
    "np.eye(300, 200)",
    "tf.random.normal((300, 200))",
    "tf.random.normal((300, 200), mean=1.0, stddev=0.5)",
    "tf.random.uniform((300, 200), -2.0, 3.0)",
    "tf.random.uniform((300, 200))",
    "tf.random.truncated_normal((300, 200), stddev=0.2)",
    "np.random.randn(300, 200)",
    "np.random.rand(300, 200).astype(np.float32)",
    "np.random.normal(0.5, 2.0, size=(300, 200))",
    "np.random.uniform(-1, 1, (300, 200))",
    "tf.random_normal_initializer()(shape=(300, 200))",
    "tf.random_normal_initializer(mean=1.0, stddev=0.3)((300, 200))",
    "tf.random_uniform_initializer()((300, 200))",
    "tf.zeros_initializer()((300, 200))",
    "tf.constant_initializer(0.7)((300, 200))",
    "tf.keras.initializers.GlorotUniform()((300, 200))",
]


def migrated_weight(initial: str) -> ast.Call:
    source = "import numpy as np\nimport tensorflow as tf\n\n\n" + textwrap.dedent(f"""\
        class Holder(tf.keras.layers.Layer):
            def build(self, input_shape):
                self.w = tf.Variable({initial})
        """)
    result = migrate_source(source, "holder", "holder.py")
    [call] = [
        node
        for node in ast.walk(ast.parse(result.migrated))
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "add_weight"
    ]
    return call


@pytest.mark.parametrize("initial", INITIAL_VALUES)
def test_each_initializer_reproduces_the_initial_value(initial):
    scope = {"tf": tf, "np": np, "keras": keras}
    original = tf.convert_to_tensor(eval(initial, scope))
    arguments = {
        k.arg: eval(ast.unparse(k.value), scope) for k in migrated_weight(initial).keywords
    }
    dtype = arguments.get("dtype") or "float32"
    initializer = keras.initializers.get(arguments["initializer"])
    value = np.asarray(initializer(arguments["shape"], dtype=dtype))
    expected = original.numpy()
    assert value.shape == expected.shape
    assert keras.backend.standardize_dtype(dtype) == original.dtype.name
    if "random" in initial or "Uniform" in initial or "rand" in initial:
        # the same distribution: moments and range (30000 draws)
        tolerance = 5 * max(expected.std(), 1e-3) / np.sqrt(expected.size)
        assert abs(value.mean() - expected.mean()) < tolerance + 1e-3, (
            value.mean(),
            expected.mean(),
        )
        assert abs(value.std() - expected.std()) < 0.03 * expected.std() + 1e-3
        assert (
            expected.min() - 0.05 <= value.min()
            and value.max() <= expected.max() + 0.05
            or ("normal" in initial or "randn" in initial)
        )
    else:
        np.testing.assert_array_equal(value, expected)
