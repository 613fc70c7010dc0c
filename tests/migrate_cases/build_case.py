"""The TF 2.0 tutorial's composite: no build(), no **kwargs, dynamic=True."""

import tensorflow as tf


class Conv_Bn_ReLU(tf.keras.layers.Layer):
    def __init__(self, filters=4, kernel_size=3, strides=1):
        super(Conv_Bn_ReLU, self).__init__(dynamic=True)
        self.conv = tf.keras.layers.Conv2D(filters, kernel_size, strides, padding="same")
        self.bn = tf.keras.layers.BatchNormalization()

    def call(self, x, training=False):
        x = self.conv(x)
        x = self.bn(x, training=training)
        return tf.nn.relu(x)
