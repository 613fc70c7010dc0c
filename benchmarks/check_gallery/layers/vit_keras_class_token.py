# Source: https://github.com/faustomorales/vit-keras
# Path: vit_keras/layers.py
# Commit: 03246ff65147011b38d180e8f4e561e6e402ca51
# Licence: Apache-2.0 (Copyright 2020 Fausto Morales; LICENSE at the repository root)
# Changes: the module's `import tensorflow_addons as tfa` left out (only its
#          TransformerBlock uses it); the class verbatim.

# pylint: disable=arguments-differ,missing-function-docstring,missing-class-docstring

import tensorflow as tf


class ClassToken(tf.keras.layers.Layer):
    """Append a class token to an input layer."""

    def build(self, input_shape):
        cls_init = tf.zeros_initializer()
        self.hidden_size = input_shape[-1]
        self.cls = tf.Variable(
            name="cls",
            initial_value=cls_init(shape=(1, 1, self.hidden_size), dtype="float32"),
            trainable=True,
        )

    def call(self, inputs):
        batch_size = tf.shape(inputs)[0]
        cls_broadcasted = tf.cast(tf.broadcast_to(self.cls, [batch_size, 1, self.hidden_size]), dtype=inputs.dtype)
        return tf.concat([cls_broadcasted, inputs], 1)
