"""call() that requires `training`, which Keras 2 always passed."""

import tensorflow as tf


class RequiredTraining(tf.keras.layers.Layer):
    def __init__(self, rate=0.5, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate

    def build(self, input_shape):
        self.scale = self.add_weight(name="scale", shape=(input_shape[-1],), initializer="ones")

    def call(self, inputs, training):
        outputs = inputs * self.scale
        if training:
            outputs = tf.nn.dropout(outputs, rate=self.rate)
        return outputs

    def get_config(self):
        return {**super().get_config(), "rate": self.rate}
