"""Layer kinds: each one folder of data and template, built-in or the user's.

    templates/kinds/<name>/kind.toml        the spec (spec.py reads and checks it)
    templates/kinds/<name>/layer.py.jinja   the template (macros: templates/kinds/_macros.jinja)

registry.py finds kinds, schema.py turns their options into one schema (Click
options, validation, docs), arguments.py gives each constructor-argument type
its meaning in generated code, expressions.py evaluates a spec's expressions,
listing.py and docs.py show them. This module stays empty of imports, so that
`scaffold --help` loads none of it.
"""

DEFAULT_KIND = "blank"
