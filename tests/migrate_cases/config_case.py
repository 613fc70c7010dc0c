"""No get_config with non-JSON arguments, and an incomplete get_config."""

import tensorflow as tf


class CallableArgument(tf.keras.layers.Layer):
    def __init__(self, units=4, fn=tf.nn.relu, kernel_initializer="glorot_uniform"):
        super(CallableArgument, self).__init__()
        self.units = units
        self.fn = fn
        self.kernel_initializer = tf.keras.initializers.get(kernel_initializer)

    def build(self, input_shape):
        self.kernel = self.add_weight(
            name="kernel",
            shape=(input_shape[-1], self.units),
            initializer=self.kernel_initializer,
        )

    def call(self, inputs):
        return self.fn(tf.matmul(inputs, self.kernel))


class IncompleteConfig(tf.keras.layers.Layer):
    def __init__(self, units=4, rate=0.5, **kwargs):
        super(IncompleteConfig, self).__init__(**kwargs)
        self.units = units
        self.rate = rate

    def build(self, input_shape):
        self.kernel = self.add_weight(
            name="kernel", shape=(input_shape[-1], self.units), initializer="glorot_uniform"
        )

    def call(self, inputs, training=None):
        outputs = tf.matmul(inputs, self.kernel)
        if training:
            outputs = tf.nn.dropout(outputs, rate=self.rate)
        return outputs

    def get_config(self):
        config = {"units": self.units}
        base_config = super(IncompleteConfig, self).get_config()
        return dict(list(base_config.items()) + list(config.items()))
