# Source: tensorflow/docs, site/en/guide/keras/custom_layers_and_models.ipynb
#   commit e9aee83d8d1070b02d151d8459323af578dcfcc6
#   https://github.com/tensorflow/docs/blob/e9aee83d8d1070b02d151d8459323af578dcfcc6/site/en/guide/keras/custom_layers_and_models.ipynb
# Licence: Apache License 2.0, Copyright 2020 The TensorFlow Authors.
# Adapted: imports only (the notebook's setup and VAE cells); the class is verbatim.
# (The guide's Sampling, Encoder and VAE draw random numbers in call(): their
# outputs cannot be compared, so only the decoder is here.)
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers


class Decoder(layers.Layer):
    """Converts z, the encoded digit vector, back into a readable digit."""

    def __init__(self, original_dim, intermediate_dim=64, name="decoder", **kwargs):
        super(Decoder, self).__init__(name=name, **kwargs)
        self.dense_proj = layers.Dense(intermediate_dim, activation="relu")
        self.dense_output = layers.Dense(original_dim, activation="sigmoid")

    def call(self, inputs):
        x = self.dense_proj(inputs)
        return self.dense_output(x)
