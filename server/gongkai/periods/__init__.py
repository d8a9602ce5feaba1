"""Time: working days (the Chinese holiday calendar with make-up days), deadlines from a
pack's periods, and the registry of derived facts the fact models declare.

Knows the law's data (``packs``), nothing above it.
"""
