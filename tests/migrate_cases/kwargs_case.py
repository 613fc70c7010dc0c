"""__init__ without **kwargs, and a name fixed in the call to the base class."""

import tensorflow as tf


class NoKwargs(tf.keras.layers.Layer):
    def __init__(self, units=4):
        super(NoKwargs, self).__init__(name="no_kwargs")
        self.units = units

    def build(self, input_shape):
        self.kernel = self.add_weight(
            name="kernel", shape=(input_shape[-1], self.units), initializer="glorot_uniform"
        )

    def call(self, inputs):
        return tf.matmul(inputs, self.kernel)
