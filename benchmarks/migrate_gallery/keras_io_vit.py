# Source: keras-team/keras-io, examples/vision/image_classification_with_vision_transformer.py
#   commit ef4cd453400aae442632ffdba260673ecc09500a
#   https://github.com/keras-team/keras-io/blob/ef4cd453400aae442632ffdba260673ecc09500a/examples/vision/image_classification_with_vision_transformer.py
# Licence: Apache License 2.0 (keras-io), author Khalid Salama.
# Adapted: imports only (the example's setup section, without tensorflow_addons,
# which these layers do not use); the classes are verbatim.
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers


class Patches(layers.Layer):
    def __init__(self, patch_size):
        super(Patches, self).__init__()
        self.patch_size = patch_size

    def call(self, images):
        batch_size = tf.shape(images)[0]
        patches = tf.image.extract_patches(
            images=images,
            sizes=[1, self.patch_size, self.patch_size, 1],
            strides=[1, self.patch_size, self.patch_size, 1],
            rates=[1, 1, 1, 1],
            padding="VALID",
        )
        patch_dims = patches.shape[-1]
        patches = tf.reshape(patches, [batch_size, -1, patch_dims])
        return patches


class PatchEncoder(layers.Layer):
    def __init__(self, num_patches, projection_dim):
        super(PatchEncoder, self).__init__()
        self.num_patches = num_patches
        self.projection = layers.Dense(units=projection_dim)
        self.position_embedding = layers.Embedding(input_dim=num_patches, output_dim=projection_dim)

    def call(self, patch):
        positions = tf.range(start=0, limit=self.num_patches, delta=1)
        encoded = self.projection(patch) + self.position_embedding(positions)
        return encoded
