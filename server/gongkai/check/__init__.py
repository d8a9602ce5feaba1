"""One check: the Checker (bind packs, validate facts, derive, run the engine, build the
answer), the Decision it returns, and the runtime that builds a ready Checker from a rules
directory.

The first layer that speaks of outcomes; knows nothing of the log, the network or the CLI.
"""
