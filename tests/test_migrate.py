"""`scaffold migrate` on source text: each rewrite, what it leaves alone, what it
reports, and that a second run changes nothing. No TensorFlow here: these run
the codemod only (tests/test_migrate_equivalence.py runs the migrated code)."""

from __future__ import annotations

import ast
import textwrap

import pytest

from scaffold.migrate import migrate_source

HEADER = "import tensorflow as tf\n\n\n"


def migrate(body: str, header: str = HEADER, package: str = "layers"):
    source = header + textwrap.dedent(body).lstrip("\n")
    result = migrate_source(source, package, "layers.py")
    assert not result.refused, result.refused
    ast.parse(result.migrated)
    again = migrate_source(result.migrated, package, "layers.py")
    assert again.migrated == result.migrated, "a second run changed the file:\n" + again.diff()
    return result


def with_methods(head: str, *methods: str) -> str:
    """A class from its head and methods, each written at its own indentation."""
    parts = [textwrap.dedent(head).strip("\n") + "\n"]
    parts += [
        "\n" + textwrap.indent(textwrap.dedent(m).strip("\n") + "\n", "    ") for m in methods
    ]
    return "".join(parts)


def fixed(result, rewrite):
    return [f for f in result.findings if f.rewrite == rewrite and f.status == "fixed"]


def left(result, rewrite):
    return [f for f in result.findings if f.rewrite == rewrite and f.status == "left"]


def method(result, class_name: str, name: str) -> str:
    """The source of one method of the migrated module."""
    tree = ast.parse(result.migrated)
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == name:
                    return ast.get_source_segment(result.migrated, item)
    return ""


# -- which classes are layers -----------------------------------------------------------

LAYER_IMPORTS = [
    ("import tensorflow as tf", "tf.keras.layers.Layer"),
    ("import keras", "keras.layers.Layer"),
    ("import keras", "keras.Layer"),
    ("from tensorflow.keras import layers", "layers.Layer"),
    ("from tensorflow import keras", "keras.layers.Layer"),
    ("from keras.layers import Layer as L", "L"),
    ("import tensorflow.keras.layers", "tensorflow.keras.layers.Layer"),
    ("from tensorflow.keras.layers import Layer", "Layer"),
    ("import tensorflow as tf", "tf.keras.Model"),
    ("import tensorflow as tf", "tf.keras.layers.Dense"),
]


@pytest.mark.parametrize("imports, base", LAYER_IMPORTS)
def test_layers_are_found_however_layer_is_imported(imports, base):
    result = migrate(
        """
        class Scale(BASE):
            def __init__(self, units):
                super().__init__()
                self.units = units
        """.replace("BASE", base),
        header=imports + "\n\n\n",
    )
    assert result.layers == ["Scale"]
    assert "def __init__(self, units, **kwargs):" in result.migrated
    assert "register_keras_serializable" in result.migrated


def test_subclasses_of_a_migrated_layer_of_the_module_are_layers():
    result = migrate("""
        class Base(tf.keras.layers.Layer):
            pass


        class Child(Base):
            def __init__(self, units):
                super().__init__()
                self.units = units
        """)
    assert result.layers == ["Base", "Child"]
    assert "def __init__(self, units, **kwargs):" in result.migrated


@pytest.mark.parametrize(
    "header, base",
    [
        ("from mylib import Layer\n\n\n", "Layer"),  # someone else's Layer
        ("import tensorflow as tf\n\n\n", "tf.Module"),
        ("import tensorflow as tf\n\n\n", "object"),
    ],
)
def test_other_classes_are_never_touched(header, base):
    source = header + textwrap.dedent(f"""\
        class Thing({base}):
            def __init__(self, units):
                super().__init__()
                self.w = tf.Variable(tf.zeros((units,)))
        """)
    result = migrate_source(source, "layers", "layers.py")
    assert result.layers == [] and result.migrated == source and not result.findings


def test_a_local_class_named_layer_is_not_keras():
    source = textwrap.dedent("""\
        class Layer:
            pass


        class Thing(Layer):
            def __init__(self, units):
                self.units = units
        """)
    result = migrate_source(source, "layers", "layers.py")
    assert result.migrated == source and result.layers == []


def test_code_outside_layers_stays_byte_for_byte():
    before = (
        "#!/usr/bin/env python\n"
        "# -*- coding: utf-8 -*-\n"
        '"""Module docstring."""\n'
        "import tensorflow as tf\n"
        "x = tf.Variable(  1.0 )   # a raw variable outside any layer\n"
        "def f( a ,b ):\n"
        "    return tf.Variable(a)  ;  # odd spacing kept\n"
        "\n"
    )
    after = (
        "\n\nclass NotALayer :\n"
        "    y = tf.Variable(2.0)\n"
        "    def __init__(self, dynamic=True):\n"
        "        super().__init__(dynamic=True)\n"
    )
    layer = (
        "\n\nclass Scale(tf.keras.layers.Layer):\n"
        "    def build(self, input_shape):\n"
        "        self.w = tf.Variable(tf.ones((input_shape[-1],)))\n"
        "\n"
        "    def call(self, inputs):\n"
        "        return inputs * self.w\n"
    )
    result = migrate_source(before + layer + after, "layers", "layers.py")
    migrated = result.migrated
    assert migrated.startswith(
        before.replace("import tensorflow as tf\n", "import tensorflow as tf\nimport keras\n")
    )
    assert migrated.endswith(after)
    assert "self.w = self.add_weight(" in migrated


def test_line_endings_and_a_byte_order_mark_are_kept():
    source = "\ufeffimport tensorflow as tf\r\n\r\n\r\nclass Scale(tf.keras.layers.Layer):\r\n    def __init__(self, units):\r\n        super().__init__()\r\n        self.units = units\r\n"
    result = migrate_source(source, "layers", "layers.py")
    assert result.migrated.startswith("\ufeff")
    assert "\n" not in result.migrated.replace("\r\n", "")
    assert "def __init__(self, units, **kwargs):\r\n" in result.migrated


def test_a_file_that_does_not_parse_is_refused_unchanged():
    source = "class Broken(tf.keras.layers.Layer:\n    pass\n"
    result = migrate_source(source, "layers", "layers.py")
    assert result.refused == "does not parse: invalid syntax (line 1)"
    assert result.migrated == source and not result.changed


# -- tf.Variable ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "initial, expected",
    [
        ("tf.zeros((4, 3))", 'shape=(4, 3), initializer="zeros"'),
        ("tf.ones([4])", 'shape=[4], initializer="ones"'),
        ("tf.fill((4,), 0.5)", "shape=(4,), initializer=keras.initializers.Constant(0.5)"),
        (
            "tf.constant(2.0, shape=(4,))",
            "shape=(4,), initializer=keras.initializers.Constant(2.0)",
        ),
        ("tf.constant(0.0)", 'shape=(), initializer="zeros"'),
        ("1.0", 'shape=(), initializer="ones"'),
        (
            "tf.random.normal((4, 3))",
            "shape=(4, 3),\n            initializer=keras.initializers.RandomNormal(mean=0.0, stddev=1.0)",
        ),
        (
            "tf.random.normal((4, 3), stddev=0.1, seed=1)",
            "initializer=keras.initializers.RandomNormal(mean=0.0, stddev=0.1, seed=1)",
        ),
        (
            "tf.random.uniform((4,), -1.0, 1.0)",
            "initializer=keras.initializers.RandomUniform(minval=-1.0, maxval=1.0)",
        ),
        (
            "tf.random.truncated_normal((4,), stddev=0.02)",
            "initializer=keras.initializers.TruncatedNormal(mean=0.0, stddev=0.02)",
        ),
        ("tf.eye(4)", 'shape=(4, 4), initializer="identity"'),
        (
            "tf.keras.initializers.GlorotUniform()(shape=(4, 3))",
            "initializer=tf.keras.initializers.GlorotUniform()",
        ),
        (
            "tf.random_normal_initializer(stddev=0.1)((4, 3))",
            "initializer=keras.initializers.RandomNormal(stddev=0.1)",
        ),
        ("tf.zeros_initializer()(shape=(4,))", 'initializer="zeros"'),
        ("np.zeros((4,), dtype=np.float32)", 'shape=(4,), initializer="zeros"'),
        ("np.zeros((4,))", 'initializer="zeros", dtype="float64"'),
        ("np.random.randn(4, 3).astype(np.float32)", "shape=(4, 3),"),
    ],
)
def test_tf_variables_become_add_weight_with_an_initializer_that_reproduces_them(initial, expected):
    result = migrate(
        f"""
        class Scale(tf.keras.layers.Layer):
            def build(self, input_shape):
                self.w = tf.Variable({initial})

            def call(self, inputs):
                return inputs * self.w
        """,
        header="import numpy as np\nimport tensorflow as tf\n\n\n",
    )
    build = method(result, "Scale", "build")
    assert "self.w = self.add_weight(" in build and 'name="w"' in build
    assert expected in build, build
    assert "tf.Variable" not in build
    assert fixed(result, "tracked-variables")
    assert "import keras" in result.migrated or "keras." not in build


def test_the_tf_guide_linear_layer():
    result = migrate("""
        class Linear(tf.keras.layers.Layer):
            def __init__(self, units=32, input_dim=32):
                super(Linear, self).__init__()
                w_init = tf.random_normal_initializer()
                self.w = tf.Variable(
                    initial_value=w_init(shape=(input_dim, units), dtype="float32"),
                    trainable=True,
                )
                b_init = tf.zeros_initializer()
                self.b = tf.Variable(
                    initial_value=b_init(shape=(units,), dtype="float32"), trainable=True
                )

            def call(self, inputs):
                return tf.matmul(inputs, self.w) + self.b
        """)
    init = method(result, "Linear", "__init__")
    assert "w_init" not in init and "b_init" not in init  # inlined, then removed
    assert 'initializer="random_normal"' in init and 'initializer="zeros"' in init
    assert "trainable=True" in init and "shape=(input_dim, units)" in init
    assert init.rstrip().endswith("self.built = True")  # weights made in __init__, no build()


def test_an_initializer_used_twice_stays_until_both_uses_are_gone():
    result = migrate("""
        class Pair(tf.keras.layers.Layer):
            def build(self, input_shape):
                init = tf.random_normal_initializer(stddev=0.02)
                self.a = tf.Variable(init(shape=(3,)))
                self.b = tf.Variable(init(shape=(3,)))
                self.c = init
        """)
    build = method(result, "Pair", "build")
    assert "init = tf.random_normal_initializer(stddev=0.02)" in build  # still read by self.c
    assert build.count("keras.initializers.RandomNormal(stddev=0.02)") == 2


def test_an_arbitrary_value_becomes_a_keras_variable_with_that_value():
    result = migrate(
        """
        class Table(tf.keras.layers.Layer):
            def build(self, input_shape):
                index = np.arange(12).reshape(3, 4)
                self.index = tf.Variable(initial_value=tf.convert_to_tensor(index), trainable=False)
        """,
        header="import numpy as np\nimport tensorflow as tf\n\n\n",
    )
    build = method(result, "Table", "build")
    assert (
        'self.index = keras.Variable(\n            tf.convert_to_tensor(index), trainable=False, name="index"\n        )'
        in build
    )
    assert "index = np.arange(12)" in build  # the value is still computed the same way


@pytest.mark.parametrize("initial", ["0", "tf.constant(3)", "tf.zeros((2,), dtype=tf.int64)"])
def test_integer_variables_are_not_trainable(initial):
    result = migrate(f"""
        class Counter(tf.keras.layers.Layer):
            def build(self, input_shape):
                self.count = tf.Variable({initial})
        """)
    build = method(result, "Counter", "build")
    assert "trainable=False" in build and "dtype=" in build
    assert "no gradient" in fixed(result, "tracked-variables")[0].message


def test_tf_variable_dtype_and_name_are_kept():
    result = migrate("""
        class Scale(tf.keras.layers.Layer):
            def build(self, input_shape):
                self.w = tf.Variable(tf.ones((3,)), name="scale", dtype=tf.float64, trainable=False)
        """)
    build = method(result, "Scale", "build")
    assert 'name="scale"' in build and "dtype=tf.float64" in build and "trainable=False" in build


@pytest.mark.parametrize(
    "body, why",
    [
        (
            """
            def call(self, inputs):
                self.w = tf.Variable(tf.ones((3,)))
                return inputs
            """,
            "created in call()",
        ),
        (
            """
            def build(self, input_shape):
                w = tf.Variable(tf.ones((3,)))
                self.ws = [w]
            """,
            "not assigned to an attribute",
        ),
        (
            """
            def build(self, input_shape):
                self.w = tf.Variable(tf.ones((3,)), synchronization=tf.VariableSynchronization.ON_READ)
            """,
            "synchronization=",
        ),
        (
            """
            def __init__(self):
                self.w = tf.Variable(tf.ones((3,)))
                super().__init__()
            """,
            "before super().__init__()",
        ),
    ],
)
def test_variables_the_tool_cannot_move_safely_are_reported_and_left(body, why):
    result = migrate(with_methods("class Odd(tf.keras.layers.Layer):", body))
    [finding] = left(result, "tracked-variables")
    assert why in finding.message
    assert "tf.Variable(tf.ones((3,))" in result.migrated


# -- dynamic, **kwargs, add_weight's positional name ----------------------------------------


def test_dynamic_true_is_removed_with_a_comment():
    result = migrate("""
        class Eager(tf.keras.layers.Layer):
            def __init__(self, **kwargs):
                super().__init__(dynamic=True, **kwargs)
        """)
    init = method(result, "Eager", "__init__")
    assert "dynamic" not in init.replace("dynamic=True): compile", "")
    assert "# Eager-only (was dynamic=True): compile models using it with run_eagerly=True." in init
    assert fixed(result, "no-dynamic")


def test_a_dynamic_parameter_that_only_reached_keras_is_removed_too():
    result = migrate("""
        class Eager(tf.keras.layers.Layer):
            def __init__(self, dynamic=False, **kwargs):
                super().__init__(dynamic=dynamic, **kwargs)
        """)
    init = method(result, "Eager", "__init__")
    assert init.startswith("def __init__(self, **kwargs):")
    assert "super().__init__(**kwargs)" in init


def test_a_user_argument_named_like_dynamic_is_not_keras_dynamic():
    result = migrate("""
        class Range(tf.keras.layers.Layer):
            def __init__(self, dynamic_range=1.0, **kwargs):
                super().__init__(**kwargs)
                self.dynamic_range = dynamic_range
        """)
    assert "dynamic_range=1.0" in result.migrated and not fixed(result, "no-dynamic")


@pytest.mark.parametrize(
    "signature, call, expected_signature, expected_call",
    [
        (
            "(self, units)",
            "super().__init__()",
            "(self, units, **kwargs)",
            "super().__init__(**kwargs)",
        ),
        (
            "(self)",
            "super(Block, self).__init__()",
            "(self, **kwargs)",
            "super(Block, self).__init__(**kwargs)",
        ),
        (
            "(self, units, **options)",
            "super().__init__()",
            "(self, units, **options)",
            "super().__init__(**options)",
        ),
        (
            "(self, units)",
            "super().__init__(name='')",
            "(self, units, name='', **kwargs)",
            "super().__init__(name=name, **kwargs)",
        ),
        ("(self, units, /)", "super().__init__()", "(self, units, /, **kwargs)", "(**kwargs)"),
        ("(self, *, units=3)", "super().__init__()", "(self, *, units=3, **kwargs)", "(**kwargs)"),
        (
            "(self, units)",
            "tf.keras.layers.Layer.__init__(self)",
            "(self, units, **kwargs)",
            "tf.keras.layers.Layer.__init__(self, **kwargs)",
        ),
    ],
)
def test_init_accepts_and_forwards_kwargs(signature, call, expected_signature, expected_call):
    result = migrate(f"""
        class Block(tf.keras.layers.Layer):
            def __init__{signature}:
                {call}
        """)
    init = method(result, "Block", "__init__")
    assert init.startswith(f"def __init__{expected_signature}:"), init
    assert expected_call in init
    assert fixed(result, "init-kwargs")


def test_a_multiline_signature_keeps_its_layout():
    result = migrate("""
        class Block(tf.keras.layers.Layer):
            def __init__(
                self,
                filters,
                kernel_size=3,
            ):
                super().__init__()
        """)
    assert "        kernel_size=3,\n        **kwargs,\n    ):" in result.migrated


def test_a_base_argument_computed_from_others_is_reported():
    result = migrate("""
        class Block(tf.keras.layers.Layer):
            def __init__(self, prefix):
                super().__init__(name=prefix + "_block")
        """)
    [finding] = left(result, "init-kwargs")
    assert "name" in finding.message and "twice" in finding.message
    assert "def __init__(self, prefix):" in result.migrated


def test_positional_add_weight_gets_keywords():
    result = migrate("""
        class Dense(tf.keras.layers.Layer):
          def build(self, input_shape):
            self.kernel = self.add_weight("kernel",
                                          shape=[int(input_shape[-1]), 4])
            self.bias = self.add_weight("bias", (4,), tf.float32, "zeros", use_resource=True)
        """)
    build = method(result, "Dense", "build")
    assert 'self.add_weight(name="kernel",\n' in build  # the rest of the layout is kept
    flat = " ".join(build.split()).replace("( ", "(").replace(" )", ")")
    assert 'self.add_weight(name="bias", shape=(4,), dtype=tf.float32, initializer="zeros")' in flat


def test_keras_3_positional_add_weight_is_left_as_it_is():
    source = HEADER + textwrap.dedent("""\
        @tf.keras.utils.register_keras_serializable(package="p")
        class Dense(tf.keras.layers.Layer):
            def build(self, input_shape):
                self.kernel = self.add_weight((input_shape[-1], 4), "zeros")
        """)
    result = migrate_source(source, "layers", "layers.py")
    assert result.migrated == source


# -- get_config, registration --------------------------------------------------------------


def test_get_config_is_generated_from_the_constructor():
    result = migrate("""
        class Dense(tf.keras.layers.Layer):
            def __init__(self, units, activation=None, kernel_initializer="glorot_uniform", use_bias=True):
                super().__init__()
                self.units = units
                self.activation = tf.keras.activations.get(activation)
                self._initializer = tf.keras.initializers.get(kernel_initializer)
        """)
    config = method(result, "Dense", "get_config")
    assert '"units": self.units' in config
    assert '"activation": keras.activations.serialize(self.activation)' in config
    assert '"kernel_initializer": keras.initializers.serialize(self._initializer)' in config
    assert '"use_bias": self.use_bias' in config  # not kept before: now stored
    assert "self.use_bias = use_bias" in method(result, "Dense", "__init__")
    assert "config = super().get_config()" in config and config.rstrip().endswith("return config")


def test_a_callable_argument_is_serialized_and_read_back():
    result = migrate("""
        class Apply(tf.keras.layers.Layer):
            def __init__(self, fn=tf.nn.relu):
                super().__init__()
                self.fn = fn

            def call(self, inputs):
                return self.fn(inputs)
        """)
    assert '"fn": keras.saving.serialize_keras_object(self.fn)' in method(
        result, "Apply", "get_config"
    )
    from_config = method(result, "Apply", "from_config")
    assert 'config["fn"] = keras.saving.deserialize_keras_object(config["fn"])' in from_config
    assert "return cls(**config)" in from_config


@pytest.mark.parametrize(
    "get_config, expected",
    [
        (
            """
            def get_config(self):
                config = {'units': self.units}
                base_config = super(Dense, self).get_config()
                return dict(list(base_config.items()) + list(config.items()))
            """,
            """config = {'units': self.units, "rate": self.rate}""",
        ),
        (
            """
            def get_config(self):
                config = super().get_config()
                config.update({
                    "units": self.units,
                })
                return config
            """,
            '"units": self.units,\n            "rate": self.rate,\n        })',
        ),
        (
            """
            def get_config(self):
                return super().get_config()
            """,
            'return {**super().get_config(), "units": self.units, "rate": self.rate}',
        ),
    ],
)
def test_an_incomplete_get_config_is_completed_in_its_own_shape(get_config, expected):
    result = migrate(
        with_methods(
            """
            class Dense(tf.keras.layers.Layer):
                def __init__(self, units, rate=0.1, **kwargs):
                    super().__init__(**kwargs)
                    self.units = units
                    self.rate = rate
            """,
            get_config,
        )
    )
    assert expected in result.migrated, result.migrated
    assert fixed(result, "config")


def test_an_argument_the_tool_cannot_recover_blocks_a_partial_get_config():
    result = migrate("""
        class Window(tf.keras.layers.Layer):
            def __init__(self, size, shift=0, **kwargs):
                super().__init__(**kwargs)
                self.size = size
                self.shift = shift
                if size < 4:
                    self.shift = 0
        """)
    assert "get_config" not in result.migrated
    messages = [f.message for f in left(result, "config")]
    assert any("`shift`" in m and "holds something else" in m for m in messages)
    assert any("not generated" in m for m in messages)


@pytest.mark.parametrize(
    "header, decorator",
    [
        ("import tensorflow as tf\n\n\n", "@keras.saving.register_keras_serializable(package="),
        (
            "import keras\nimport tensorflow as tf\n\n\n",
            "@keras.saving.register_keras_serializable(package=",
        ),
        # tf.keras's namespace has no `saving`: its `utils` holds the same function
        (
            "import tensorflow as tf\nfrom tensorflow import keras\n\n\n",
            "@keras.utils.register_keras_serializable(package=",
        ),
    ],
)
def test_unregistered_layers_are_registered_under_the_module(header, decorator):
    result = migrate(
        """
        class Scale(tf.keras.layers.Layer):
            pass
        """,
        header=header,
        package="project.layers",
    )
    assert f'{decorator}"project.layers")\nclass Scale(' in result.migrated
    assert result.migrated.count("import keras") == 1 or "from tensorflow import keras" in header


@pytest.mark.parametrize(
    "registration",
    [
        '@tf.keras.utils.register_keras_serializable(package="p")\nclass Scale(tf.keras.layers.Layer):\n    pass\n',
        'register = tf.keras.utils.register_keras_serializable(package="p")\n\n\n@register\nclass Scale(tf.keras.layers.Layer):\n    pass\n',
        'class Scale(tf.keras.layers.Layer):\n    pass\n\n\ntf.keras.utils.get_custom_objects()["Scale"] = Scale\n',
    ],
)
def test_registered_layers_are_not_registered_again(registration):
    result = migrate_source(HEADER + registration, "layers", "layers.py")
    assert result.migrated == HEADER + registration


def test_a_layer_defined_in_a_function_is_reported_not_registered():
    result = migrate("""
        def make():
            class Inner(tf.keras.layers.Layer):
                pass
            return Inner
        """)
    assert "register_keras_serializable" not in result.migrated
    assert "inside a function" in left(result, "registered")[0].message


def test_keras_bound_to_something_else_is_reported():
    result = migrate(
        """
        class Scale(tf.keras.layers.Layer):
            pass
        """,
        header="import tensorflow as tf\nimport tf_keras as keras\n\n\n",
    )
    assert "tf_keras" in left(result, "registered")[0].message


# -- composite layers, dtype policy, call() ------------------------------------------------


def test_the_tutorial_conv_bn_relu_composite():
    result = migrate("""
        class Conv_Bn_ReLU(tf.keras.layers.Layer):
            def __init__(self, filters, kernel_size=3, strides=1):
                super(Conv_Bn_ReLU, self).__init__(dynamic=True)
                self.conv = tf.keras.layers.Conv2D(filters, kernel_size, strides, padding="same")
                self.bn = tf.keras.layers.BatchNormalization()

            def call(self, x, training=False):
                x = self.conv(x)
                x = self.bn(x, training=training)
                return tf.nn.relu(x)
        """)
    assert method(result, "Conv_Bn_ReLU", "build") == (
        "def build(self, input_shape):\n"
        "        self.conv.build(input_shape)\n"
        "        shape = self.conv.compute_output_shape(input_shape)\n"
        "        self.bn.build(shape)"
    )
    init = method(result, "Conv_Bn_ReLU", "__init__")
    assert "BatchNormalization(dtype=self.dtype_policy)" in init
    assert 'padding="same", dtype=self.dtype_policy' in init
    assert {f.rewrite for f in result.findings if f.status == "fixed"} == {
        "no-dynamic",
        "init-kwargs",
        "config",
        "registered",
        "composite-build",
        "dtype-policy",
    }
    assert not [f for f in result.findings if f.status == "left"]


def test_branches_are_built_from_the_shape_each_receives():
    result = migrate("""
        class Heads(tf.keras.layers.Layer):
            def __init__(self):
                super().__init__()
                self.trunk = tf.keras.layers.Dense(8)
                self.side = tf.keras.layers.Dense(8)
                self.mean = tf.keras.layers.Dense(2)
                self.attention = tf.keras.layers.MultiHeadAttention(num_heads=2, key_dim=4)
                self.embedding = tf.keras.layers.Embedding(10, 8)

            def call(self, inputs):
                x = self.trunk(inputs)
                y = self.side(inputs)
                positions = tf.range(tf.shape(inputs)[1])
                return self.mean(x) + self.attention(y, y) + self.embedding(positions)
        """)
    build = method(result, "Heads", "build")
    assert "trunk_shape = self.trunk.compute_output_shape(input_shape)" in build
    assert "side_shape = self.side.compute_output_shape(input_shape)" in build
    assert "self.mean.build(trunk_shape)" in build
    assert "self.attention.build(side_shape, side_shape)" in build
    assert "self.embedding.build()" in build  # its weights do not depend on the input


def test_residual_connections_are_followed_by_keras_shape_rules():
    result = migrate("""
        class TransformerBlock(tf.keras.layers.Layer):
            def __init__(self, embed_dim, num_heads, ff_dim):
                super().__init__()
                self.att = tf.keras.layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
                self.ffn = tf.keras.Sequential(
                    [tf.keras.layers.Dense(ff_dim, activation="relu"), tf.keras.layers.Dense(embed_dim)]
                )
                self.norm1 = tf.keras.layers.LayerNormalization()
                self.norm2 = tf.keras.layers.LayerNormalization()

            def call(self, inputs):
                out1 = self.norm1(inputs + self.att(inputs, inputs))
                return self.norm2(out1 + self.ffn(out1))
        """)
    assert method(result, "TransformerBlock", "build") == (
        "def build(self, input_shape):\n"
        "        self.att.build(input_shape, input_shape)\n"
        "        self.norm1.build(input_shape)\n"  # attention and normalization keep the shape
        "        self.ffn.build(input_shape)\n"
        "        shape = self.ffn.compute_output_shape(input_shape)\n"
        "        shape = (keras.KerasTensor(input_shape) + keras.KerasTensor(shape)).shape\n"
        "        self.norm2.build(shape)"
    )


@pytest.mark.parametrize(
    "call, why",
    [
        (
            """
            def call(self, inputs):
                if inputs.shape[-1] > 4:
                    inputs = self.a(inputs)
                return self.b(inputs)
            """,
            "self.a(...) inside a `if` block",
        ),
        (
            """
            def call(self, inputs):
                return self.b(tf.reshape(self.a(inputs), (-1, 4)))
            """,
            "shape reaching self.b",
        ),
        (
            """
            def call(self, inputs):
                return self.b(self.helper(inputs))
            """,
            "self.helper",
        ),
    ],
)
def test_a_call_the_tool_cannot_follow_is_reported_without_a_build(call, why):
    result = migrate(
        with_methods(
            """
            class Block(tf.keras.layers.Layer):
                def __init__(self, **kwargs):
                    super().__init__(**kwargs)
                    self.a = tf.keras.layers.Dense(4, dtype=self.dtype_policy)
                    self.b = tf.keras.layers.Dense(4, dtype=self.dtype_policy)
            """,
            call,
        )
    )
    assert "def build" not in result.migrated
    [finding] = left(result, "composite-build")
    assert why in finding.message


def test_a_build_that_builds_no_sublayer_builds_them_first():
    result = migrate("""
        class Mixed(tf.keras.layers.Layer):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                self.dense = tf.keras.layers.Dense(1, dtype=self.dtype_policy)

            def build(self, input_shape):
                \"\"\"Creates the scale.\"\"\"
                self.scale = self.add_weight(name="scale", shape=(1,))

            def call(self, inputs):
                return self.dense(inputs) * self.scale
        """)
    build = method(result, "Mixed", "build")
    assert build.index('"""Creates the scale."""') < build.index("self.dense.build(input_shape)")
    assert build.index("self.dense.build(input_shape)") < build.index("self.scale = ")


def test_sublayers_of_the_module_are_built_by_tracing_when_they_declare_no_shape():
    result = migrate("""
        class Linear(tf.keras.layers.Layer):
            def __init__(self, units=32):
                super().__init__()
                self.units = units

            def build(self, input_shape):
                self.w = self.add_weight(name="w", shape=(input_shape[-1], self.units))

            def call(self, inputs):
                return tf.matmul(inputs, self.w)


        class MLPBlock(tf.keras.layers.Layer):
            def __init__(self):
                super().__init__()
                self.linear_1 = Linear(32)
                self.linear_2 = Linear(1)

            def call(self, inputs):
                x = tf.nn.relu(self.linear_1(inputs))
                return self.linear_2(x)
        """)
    build = method(result, "MLPBlock", "build")
    assert (
        "shape = self.linear_1.compute_output_spec(keras.KerasTensor(input_shape)).shape" in build
    )
    assert "Linear(32, dtype=self.dtype_policy)" in result.migrated  # it forwards **kwargs now


def test_sublayers_made_in_call_or_with_unknown_kwargs_are_reported():
    result = migrate("""
        class Late(tf.keras.layers.Layer):
            def __init__(self, options, **kwargs):
                super().__init__(**kwargs)
                self.options = options
                self.dense = tf.keras.layers.Dense(4, **options)

            def call(self, inputs):
                return tf.keras.layers.Dense(4)(inputs)
        """)
    messages = [f.message for f in left(result, "dtype-policy")]
    assert any("created in call()" in m for m in messages)
    assert any("Dense(**...)" in m for m in messages)
    assert "dtype=self.dtype_policy" not in result.migrated


def test_required_training_argument_gets_a_default():
    result = migrate("""
        class Block(tf.keras.layers.Layer):
            def call(self, inputs, training, mask=None):
                return inputs
        """)
    assert "def call(self, inputs, training=None, mask=None):" in result.migrated
