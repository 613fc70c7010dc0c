"""Correct layers that cannot be checked without knowing how to construct or call
them: required constructor arguments, a layer as an argument, several inputs,
token ids, call keyword arguments. `scaffold check` infers what it can;
INFERRED lists the constructor arguments it must infer, EXPECTED the checks
each layer fails (none)."""

import keras
from keras import ops

register = keras.saving.register_keras_serializable(package="reach")


@register
class RequiredUnits(keras.layers.Layer):
    """Two required arguments, no defaults."""

    def __init__(self, units, activation, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.activation = keras.activations.get(activation)

    def build(self, input_shape):
        self.kernel = self.add_weight(name="kernel", shape=(input_shape[-1], self.units))

    def call(self, inputs):
        return self.activation(ops.matmul(inputs, self.kernel))

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "activation": keras.activations.serialize(self.activation),
        }


@register
class TransformerBlock(keras.layers.Layer):
    """keras-io's transformer block, with a build() for its sublayers."""

    def __init__(self, embed_dim, num_heads, ff_dim, rate=0.1, **kwargs):
        super().__init__(**kwargs)
        self.embed_dim, self.num_heads, self.ff_dim, self.rate = embed_dim, num_heads, ff_dim, rate
        self.att = keras.layers.MultiHeadAttention(
            num_heads=num_heads, key_dim=embed_dim, dtype=self.dtype_policy
        )
        self.ffn_hidden = keras.layers.Dense(ff_dim, activation="relu", dtype=self.dtype_policy)
        self.ffn_out = keras.layers.Dense(embed_dim, dtype=self.dtype_policy)
        self.norm1 = keras.layers.LayerNormalization(epsilon=1e-6, dtype=self.dtype_policy)
        self.norm2 = keras.layers.LayerNormalization(epsilon=1e-6, dtype=self.dtype_policy)
        self.dropout = keras.layers.Dropout(rate, dtype=self.dtype_policy)

    def build(self, input_shape):
        self.att.build(input_shape, input_shape)
        self.ffn_hidden.build(input_shape)
        self.ffn_out.build((*input_shape[:-1], self.ff_dim))
        self.norm1.build(input_shape)
        self.norm2.build(input_shape)

    def call(self, inputs, training=None):
        attended = self.dropout(self.att(inputs, inputs), training=training)
        hidden = self.norm1(inputs + attended)
        return self.norm2(hidden + self.ffn_out(self.ffn_hidden(hidden)))

    def get_config(self):
        return {
            **super().get_config(),
            "embed_dim": self.embed_dim,
            "num_heads": self.num_heads,
            "ff_dim": self.ff_dim,
            "rate": self.rate,
        }


@register
class TokenAndPositionEmbedding(keras.layers.Layer):
    """keras-io's token and position embedding: reads integer token ids."""

    def __init__(self, maxlen, vocab_size, embed_dim, **kwargs):
        super().__init__(**kwargs)
        self.maxlen, self.vocab_size, self.embed_dim = maxlen, vocab_size, embed_dim
        self.token_emb = keras.layers.Embedding(vocab_size, embed_dim, dtype=self.dtype_policy)
        self.pos_emb = keras.layers.Embedding(maxlen, embed_dim, dtype=self.dtype_policy)

    def build(self, input_shape):
        self.token_emb.build(input_shape)
        self.pos_emb.build((self.maxlen,))

    def call(self, x):
        positions = self.pos_emb(ops.arange(0, ops.shape(x)[-1], 1))
        return self.token_emb(x) + positions

    def get_config(self):
        return {
            **super().get_config(),
            "maxlen": self.maxlen,
            "vocab_size": self.vocab_size,
            "embed_dim": self.embed_dim,
        }


@register
class ScaledWrapper(keras.layers.Layer):
    """Wraps another layer (as weight normalization does) and scales its output."""

    def __init__(self, layer, **kwargs):
        super().__init__(**kwargs)
        self.layer = layer

    def build(self, input_shape):
        if not self.layer.built:  # a layer loaded from a config comes built
            self.layer.build(input_shape)
        self.scale = self.add_weight(name="scale", shape=(), initializer="ones")

    def call(self, inputs):
        return self.layer(inputs) * self.scale

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def get_config(self):
        return {**super().get_config(), "layer": keras.layers.serialize(self.layer)}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["layer"] = keras.layers.deserialize(config["layer"])
        return cls(**config)


@register
class CrossAttention(keras.layers.Layer):
    """Two inputs, as positional arguments of call()."""

    def __init__(self, num_heads=2, key_dim=8, **kwargs):
        super().__init__(**kwargs)
        self.num_heads, self.key_dim = num_heads, key_dim
        self.attention = keras.layers.MultiHeadAttention(
            num_heads, key_dim, dtype=self.dtype_policy
        )

    def build(self, query_shape, value_shape):
        self.attention.build(query_shape, value_shape)

    def call(self, query, value):
        return self.attention(query, value)

    def get_config(self):
        return {**super().get_config(), "num_heads": self.num_heads, "key_dim": self.key_dim}


@register
class GatedSum(keras.layers.Layer):
    """Two inputs, as one list: `a, b = inputs`."""

    def build(self, input_shape):
        self.gate = self.add_weight(name="gate", shape=(input_shape[0][-1],), initializer="zeros")

    def call(self, inputs):
        a, b = inputs
        weight = ops.sigmoid(self.gate)
        return weight * a + (1 - weight) * b


@register
class TemperatureSoftmax(keras.layers.Layer):
    """A required call keyword argument (given with --call-arg)."""

    def build(self, input_shape):
        self.bias = self.add_weight(name="bias", shape=(input_shape[-1],), initializer="zeros")

    def call(self, inputs, temperature=1.0, training=None):
        return ops.softmax((inputs + self.bias) / temperature)


EXPECTED = {
    name: set()
    for name in [
        "RequiredUnits",
        "TransformerBlock",
        "TokenAndPositionEmbedding",
        "ScaledWrapper",
        "CrossAttention",
        "GatedSum",
        "TemperatureSoftmax",
    ]
}

# Constructor arguments `scaffold check` infers with no --arg or --config.
INFERRED = {
    "RequiredUnits": ["activation", "units"],
    "TransformerBlock": ["embed_dim", "ff_dim", "num_heads"],
    "TokenAndPositionEmbedding": ["embed_dim", "maxlen", "vocab_size"],
    "ScaledWrapper": ["layer"],
}
