"""Layer kinds: each one folder of data and template, built-in or the user's.

    templates/kinds/<name>/kind.toml        the spec (spec.py reads and checks it)
    templates/kinds/<name>/layer.py.jinja   the template (macros: templates/kinds/_macros.jinja)

registry.py finds kinds, schema.py turns their options into one schema (Click
options, validation, docs), arguments.py gives each constructor-argument type
its meaning in generated code, expressions.py evaluates a spec's expressions.
"""

from .registry import DEFAULT_KIND, Kind, all_kinds, builtin_kinds, builtin_names, resolve

__all__ = ["DEFAULT_KIND", "Kind", "all_kinds", "builtin_kinds", "builtin_names", "resolve"]
