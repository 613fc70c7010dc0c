# Source: keras-team/keras, keras/engine/base_layer.py (the Layer docstring's example)
#   commit 2193776927533e6f91f521dce0f80a03853ac224
#   https://github.com/keras-team/keras/blob/2193776927533e6f91f521dce0f80a03853ac224/keras/engine/base_layer.py
# Licence: Apache License 2.0, Copyright 2015 The TensorFlow Authors.
# Adapted: imports only; the class is verbatim (its docstring indentation included).
import tensorflow as tf
from tensorflow.keras.layers import Layer


class SimpleDense(Layer):

    def __init__(self, units=32):
        super(SimpleDense, self).__init__()
        self.units = units

    def build(self, input_shape):  # Create the state of the layer (weights)
        w_init = tf.random_normal_initializer()
        self.w = tf.Variable(
            initial_value=w_init(shape=(input_shape[-1], self.units), dtype="float32"),
            trainable=True,
        )
        b_init = tf.zeros_initializer()
        self.b = tf.Variable(
            initial_value=b_init(shape=(self.units,), dtype="float32"), trainable=True
        )

    def call(self, inputs):  # Defines the computation from inputs to outputs
        return tf.matmul(inputs, self.w) + self.b
