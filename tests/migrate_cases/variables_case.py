"""Weights as raw tf.Variable attributes, in __init__ and in build()."""

import numpy as np
import tensorflow as tf


class InitVariables(tf.keras.layers.Layer):
    def __init__(self, units=4, input_dim=16):
        super(InitVariables, self).__init__()
        w_init = tf.random_normal_initializer()
        self.w = tf.Variable(
            initial_value=w_init(shape=(input_dim, units), dtype="float32"),
            trainable=True,
        )
        b_init = tf.zeros_initializer()
        self.b = tf.Variable(initial_value=b_init(shape=(units,), dtype="float32"), trainable=True)

    def call(self, inputs):
        return tf.matmul(inputs, self.w) + self.b


class BuildVariables(tf.keras.layers.Layer):
    def __init__(self, units=4):
        super(BuildVariables, self).__init__()
        self.units = units

    def build(self, input_shape):
        self.kernel = tf.Variable(tf.random.normal((input_shape[-1], self.units), stddev=0.1))
        self.scale = tf.Variable(tf.ones((self.units,)))
        offsets = np.linspace(-1.0, 1.0, self.units).astype("float32")
        self.offset = tf.Variable(offsets, trainable=False)

    def call(self, inputs):
        return tf.matmul(inputs, self.kernel) * self.scale + self.offset
