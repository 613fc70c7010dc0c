# Source: https://github.com/keras-team/keras-io
# Path: examples/vision/image_classification_with_vision_transformer.py
# Commit: 07721306fc501d34bafa970491ede96f33f25a77
# Licence: Apache-2.0 (keras-io)
# Changes: none; the class and the example's imports it uses, verbatim.

import keras
from keras import layers
from keras import ops


class Patches(layers.Layer):
    def __init__(self, patch_size):
        super().__init__()
        self.patch_size = patch_size

    def call(self, images):
        input_shape = ops.shape(images)
        batch_size = input_shape[0]
        height = input_shape[1]
        width = input_shape[2]
        channels = input_shape[3]
        num_patches_h = height // self.patch_size
        num_patches_w = width // self.patch_size
        patches = keras.ops.image.extract_patches(images, size=self.patch_size)
        patches = ops.reshape(
            patches,
            (
                batch_size,
                num_patches_h * num_patches_w,
                self.patch_size * self.patch_size * channels,
            ),
        )
        return patches

    def get_config(self):
        config = super().get_config()
        config.update({"patch_size": self.patch_size})
        return config
