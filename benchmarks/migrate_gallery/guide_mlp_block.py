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


class MLPBlock(keras.layers.Layer):
    def __init__(self):
        super(MLPBlock, self).__init__()
        self.linear_1 = Linear(32)
        self.linear_2 = Linear(32)
        self.linear_3 = Linear(1)

    def call(self, inputs):
        x = self.linear_1(inputs)
        x = tf.nn.relu(x)
        x = self.linear_2(x)
        x = tf.nn.relu(x)
        return self.linear_3(x)
