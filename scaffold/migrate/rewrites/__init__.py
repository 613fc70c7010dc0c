"""The rewrites, in the order they are planned on each layer class.

Each is `rewrite(layer, ctx)`: it reads the original tree, plans edits and
records what it fixed or left. Edits of one class compose (they name
different nodes, or compose on the same node), so the order only decides the
order of the findings."""

from . import (
    add_weight,
    build,
    call_signature,
    config,
    dtype_policy,
    dynamic,
    init_kwargs,
    registration,
    variables,
)

REWRITES = (
    variables.rewrite,
    add_weight.rewrite,
    dynamic.rewrite,
    init_kwargs.rewrite,
    config.rewrite,
    registration.rewrite,
    build.rewrite,
    dtype_policy.rewrite,
    call_signature.rewrite,
)
