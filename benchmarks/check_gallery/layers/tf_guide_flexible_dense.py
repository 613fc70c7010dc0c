# Source: https://github.com/tensorflow/docs
# Path: site/en/guide/intro_to_modules.ipynb (code cell "4YTfrlgdsURp")
# Commit: 05122216a68d6df2f6d19af888a21f38ebda69f6
# Licence: Apache-2.0 (the notebook's code licence notice)
# Changes: the notebook's `import tensorflow as tf`; the class verbatim
#          (the cell's demo line `flexible_dense = FlexibleDense(out_features=3)` left out).

import tensorflow as tf


class FlexibleDense(tf.keras.layers.Layer):
  # Note the added `**kwargs`, as Keras supports many arguments
  def __init__(self, out_features, **kwargs):
    super().__init__(**kwargs)
    self.out_features = out_features

  def build(self, input_shape):  # Create the state of the layer (weights)
    self.w = tf.Variable(
      tf.random.normal([input_shape[-1], self.out_features]), name='w')
    self.b = tf.Variable(tf.zeros([self.out_features]), name='b')

  def call(self, inputs):  # Defines the computation from inputs to outputs
    return tf.matmul(inputs, self.w) + self.b
