"""A transformer block: attention and a feed-forward network with residual
connections, no build(), no **kwargs, and a `training` argument it requires."""

import tensorflow as tf


class ResidualBlock(tf.keras.layers.Layer):
    def __init__(self, embed_dim=8, num_heads=2, ff_dim=16, rate=0.1):
        super(ResidualBlock, self).__init__()
        self.att = tf.keras.layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
        self.ff1 = tf.keras.layers.Dense(ff_dim, activation="relu")
        self.ff2 = tf.keras.layers.Dense(embed_dim)
        self.norm1 = tf.keras.layers.LayerNormalization(epsilon=1e-6)
        self.norm2 = tf.keras.layers.LayerNormalization(epsilon=1e-6)
        self.dropout = tf.keras.layers.Dropout(rate)

    def call(self, inputs, training):
        attention = self.dropout(self.att(inputs, inputs), training=training)
        out1 = self.norm1(inputs + attention)
        return self.norm2(out1 + self.ff2(self.ff1(out1)))
