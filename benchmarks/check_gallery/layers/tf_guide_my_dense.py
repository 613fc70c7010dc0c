# Source: https://github.com/tensorflow/docs
# Path: site/en/guide/intro_to_modules.ipynb (code cell "88YOGquhnQRd")
# Commit: 05122216a68d6df2f6d19af888a21f38ebda69f6
# Licence: Apache-2.0 (the notebook's code licence notice)
# Changes: the notebook's `import tensorflow as tf`; the class verbatim
#          (the cell's demo line `simple_layer = MyDense(...)` left out).

import tensorflow as tf


class MyDense(tf.keras.layers.Layer):
  # Adding **kwargs to support base Keras layer arguments
  def __init__(self, in_features, out_features, **kwargs):
    super().__init__(**kwargs)

    # This will soon move to the build step; see below
    self.w = tf.Variable(
      tf.random.normal([in_features, out_features]), name='w')
    self.b = tf.Variable(tf.zeros([out_features]), name='b')
  def call(self, x):
    y = tf.matmul(x, self.w) + self.b
    return tf.nn.relu(y)
