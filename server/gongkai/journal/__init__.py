"""The journal: every decision and rejected request in a keyed, hash-chained log (SQLite or
PostgreSQL), personal data only as keyed hashes, and ``gongkai log``.

Stores what a check answered; never imports grpc or the service.
"""
