# Source: tensorflow/docs, site/en/guide/keras/custom_layers_and_models.ipynb
#   commit e9aee83d8d1070b02d151d8459323af578dcfcc6
#   https://github.com/tensorflow/docs/blob/e9aee83d8d1070b02d151d8459323af578dcfcc6/site/en/guide/keras/custom_layers_and_models.ipynb
# Licence: Apache License 2.0, Copyright 2020 The TensorFlow Authors.
# Adapted: imports only (the notebook's setup cell); the classes are verbatim.
import tensorflow as tf
from tensorflow import keras


# A layer that creates an activity regularization loss
class ActivityRegularizationLayer(keras.layers.Layer):
    def __init__(self, rate=1e-2):
        super(ActivityRegularizationLayer, self).__init__()
        self.rate = rate

    def call(self, inputs):
        self.add_loss(self.rate * tf.reduce_sum(inputs))
        return inputs


class OuterLayer(keras.layers.Layer):
    def __init__(self):
        super(OuterLayer, self).__init__()
        self.activity_reg = ActivityRegularizationLayer(1e-2)

    def call(self, inputs):
        return self.activity_reg(inputs)


class OuterLayerWithKernelRegularizer(keras.layers.Layer):
    def __init__(self):
        super(OuterLayerWithKernelRegularizer, self).__init__()
        self.dense = keras.layers.Dense(32, kernel_regularizer=tf.keras.regularizers.l2(1e-3))

    def call(self, inputs):
        return self.dense(inputs)
