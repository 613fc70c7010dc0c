"""An eager-only layer of TF 2.0: dynamic=True, which Keras 3 rejects."""

import tensorflow as tf


class EagerSquare(tf.keras.layers.Layer):
    def __init__(self, **kwargs):
        super(EagerSquare, self).__init__(dynamic=True, **kwargs)

    def build(self, input_shape):
        self.scale = self.add_weight(name="scale", shape=(input_shape[-1],), initializer="ones")

    def call(self, inputs):
        return tf.square(inputs) * self.scale
