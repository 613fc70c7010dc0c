# Source: tensorflow/docs, site/en/guide/keras/custom_layers_and_models.ipynb
#   commit e9aee83d8d1070b02d151d8459323af578dcfcc6
#   https://github.com/tensorflow/docs/blob/e9aee83d8d1070b02d151d8459323af578dcfcc6/site/en/guide/keras/custom_layers_and_models.ipynb
# Licence: Apache License 2.0, Copyright 2020 The TensorFlow Authors.
# Adapted: imports only (the notebook's setup cell); the classes are verbatim.
import tensorflow as tf
from tensorflow import keras


class Linear(keras.layers.Layer):
    def __init__(self, units=32, input_dim=32):
        super(Linear, self).__init__()
        w_init = tf.random_normal_initializer()
        self.w = tf.Variable(
            initial_value=w_init(shape=(input_dim, units), dtype="float32"),
            trainable=True,
        )
        b_init = tf.zeros_initializer()
        self.b = tf.Variable(initial_value=b_init(shape=(units,), dtype="float32"), trainable=True)

    def call(self, inputs):
        return tf.matmul(inputs, self.w) + self.b


class ComputeSum(keras.layers.Layer):
    def __init__(self, input_dim):
        super(ComputeSum, self).__init__()
        self.total = tf.Variable(initial_value=tf.zeros((input_dim,)), trainable=False)

    def call(self, inputs):
        self.total.assign_add(tf.reduce_sum(inputs, axis=0))
        return self.total
