"""What every rewrite of one module shares: names, planned edits, findings,
and how new code reaches Keras."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import GlobalScope, ScopeProvider

from .edits import Edits
from .layers import LayerClass
from .names import Names
from .report import FIXED, LEFT, Finding
from .syntax import relayout, relayout_signature, statements, walk


def _keras_binding(wrapper: cst.MetadataWrapper) -> str | None:
    """What the module-level name `keras` is: "keras", "tensorflow.keras",
    something else, or None when unbound."""
    scopes = wrapper.resolve(ScopeProvider)
    scope = scopes.get(wrapper.module)
    if not isinstance(scope, GlobalScope) or "keras" not in scope:
        return None
    qualified = {q.name for q in scope.get_qualified_names_for("keras")}
    for name in ("keras", "tensorflow.keras"):
        if qualified == {name}:
            return name
    return ", ".join(sorted(qualified)) or "a local name"


@dataclass
class Context:
    module: cst.Module
    names: Names
    package: str  # registration package for this module
    layers: list[LayerClass]
    keras_binding: str | None
    edits: Edits = field(default_factory=Edits)
    findings: list[Finding] = field(default_factory=list)

    @classmethod
    def create(cls, wrapper: cst.MetadataWrapper, names: Names, package: str, layers) -> "Context":
        return cls(wrapper.module, names, package, layers, _keras_binding(wrapper))

    # -- findings -----------------------------------------------------------------------

    def fixed(self, layer: LayerClass, node: cst.CSTNode, rewrite: str, message: str) -> None:
        self.findings.append(Finding(self._line(layer, node), layer.name, rewrite, FIXED, message))

    def left(self, layer: LayerClass, node: cst.CSTNode, rewrite: str, message: str) -> None:
        self.findings.append(Finding(self._line(layer, node), layer.name, rewrite, LEFT, message))

    def _line(self, layer: LayerClass, node: cst.CSTNode) -> int:
        try:
            return self.names.line(node)
        except KeyError:  # a node without a position (never the case for parsed nodes)
            return layer.line

    # -- Keras in new code ----------------------------------------------------------------

    def keras(self, api: str) -> str | None:
        """How new code in this module spells the Keras API `api` (e.g.
        "saving.register_keras_serializable"), or None when it cannot (the name
        `keras` means something else here). Adds `import keras` when needed."""
        if self.keras_binding is None:
            self.edits.imports.add("keras")
        elif self.keras_binding == "tensorflow.keras":
            # tf.keras (Keras 3's compatibility namespace) has no `saving`
            # submodule; its `utils` holds the same functions.
            api = api.replace("saving.", "utils.", 1) if api.startswith("saving.") else api
        elif self.keras_binding != "keras":
            return None
        return f"keras.{api}"

    def keras_unavailable(self) -> str:
        return (
            f"the name `keras` is bound to {self.keras_binding} in this module, so the tool "
            "cannot refer to Keras 3 in new code"
        )

    def statements(self, layer: LayerClass, text: str, column: int) -> list:
        """New statements for the class `layer`, laid out at `column` in its indentation."""
        return statements(text, column, self.module.config_for_parsing, self.indent(layer))

    def indent(self, layer: LayerClass) -> str:
        return layer.node.body.indent or self.module.default_indent

    def relayout(self, layer: LayerClass, node: cst.CSTNode) -> None:
        """Lay the statement holding `node` out again if an edit makes it too long."""
        statement = next(
            (
                s
                for s in walk(layer.node)
                if isinstance(s, cst.SimpleStatementLine) and node in walk(s)
            ),
            None,
        )
        if statement is None:
            return
        column = self.names.column(statement)
        config, indent = self.module.config_for_parsing, self.indent(layer)
        self.edits.finish(statement, lambda line: relayout(line, column, config, indent))

    def relayout_signature(self, layer: LayerClass, function: cst.FunctionDef) -> None:
        """Lay the parameters of `function` out again if an edit makes its line too long."""
        column = self.names.column(function)
        config, indent = self.module.config_for_parsing, self.indent(layer)
        self.edits.finish(function, lambda f: relayout_signature(f, column, config, indent))
