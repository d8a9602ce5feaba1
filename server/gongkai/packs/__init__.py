"""The law as data: clause catalogues, rule packs and their bindings (jurisdiction), the
condition language, the fact vocabulary, and the conflicts between packs.

The bottom layer: it knows nothing of time arithmetic, fact models, the engine, a check,
the log or the network. Everything above reads the law through it.
"""
