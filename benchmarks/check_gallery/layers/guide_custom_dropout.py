# Source: https://github.com/keras-team/keras-io
# Path: guides/making_new_layers_and_models_via_subclassing.py
# Commit: 175a5e441aee7e228bfa9100bab65c2dae303273
# Licence: Apache-2.0 (keras-io)
# Changes: none; the class and the guide's imports it uses, verbatim.

import tensorflow as tf
from tensorflow import keras


class CustomDropout(keras.layers.Layer):
    def __init__(self, rate, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate

    def call(self, inputs, training=False):
        if training:
            return tf.nn.dropout(inputs, rate=self.rate)
        return inputs
