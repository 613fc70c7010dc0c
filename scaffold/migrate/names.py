"""What the code names: qualified names of the Keras, TensorFlow and NumPy APIs
the rewrites recognise, whatever way a module imports them.

Names come from libcst's QualifiedNameProvider, so `tf.keras.layers.Dense`
(`import tensorflow as tf`), `layers.Dense` (`from tensorflow.keras import
layers`) and `D` (`from keras.layers import Dense as D`) are one name.
"""

from __future__ import annotations

import libcst as cst
from libcst._metadata_dependent import LazyValue
from libcst.metadata import PositionProvider, QualifiedNameProvider

# tf.keras on TensorFlow 2.16+ is Keras 3; keras.src is its implementation.
_KERAS_ROOTS = ("tensorflow.keras.", "tensorflow.python.keras.", "keras.src.", "keras.")

LAYER_BASES = frozenset({"layers.Layer", "Layer", "engine.base_layer.Layer", "layers.layer.Layer"})
MODEL_BASES = frozenset({"Model", "models.Model", "engine.training.Model", "models.model.Model"})
SEQUENTIAL = frozenset({"Sequential", "models.Sequential"})

# The layer classes of keras.layers (Keras 3.15). A call to one of these
# constructs a sublayer that accepts `dtype=`.
KERAS_LAYERS = frozenset("""
    Activation ActivityRegularization AdaptiveAveragePooling1D AdaptiveAveragePooling2D
    AdaptiveAveragePooling3D AdaptiveMaxPooling1D AdaptiveMaxPooling2D AdaptiveMaxPooling3D Add
    AdditiveAttention AlphaDropout Attention Average AveragePooling1D AveragePooling2D
    AveragePooling3D AvgPool1D AvgPool2D AvgPool3D BatchNormalization Bidirectional
    CategoryEncoding CenterCrop Concatenate Conv1D Conv1DTranspose Conv2D Conv2DTranspose Conv3D
    Conv3DTranspose ConvLSTM1D ConvLSTM2D ConvLSTM3D Convolution1D Convolution1DTranspose
    Convolution2D Convolution2DTranspose Convolution3D Convolution3DTranspose Cropping1D
    Cropping2D Cropping3D Dense DepthwiseConv1D DepthwiseConv2D Discretization Dot Dropout ELU
    EinsumDense Embedding Flatten GRU GRUCell GaussianDropout GaussianNoise
    GlobalAveragePooling1D GlobalAveragePooling2D GlobalAveragePooling3D GlobalAvgPool1D
    GlobalAvgPool2D GlobalAvgPool3D GlobalMaxPool1D GlobalMaxPool2D GlobalMaxPool3D
    GlobalMaxPooling1D GlobalMaxPooling2D GlobalMaxPooling3D GroupNormalization
    GroupQueryAttention Hashing Identity LSTM LSTMCell Lambda LayerNormalization LeakyReLU
    Masking MaxPool1D MaxPool2D MaxPool3D MaxPooling1D MaxPooling2D MaxPooling3D Maximum
    Minimum MultiHeadAttention Multiply PReLU Permute RMSNormalization RNN ReLU RepeatVector
    Rescaling Reshape Resizing SeparableConv1D SeparableConv2D SeparableConvolution1D
    SeparableConvolution2D SimpleRNN SimpleRNNCell Softmax SpatialDropout1D SpatialDropout2D
    SpatialDropout3D SpectralNormalization StackedRNNCells Subtract TimeDistributed
    UnitNormalization UpSampling1D UpSampling2D UpSampling3D ZeroPadding1D ZeroPadding2D
    ZeroPadding3D
    """.split())

# RNN cells: layers of keras.layers without compute_output_shape().
WITHOUT_OUTPUT_SHAPE = frozenset({"GRUCell", "LSTMCell", "SimpleRNNCell", "StackedRNNCells"})

# Layers that hold no weights and return their input's shape: a call chain
# may pass through them without a build step.
SHAPE_PRESERVING_LAYERS = frozenset("""
    Activation ActivityRegularization AlphaDropout Dropout ELU GaussianDropout GaussianNoise
    Identity LeakyReLU ReLU Softmax SpatialDropout1D SpatialDropout2D SpatialDropout3D
    """.split())

# Layers with weights whose output has their input's shape (Keras documents it).
OUTPUT_SHAPED_LIKE_INPUT = frozenset("""
    BatchNormalization GroupNormalization LayerNormalization PReLU RMSNormalization
    UnitNormalization
    """.split())

# Layers whose weights do not depend on the input shape: built without one.
SHAPE_INDEPENDENT_LAYERS = frozenset({"Embedding"})

REGISTER_FUNCTIONS = frozenset(
    {"saving.register_keras_serializable", "utils.register_keras_serializable"}
)

# Element-wise functions of one tensor: the shape of `f(x)` is the shape of `x`.
_ELEMENTWISE = frozenset("""
    relu relu6 elu selu gelu silu swish sigmoid tanh softplus softsign softmax log_softmax
    leaky_relu exp log abs square sqrt negative hard_sigmoid hard_swish mish linear cast
    """.split())
_ELEMENTWISE_MODULES = (
    "tensorflow.nn.",
    "tensorflow.math.",
    "tensorflow.",
    "keras.activations.",
    "keras.ops.",
    "keras.backend.",
)


def keras_path(qualified: str) -> str | None:
    """`tensorflow.keras.layers.Dense` or `keras.layers.Dense` -> `layers.Dense`."""
    for root in _KERAS_ROOTS:
        if qualified.startswith(root):
            return qualified[len(root) :]
    return None


class Names:
    """Qualified names and source lines of the nodes of one parsed module."""

    def __init__(self, wrapper: cst.MetadataWrapper):
        self._qualified = wrapper.resolve(QualifiedNameProvider)
        self._positions = wrapper.resolve(PositionProvider)

    def of(self, node: cst.CSTNode) -> set[str]:
        found = self._qualified.get(node, ())
        if isinstance(found, LazyValue):  # how the provider defers the work
            found = found()
        return {q.name for q in found}

    def line(self, node: cst.CSTNode) -> int:
        return self._positions[node].start.line

    def column(self, node: cst.CSTNode) -> int:
        return self._positions[node].start.column

    def keras(self, node: cst.CSTNode) -> str | None:
        """The Keras API a node names (`layers.Dense`), if any."""
        for name in self.of(node):
            path = keras_path(name)
            if path is not None:
                return path
        return None

    def is_one_of(self, node: cst.CSTNode, *names: str) -> bool:
        return bool(self.of(node) & set(names))

    def keras_layer_class(self, node: cst.CSTNode) -> str | None:
        """`Dense` when the node names keras.layers.Dense (however imported)."""
        path = self.keras(node)
        if path and path.startswith("layers."):
            name = path.rsplit(".", 1)[-1]
            if name in KERAS_LAYERS:
                return name
        return None

    def sublayer_class(self, node: cst.CSTNode) -> str | None:
        """`Dense` for keras.layers.Dense, `Sequential` for keras.Sequential."""
        if self.keras(node) in SEQUENTIAL:
            return "Sequential"
        return self.keras_layer_class(node)

    def is_elementwise(self, node: cst.CSTNode) -> bool:
        for name in self.of(node):
            name = "keras." + keras_path(name) if keras_path(name) else name
            for module in _ELEMENTWISE_MODULES:
                if name.startswith(module) and name[len(module) :] in _ELEMENTWISE:
                    return True
        return False
