"""Correct layers of the shapes that checkers have wrongly flagged: each must
pass every check. The layers in TENSORFLOW_ONLY use TensorFlow directly; every
other layer runs on any Keras backend."""

import math

import keras
import numpy as np
from keras import ops

register = keras.saving.register_keras_serializable(package="sound")


@register
class Float32Softmax(keras.layers.Layer):
    """Logits under the layer's policy, probabilities pinned to float32 on purpose
    (as the mixed-precision guide advises for a model's last activation)."""

    def __init__(self, units=4, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.dense = keras.layers.Dense(units, dtype=self.dtype_policy)
        self.softmax = keras.layers.Activation("softmax", dtype="float32")

    def build(self, input_shape):
        self.dense.build(input_shape)
        self.softmax.build(self.dense.compute_output_shape(input_shape))

    def call(self, inputs):
        return self.softmax(self.dense(inputs))

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


@register
class ExplicitBaseArguments(keras.layers.Layer):
    """Takes name, dtype and trainable explicitly (no **kwargs) and passes them on."""

    def __init__(self, scale=2.0, name=None, dtype=None, trainable=True):
        super().__init__(name=name, dtype=dtype, trainable=trainable)
        self.scale = scale

    def call(self, inputs):
        return inputs * self.scale

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}


@register
class TokenEmbedding(keras.layers.Layer):
    """A lookup table read with `take`: TensorFlow's gradient is sparse (IndexedSlices)."""

    def __init__(self, vocab_size=20, output_dim=8, **kwargs):
        super().__init__(**kwargs)
        self.vocab_size = vocab_size
        self.output_dim = output_dim

    def build(self, input_shape):
        self.embeddings = self.add_weight(
            name="embeddings", shape=(self.vocab_size, self.output_dim)
        )

    def call(self, inputs):
        return ops.take(self.embeddings, ops.cast(inputs, "int32"), axis=0)

    def compute_output_shape(self, input_shape):
        return (*input_shape, self.output_dim)

    def get_config(self):
        return {
            **super().get_config(),
            "vocab_size": self.vocab_size,
            "output_dim": self.output_dim,
        }


@register
class TokenAndPosition(keras.layers.Layer):
    """Keras Embedding sublayers, built explicitly: sparse gradients through a sublayer."""

    def __init__(self, vocab_size=20, max_length=8, output_dim=8, **kwargs):
        super().__init__(**kwargs)
        self.vocab_size = vocab_size
        self.max_length = max_length
        self.output_dim = output_dim
        self.tokens = keras.layers.Embedding(vocab_size, output_dim, dtype=self.dtype_policy)
        self.positions = keras.layers.Embedding(max_length, output_dim, dtype=self.dtype_policy)

    def build(self, input_shape):
        self.tokens.build(input_shape)
        self.positions.build((input_shape[-1],))

    def call(self, inputs):
        positions = ops.arange(ops.shape(inputs)[-1])
        return self.tokens(inputs) + self.positions(positions)

    def compute_output_shape(self, input_shape):
        return (*input_shape, self.output_dim)

    def get_config(self):
        return {
            **super().get_config(),
            "vocab_size": self.vocab_size,
            "max_length": self.max_length,
            "output_dim": self.output_dim,
        }


def sinusoids(length, depth):
    positions = np.arange(length)[:, None]
    rates = 1 / np.power(10000, (2 * (np.arange(depth)[None, :] // 2)) / depth)
    angles = positions * rates
    return np.where(np.arange(depth) % 2 == 0, np.sin(angles), np.cos(angles)).astype("float32")


@register
class SinusoidalPositions(keras.layers.Layer):
    """Non-trainable state recomputed in build(): never trained, and rightly so."""

    def build(self, input_shape):
        self.table = self.add_weight(
            name="table", shape=tuple(input_shape[1:]), initializer="zeros", trainable=False
        )
        self.table.assign(sinusoids(*input_shape[1:]))

    def call(self, inputs):
        return inputs + ops.cast(self.table, inputs.dtype)


@register
class RecordsInputSize(keras.layers.Layer):
    """Learns the input size in build() and records it in its config: a built layer's
    config differs from an unbuilt one's, and the round trip is still exact."""

    def __init__(self, units=4, input_size=None, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.input_size = input_size

    def build(self, input_shape):
        self.input_size = int(input_shape[-1])
        self.kernel = self.add_weight(name="kernel", shape=(self.input_size, self.units))

    def call(self, inputs):
        return ops.matmul(inputs, self.kernel)

    def get_config(self):
        return {**super().get_config(), "units": self.units, "input_size": self.input_size}


@register
class AliasArguments(keras.layers.Layer):
    """`num_units` is an older spelling of `units`: None by default, not in the config."""

    def __init__(self, units=4, num_units=None, **kwargs):
        super().__init__(**kwargs)
        self.units = num_units if num_units is not None else units

    def build(self, input_shape):
        self.kernel = self.add_weight(name="kernel", shape=(input_shape[-1], self.units))

    def call(self, inputs):
        return ops.matmul(inputs, self.kernel)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


@register
class Linear(keras.layers.Layer):
    """Keras's guide's `Linear` (weights in __init__, no build()), with **kwargs,
    registration and a config: built-after-init has nothing to report."""

    def __init__(self, units=32, input_dim=32, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.input_dim = input_dim
        self.w = self.add_weight(
            shape=(input_dim, units), initializer="random_normal", trainable=True
        )
        self.b = self.add_weight(shape=(units,), initializer="zeros", trainable=True)

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b

    def get_config(self):
        return {**super().get_config(), "units": self.units, "input_dim": self.input_dim}


@register
class ReZeroResidual(keras.layers.Layer):
    """`x + alpha * f(x)` with alpha starting at zero: f's weights get no gradient
    at initialisation, and train as soon as alpha moves."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.inner = keras.layers.Dense(16, dtype=self.dtype_policy)

    def build(self, input_shape):
        self.inner.build(input_shape)
        self.alpha = self.add_weight(name="alpha", shape=(), initializer="zeros")

    def call(self, inputs):
        return inputs + self.alpha * self.inner(inputs)


@register
class GaussianSampling(keras.layers.Layer):
    """The VAE sampling layer: random at inference by design. The noise takes the
    inputs' dtype, so it also runs under mixed precision."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(1337)

    def call(self, inputs):
        mean, log_var = inputs
        epsilon = keras.random.normal(ops.shape(mean), dtype=mean.dtype, seed=self.seed_generator)
        return mean + ops.exp(0.5 * log_var) * epsilon


@register
class MaskedMean(keras.layers.Layer):
    """Averages a sequence over the steps a mask marks: a call keyword argument."""

    def call(self, inputs, mask=None):
        if mask is None:
            return ops.mean(inputs, axis=1)
        weights = ops.expand_dims(ops.cast(mask, inputs.dtype), -1)
        return ops.sum(inputs * weights, axis=1) / ops.maximum(ops.sum(weights, axis=1), 1.0)


@register
class RawConstantTable(keras.layers.Layer):
    """A TF 2.x idiom: a non-trainable tf.Variable recomputed in build(). Keras
    does not track it, but nothing is lost: build() makes the same value again."""

    def build(self, input_shape):
        import tensorflow as tf

        steps, depth = input_shape[1:]
        self.table = tf.Variable(sinusoids(steps, depth), trainable=False)

    def call(self, inputs):
        return inputs + self.table


EXPECTED = {
    name: set()
    for name in [
        "Float32Softmax",
        "ExplicitBaseArguments",
        "TokenEmbedding",
        "TokenAndPosition",
        "SinusoidalPositions",
        "RecordsInputSize",
        "AliasArguments",
        "Linear",
        "ReZeroResidual",
        "GaussianSampling",
        "MaskedMean",
        "RawConstantTable",
    ]
}

TENSORFLOW_ONLY = {"RawConstantTable"}
