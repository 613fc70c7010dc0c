# Source: https://github.com/keras-team/keras-io
# Path: guides/making_new_layers_and_models_via_subclassing.py (the first `Linear`)
# Commit: 175a5e441aee7e228bfa9100bab65c2dae303273
# Licence: Apache-2.0 (keras-io)
# Changes: none; the class and the guide's imports it uses, verbatim.

import tensorflow as tf
from tensorflow import keras


class Linear(keras.layers.Layer):
    def __init__(self, units=32, input_dim=32):
        super().__init__()
        self.w = self.add_weight(
            shape=(input_dim, units), initializer="random_normal", trainable=True
        )
        self.b = self.add_weight(shape=(units,), initializer="zeros", trainable=True)

    def call(self, inputs):
        return tf.matmul(inputs, self.w) + self.b
