# Source: tensorflow/docs, site/en/guide/keras/custom_layers_and_models.ipynb
#   commit e9aee83d8d1070b02d151d8459323af578dcfcc6
#   https://github.com/tensorflow/docs/blob/e9aee83d8d1070b02d151d8459323af578dcfcc6/site/en/guide/keras/custom_layers_and_models.ipynb
# Licence: Apache License 2.0, Copyright 2020 The TensorFlow Authors.
# Adapted: imports only (the notebook's setup cell); the classes are verbatim.
import tensorflow as tf
from tensorflow import keras


class Linear(keras.layers.Layer):
    def __init__(self, units=32):
        super(Linear, self).__init__()
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(
            shape=(input_shape[-1], self.units),
            initializer="random_normal",
            trainable=True,
        )
        self.b = self.add_weight(shape=(self.units,), initializer="random_normal", trainable=True)

    def call(self, inputs):
        return tf.matmul(inputs, self.w) + self.b

    def get_config(self):
        return {"units": self.units}


class CustomDropout(keras.layers.Layer):
    def __init__(self, rate, **kwargs):
        super(CustomDropout, self).__init__(**kwargs)
        self.rate = rate

    def call(self, inputs, training=None):
        if training:
            return tf.nn.dropout(inputs, rate=self.rate)
        return inputs
