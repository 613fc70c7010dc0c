"""A gallery of custom layers, each carrying a pitfall that Keras 3 punishes
(TF 2.0-era idioms, and faults seen in real code). EXPECTED maps each class to
the checks `scaffold check` must fail. The layers in TENSORFLOW_ONLY hold raw
`tf.Variable`s; every other layer runs on any Keras backend."""

import keras
import numpy as np
from keras import ops

register = keras.saving.register_keras_serializable(package="gallery")


@register
class RawVariable(keras.layers.Layer):
    """The tutorial's `self.w = tf.Variable(...)`: never trained, never saved."""

    def build(self, input_shape):
        import tensorflow as tf

        self.w = tf.Variable(tf.ones((input_shape[-1],)), trainable=True)

    def call(self, inputs):
        return inputs * self.w


@register
class FixedRawVariable(keras.layers.Layer):
    """RawVariable, fixed: the weight comes from add_weight."""

    def build(self, input_shape):
        self.w = self.add_weight(name="w", shape=(input_shape[-1],), initializer="ones")

    def call(self, inputs):
        return inputs * self.w


@register
class Dynamic(keras.layers.Layer):
    """The tutorial's eager-only layer: `dynamic=True` is rejected by Keras 3."""

    def __init__(self, **kwargs):
        super().__init__(dynamic=True, **kwargs)

    def call(self, inputs):
        return inputs


class Unregistered(keras.layers.Layer):
    """Fine, except that a .keras file cannot find it again."""

    def build(self, input_shape):
        self.scale = self.add_weight(name="scale", shape=(input_shape[-1],), initializer="ones")

    def call(self, inputs):
        return inputs * self.scale


@register
class IncompleteConfig(keras.layers.Layer):
    """get_config forgets `units`: from_config builds a different layer."""

    def __init__(self, units=8, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.kernel = self.add_weight(name="kernel", shape=(input_shape[-1], self.units))

    def call(self, inputs):
        return ops.matmul(inputs, self.kernel)

    def get_config(self):
        return super().get_config()  # without "units"


@register
class CompositeWithoutBuild(keras.layers.Layer):
    """Sublayers, but no build(): they stay unbuilt and reloading loses their weights."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = keras.layers.Dense(8, activation="relu", dtype=self.dtype_policy)
        self.out = keras.layers.Dense(4, dtype=self.dtype_policy)

    def call(self, inputs):
        return self.out(self.hidden(inputs))


@register
class StrayDtype(keras.layers.Layer):
    """Builds its sublayer, but the sublayer ignores the layer's dtype policy."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = keras.layers.Dense(4)

    def build(self, input_shape):
        self.dense.build(input_shape)

    def call(self, inputs):
        return self.dense(inputs)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], 4)


@register
class InitNotBuilt(keras.layers.Layer):
    """Weights made in __init__, but the layer never says it is built: Keras runs
    build() on the first call, and build() makes a second set."""

    def __init__(self, input_dim=16, **kwargs):
        super().__init__(**kwargs)
        self.input_dim = input_dim
        self.scale = self.add_weight(name="scale", shape=(input_dim,), initializer="ones")

    def build(self, input_shape):
        self.scale = self.add_weight(name="scale", shape=(input_shape[-1],), initializer="ones")

    def call(self, inputs):
        return inputs * self.scale

    def get_config(self):
        return {**super().get_config(), "input_dim": self.input_dim}


@register
class DeadWeight(keras.layers.Layer):
    """A trainable weight that call() never uses: no gradient reaches it."""

    def build(self, input_shape):
        self.scale = self.add_weight(name="scale", shape=(input_shape[-1],), initializer="ones")
        self.unused = self.add_weight(name="unused", shape=(input_shape[-1],), initializer="zeros")

    def call(self, inputs):
        return inputs * self.scale


@register
class WrongOutputShape(keras.layers.Layer):
    """compute_output_shape disagrees with what call() returns."""

    def call(self, inputs):
        return ops.concatenate([inputs, inputs], axis=-1)

    def compute_output_shape(self, input_shape):
        return input_shape


@register
class StateOutsideWeights(keras.layers.Layer):
    """Random state kept in a numpy array: a reloaded model computes something else."""

    def build(self, input_shape):
        self.mask = np.random.default_rng().uniform(size=(input_shape[-1],)).astype("float32")

    def call(self, inputs):
        return inputs * self.mask


class RawVariableUnregistered(keras.layers.Layer):
    """Two pitfalls at once."""

    def build(self, input_shape):
        import tensorflow as tf

        self.w = tf.Variable(tf.ones((input_shape[-1],)))

    def call(self, inputs):
        return inputs * self.w


@register
class NoKwargs(keras.layers.Layer):
    """The most common fault in real code: __init__ without **kwargs."""

    def __init__(self, units=8):
        super().__init__()
        self.units = units

    def build(self, input_shape):
        self.kernel = self.add_weight(name="kernel", shape=(input_shape[-1], self.units))

    def call(self, inputs):
        return ops.matmul(inputs, self.kernel)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


@register
class DroppedKwargs(keras.layers.Layer):
    """Accepts **kwargs, then forgets to pass them on: name=, dtype= are ignored."""

    def __init__(self, **kwargs):
        super().__init__()

    def call(self, inputs):
        return inputs * 2.0


@register
class SublayerInCall(keras.layers.Layer):
    """Creates its Dense inside call(): new, untracked weights on every call."""

    def call(self, inputs):
        return keras.layers.Dense(4)(inputs)


@register
class SublayerAssignedInCall(keras.layers.Layer):
    """Creates and keeps its sublayer inside call(): Keras refuses new state then, so
    the layer cannot be called at all, on keras.Input neither."""

    def call(self, inputs):
        if not hasattr(self, "dense"):
            self.dense = keras.layers.Dense(4)
        return self.dense(inputs)


@register
class BuildForgetsSublayers(keras.layers.Layer):
    """Overrides build() for its own weight, but leaves its sublayer unbuilt."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = keras.layers.Dense(4, dtype=self.dtype_policy)

    def build(self, input_shape):
        self.scale = self.add_weight(name="scale", shape=(input_shape[-1],), initializer="ones")

    def call(self, inputs):
        return self.dense(inputs * self.scale)


@register
class SublayersMadeInBuild(keras.layers.Layer):
    """Creates its sublayers in build() without building them."""

    def build(self, input_shape):
        self.hidden = keras.layers.Dense(8, activation="relu", dtype=self.dtype_policy)
        self.out = keras.layers.Dense(4, dtype=self.dtype_policy)

    def call(self, inputs):
        return self.out(self.hidden(inputs))


@register
class HugeNegativeMask(keras.layers.Layer):
    """The attention-mask idiom `(1 - mask) * -1e9`: -1e9 overflows float16, and
    0 * -inf is NaN, so mixed precision gives NaNs."""

    def call(self, inputs):
        mask = ops.cast(inputs > 0, inputs.dtype)
        return inputs + (1.0 - mask) * -1e9


class GuideLinear(keras.layers.Layer):
    """Keras's guide's `Linear`, verbatim: weights in __init__ and no build() is
    fine (built-after-init passes), but without **kwargs or registration."""

    def __init__(self, units=32, input_dim=32):
        super().__init__()
        self.w = self.add_weight(
            shape=(input_dim, units),
            initializer="random_normal",
            trainable=True,
        )
        self.b = self.add_weight(shape=(units,), initializer="zeros", trainable=True)

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b


EXPECTED = {
    "RawVariable": {"tracked-variables"},
    "FixedRawVariable": set(),
    "Dynamic": {"no-dynamic"},
    "Unregistered": {"registered"},
    "IncompleteConfig": {"config"},
    "CompositeWithoutBuild": {"composite-build"},
    "StrayDtype": {"dtype-policy"},
    "InitNotBuilt": {"built-after-init"},
    "DeadWeight": {"gradients"},
    "WrongOutputShape": {"output-shape"},
    "StateOutsideWeights": {"keras-round-trip"},
    "RawVariableUnregistered": {"tracked-variables", "registered"},
    "NoKwargs": {"init-kwargs"},
    "DroppedKwargs": {"init-kwargs"},
    "SublayerInCall": {"training-step"},
    "SublayerAssignedInCall": {"training-step", "output-shape"},
    "BuildForgetsSublayers": {"composite-build"},
    "SublayersMadeInBuild": {"composite-build"},
    "HugeNegativeMask": {"mixed-precision"},
    "GuideLinear": {"init-kwargs", "registered"},
}

TENSORFLOW_ONLY = {"RawVariable", "RawVariableUnregistered"}
