"""scaffold: generate custom Keras 3 layers, their tests, and a LeNet-5 project."""

__version__ = "0.1.0"
