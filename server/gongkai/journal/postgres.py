"""The decision log in PostgreSQL (psycopg 3): the same entries and chain as in SQLite."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool

from gongkai.journal.store import (
    ADDED_COLUMNS,
    COLUMNS,
    GENESIS,
    N_COLUMNS,
    Chained,
    Held,
    Placing,
    Reader,
    Seal,
    place,
)

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS decisions (
    seq BIGINT PRIMARY KEY, request_id TEXT NOT NULL, recorded_at TEXT NOT NULL,
    agency TEXT NOT NULL, division_code TEXT NOT NULL, action TEXT NOT NULL, outcome TEXT NOT NULL,
    ruleset_version TEXT NOT NULL, request TEXT NOT NULL, decision TEXT, error TEXT,
    prev_mac TEXT NOT NULL, mac TEXT NOT NULL, request_digest TEXT);
CREATE INDEX IF NOT EXISTS decisions_request_id ON decisions (request_id);
CREATE INDEX IF NOT EXISTS decisions_recorded_at ON decisions (recorded_at);
CREATE TABLE IF NOT EXISTS log_head (
    id INTEGER PRIMARY KEY CHECK (id = 1), seq BIGINT NOT NULL, mac TEXT NOT NULL, head_mac TEXT);
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
            for table, column in ADDED_COLUMNS:  # an older log: ALTER only when missing (it locks the table)
                found = (
                    "SELECT 1 FROM information_schema.columns"
                    " WHERE table_schema = current_schema() AND table_name = %s AND column_name = %s"
                )
                if not conn.execute(found, (table, column)).fetchone():
                    conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} TEXT")

    def append_many(self, placings: list[Placing], seal: Seal) -> list[Chained | Held]:
        with self._pool.connection() as conn, conn.transaction():
            # the head row's lock serialises writers across every replica
            seq, mac = conn.execute("SELECT seq, mac FROM log_head WHERE id = 1 FOR UPDATE").fetchone()
            query = lambda sql, params: conn.execute(sql, params).fetchall()  # noqa: E731
            results, seq, mac = place(placings, seq, mac, query, self.MARK)
            chained = [r.params for r in results if isinstance(r, Chained)]
            if chained:
                with conn.cursor() as cursor:
                    marks = ", ".join(["%s"] * N_COLUMNS)
                    cursor.executemany(f"INSERT INTO decisions ({COLUMNS}) VALUES ({marks})", chained)
            conn.execute(
                "UPDATE log_head SET seq = %s, mac = %s, head_mac = %s WHERE id = 1", (seq, mac, seal(seq, mac))
            )
        return results

    def probe(self) -> None:
        """Rewrite the head row as it is: PostgreSQL writes a new row version even so."""
        with self._pool.connection() as conn, conn.transaction():
            conn.execute("UPDATE log_head SET seq = seq WHERE id = 1")

    def _query(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._pool.connection() as conn:  # commits on leaving (seal_head writes)
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
