# Source: https://github.com/keras-team/keras-io
# Path: examples/generative/vae.py (TF 2.x-era version)
# Commit: 09e02e17d5cbf21ecf8a47f10d91587f963fc80a
# Licence: Apache-2.0 (keras-io)
# Changes: none; the class and the example's imports it uses, verbatim.

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers


class Sampling(layers.Layer):
    """Uses (z_mean, z_log_var) to sample z, the vector encoding a digit."""

    def call(self, inputs):
        z_mean, z_log_var = inputs
        batch = tf.shape(z_mean)[0]
        dim = tf.shape(z_mean)[1]
        epsilon = tf.keras.backend.random_normal(shape=(batch, dim))
        return z_mean + tf.exp(0.5 * z_log_var) * epsilon
