"""The generic machinery every command shares: names, rendering, the all-or-nothing
file plan (journal, locks, interrupts), the cache, and the byte-exact editing of a
user's `__init__.py`. Nothing here knows about layers or Keras."""
