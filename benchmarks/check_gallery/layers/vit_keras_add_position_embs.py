# Source: https://github.com/faustomorales/vit-keras
# Path: vit_keras/layers.py
# Commit: 03246ff65147011b38d180e8f4e561e6e402ca51
# Licence: Apache-2.0 (Copyright 2020 Fausto Morales; LICENSE at the repository root)
# Changes: the module's `import tensorflow_addons as tfa` left out (only its
#          TransformerBlock uses it); the class verbatim.

# pylint: disable=arguments-differ,missing-function-docstring,missing-class-docstring

import tensorflow as tf


class AddPositionEmbs(tf.keras.layers.Layer):
    """Adds (optionally learned) positional embeddings to the inputs."""

    def build(self, input_shape):
        assert (
            len(input_shape) == 3
        ), f"Number of dimensions should be 3, got {len(input_shape)}"
        self.pe = tf.Variable(
            name="pos_embedding",
            initial_value=tf.random_normal_initializer(stddev=0.06)(
                shape=(1, input_shape[1], input_shape[2])
            ),
            dtype="float32",
            trainable=True,
        )

    def call(self, inputs):
        return inputs + tf.cast(self.pe, dtype=inputs.dtype)
