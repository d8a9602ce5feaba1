"""Time: working days (the Chinese holiday calendar with make-up days, read from the State
Council's notices kept as data, else the chinesecalendar package), deadlines from a pack's
periods, and the registry of derived facts the fact models declare.

Knows the law's data (``packs``), nothing above it.
"""
