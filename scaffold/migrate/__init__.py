"""`scaffold migrate`: rewrite TF 2.0-era custom layers into Keras 3 code.

A libcst codemod: the source is parsed into a concrete syntax tree, rewrites
plan edits on the Keras layer classes only, and everything they do not touch
is printed back byte for byte. Imports libcst (and black, for the layout of
new code), never TensorFlow or Keras.
"""

from .driver import migrate_file, migrate_source, registration_package

__all__ = ["migrate_file", "migrate_source", "registration_package"]
