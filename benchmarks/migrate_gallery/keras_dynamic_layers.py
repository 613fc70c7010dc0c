# Source: tensorflow/tensorflow, tensorflow/python/keras/engine/base_layer_test.py
#   commit 8e17004f0bea29b701174fbdc7b7a2ad6a2fd21a
#   https://github.com/tensorflow/tensorflow/blob/8e17004f0bea29b701174fbdc7b7a2ad6a2fd21a/tensorflow/python/keras/engine/base_layer_test.py
# Licence: Apache License 2.0, Copyright 2018 The TensorFlow Authors.
# Adapted: imports only (base_layer is the public tf.keras.layers module, the
# ops modules are TensorFlow's own); the classes are verbatim.
from tensorflow.keras import layers as base_layer

# array_ops.stack moved to array_ops_stack in later TensorFlow releases.
from tensorflow.python.ops import array_ops_stack as array_ops
from tensorflow.python.ops import math_ops


class DynamicLayer1(base_layer.Layer):

    def __init__(self, dynamic=False, **kwargs):
        super(DynamicLayer1, self).__init__(dynamic=dynamic, **kwargs)

    def call(self, inputs):
        if math_ops.reduce_sum(inputs) > 0:
            return math_ops.sqrt(inputs)
        else:
            return math_ops.square(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape


class DynamicLayer2(base_layer.Layer):

    def __init__(self, dynamic=False, **kwargs):
        super(DynamicLayer2, self).__init__(dynamic=dynamic, **kwargs)

    def call(self, inputs):
        samples = []
        for sample in inputs:
            samples.append(math_ops.square(sample))
        return array_ops.stack(samples, axis=0)

    def compute_output_shape(self, input_shape):
        return input_shape
