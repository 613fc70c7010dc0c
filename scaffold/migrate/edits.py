"""Edits planned on the original tree, applied in one pass.

A rewrite looks at the original nodes (which carry positions and qualified
names) and plans edits keyed by those nodes: replace a node by a function of
its updated self, insert statements before or after a statement, remove a
statement. One transformer then applies them bottom-up, so edits to a node and
to its children compose, and everything no edit names is left as parsed:
libcst prints it back byte for byte.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Callable, Sequence

import libcst as cst

Rewrite = Callable[[cst.CSTNode], cst.CSTNode]


class Edits:
    def __init__(self) -> None:
        self._replace: dict[cst.CSTNode, list[Rewrite]] = defaultdict(list)
        self._before: dict[cst.CSTNode, list[cst.BaseStatement]] = defaultdict(list)
        self._after: dict[cst.CSTNode, list[cst.BaseStatement]] = defaultdict(list)
        self._remove: set[cst.CSTNode] = set()
        self._finish: dict[cst.CSTNode, Rewrite] = {}
        self.imports: set[str] = set()  # modules the new code needs (`import keras`)

    def replace(self, original: cst.CSTNode, rewrite: Rewrite) -> None:
        self._replace[original].append(rewrite)

    def finish(self, original: cst.CSTNode, rewrite: Rewrite) -> None:
        """`rewrite` runs after every other edit of `original` (once, however
        often it is asked for): a new layout of the edited statement."""
        self._finish[original] = rewrite

    def insert_before(self, statement: cst.CSTNode, new: Sequence[cst.BaseStatement]) -> None:
        self._before[statement].extend(new)

    def insert_after(self, statement: cst.CSTNode, new: Sequence[cst.BaseStatement]) -> None:
        self._after[statement].extend(new)

    def remove(self, statement: cst.CSTNode) -> None:
        self._remove.add(statement)

    def __bool__(self) -> bool:
        return bool(self._replace or self._before or self._after or self._remove)

    def apply(self, module: cst.Module) -> cst.Module:
        return module.visit(_Apply(self))


class _Apply(cst.CSTTransformer):
    def __init__(self, edits: Edits):
        super().__init__()
        self.edits = edits

    def on_leave(self, original_node, updated_node):
        edits = self.edits
        if original_node in edits._remove:
            return cst.RemoveFromParent()
        for rewrite in edits._replace.get(original_node, ()):
            updated_node = rewrite(updated_node)
        if original_node in edits._finish:
            updated_node = edits._finish[original_node](updated_node)
        before = edits._before.get(original_node, [])
        after = edits._after.get(original_node, [])
        if before or after:
            return cst.FlattenSentinel([*before, updated_node, *after])
        return updated_node
