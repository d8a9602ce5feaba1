"""The decision log in PostgreSQL (psycopg 3): the same entries and chain as in SQLite."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool

from gongkai.journal.store import COLUMNS, GENESIS, Chained, Make, Reader

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS decisions (
    seq BIGINT PRIMARY KEY, request_id TEXT NOT NULL, recorded_at TEXT NOT NULL,
    agency TEXT NOT NULL, division_code TEXT NOT NULL, action TEXT NOT NULL, outcome TEXT NOT NULL,
    ruleset_version TEXT NOT NULL, request TEXT NOT NULL, decision TEXT, error TEXT,
    prev_mac TEXT NOT NULL, mac TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS decisions_request_id ON decisions (request_id);
CREATE INDEX IF NOT EXISTS decisions_recorded_at ON decisions (recorded_at);
CREATE TABLE IF NOT EXISTS log_head (id INTEGER PRIMARY KEY CHECK (id = 1), seq BIGINT NOT NULL, mac TEXT NOT NULL);
INSERT INTO log_head (id, seq, mac) VALUES (1, 0, '{GENESIS}') ON CONFLICT (id) DO NOTHING;
"""


class PostgresStore(Reader):
    MARK = "%s"

    def __init__(self, url: str) -> None:
        self.where = where(url)
        self._pool = ConnectionPool(url, min_size=1, max_size=8, open=True, timeout=10)
        with self._pool.connection() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(4242)")  # replicas creating the schema at once
            conn.execute(SCHEMA)

    def append(self, make: Make) -> Chained:
        return self.append_many([make])[0]

    def append_many(self, makes: list[Make]) -> list[Chained]:
        chained: list[Chained] = []
        with self._pool.connection() as conn, conn.transaction():
            # the head row's lock serialises writers across every replica
            seq, mac = conn.execute("SELECT seq, mac FROM log_head WHERE id = 1 FOR UPDATE").fetchone()
            for make in makes:
                chained.append(make(seq + 1, mac))
                seq, mac = chained[-1].seq, chained[-1].mac
            with conn.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO decisions ({COLUMNS}) VALUES ({', '.join(['%s'] * 13)})", [c.params for c in chained]
                )
            conn.execute("UPDATE log_head SET seq = %s, mac = %s WHERE id = 1", (seq, mac))
        return chained

    def probe(self) -> None:
        """Rewrite the head row as it is: PostgreSQL writes a new row version even so."""
        with self._pool.connection() as conn, conn.transaction():
            conn.execute("UPDATE log_head SET seq = seq WHERE id = 1")

    def _query(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._pool.connection() as conn:
            return conn.execute(sql, params).fetchall()

    def close(self) -> None:
        self._pool.close()


def where(url: str) -> str:
    """The database a URL names, for the log: host, port, database and user, never the password."""
    try:
        info = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "PostgreSQL (a connection string that does not parse)"
    host = info.get("host") or "localhost"
    port = f":{info['port']}" if info.get("port") else ""
    user = f"{info['user']}@" if info.get("user") else ""
    return f"PostgreSQL {user}{host}{port}/{info.get('dbname') or ''}"


__all__ = ["PostgresStore", "psycopg"]
