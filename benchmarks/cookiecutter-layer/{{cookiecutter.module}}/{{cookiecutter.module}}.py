"""{{ cookiecutter.class_name }}: Trainable per-feature scale and bias: the smallest layer to extend."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="{{ cookiecutter.module }}")
class {{ cookiecutter.class_name }}(keras.layers.Layer):
    """Trainable per-feature scale and bias: the smallest layer to extend.

    Computes `inputs * scale + bias` along the last axis. Start here: keep
    the structure (`__init__` stores the configuration, weights come from
    `add_weight` or `keras.Variable`, `call` uses `keras.ops`, `get_config`
    lists every constructor argument) and change the computation.

    Weights are created in `build()`, from the input shape, the first time
    the layer sees data, so one layer adapts to any input size; `__init__`
    only stores what does not depend on the input.

    Args:
        use_bias: Whether the layer adds a bias vector.
        **kwargs: Base layer arguments, such as `name`, `dtype` and `trainable`.

    Input shape:
        N-D tensor with shape `(batch_size, ..., input_dim)`.

    Output shape:
        Same shape as the input.
    """

    def __init__(
        self,
        use_bias={{ cookiecutter.use_bias }},
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.use_bias = use_bias

    def build(self, input_shape):
        input_dim = input_shape[-1]
        self.input_spec = keras.InputSpec(min_ndim=2, axes={-1: input_dim})
        self.scale = self.add_weight(
            name="scale",
            shape=(input_dim,),
            initializer=keras.initializers.Ones(),
            trainable=True,
        )
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(input_dim,),
                initializer=keras.initializers.Zeros(),
                trainable=True,
            )
        else:
            self.bias = None

    def call(self, inputs):
        outputs = ops.multiply(inputs, self.scale)
        if self.bias is not None:
            outputs = ops.add(outputs, self.bias)
        return outputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "use_bias": self.use_bias,
            }
        )
        return config
