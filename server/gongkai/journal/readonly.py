"""Reading the decision log without writing it: for tools that read the archive in bulk,
many readers at once and on other hosts (``gongkai recheck`` and its Dask workers).

Opening a store (``sqlite``, ``postgres``) creates its schema and a writer's lock file, and
the log (``decisionlog``) needs its key; a reader needs neither. SQLite is opened with
``mode=ro`` and PostgreSQL in read-only transactions, so no reader can change the log, and
both read through the same ``store.Reader`` SQL as the log itself.
"""

from __future__ import annotations

import sqlite3
import urllib.parse
from pathlib import Path
from typing import Any

import psycopg

from gongkai.journal.store import LogError, Reader

SQLITE_NAME = "decisions.sqlite3"  # in the data directory, as the service writes it


class SqliteReader(Reader):
    MARK = "?"

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise LogError(f"没有决定日志:{path} 不存在")
        uri = f"file:{urllib.parse.quote(str(path.resolve()))}?mode=ro"
        try:
            self._db = sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=30)
            self._db.execute("SELECT 1 FROM log_head").fetchall()
        except sqlite3.Error as exc:
            raise LogError(f"无法读取决定日志 {path}:{exc}") from exc

    def _query(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return self._db.execute(sql, params).fetchall()

    def close(self) -> None:
        self._db.close()


class PostgresReader(Reader):
    MARK = "%s"

    def __init__(self, url: str) -> None:
        try:
            # every statement in a read-only transaction: the server refuses any write
            options = "-c default_transaction_read_only=on"
            self._conn = psycopg.connect(url, autocommit=True, connect_timeout=10, options=options)
            self._conn.execute("SELECT 1 FROM log_head").fetchall()
        except psycopg.Error as exc:
            raise LogError(f"无法读取决定日志(PostgreSQL {redact(url)}):{' '.join(str(exc).split())}") from exc

    def _query(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return self._conn.execute(sql, params).fetchall()

    def close(self) -> None:
        self._conn.close()


def open_reader(data_dir: Path, database_url: str | None = None) -> Reader:
    """The log the service writes with the same settings (``data_dir``, ``database_url``), read only."""
    return PostgresReader(database_url) if database_url else SqliteReader(data_dir / SQLITE_NAME)


def redact(url: str) -> str:
    """A database URL without its password, for messages and for recording which log was read."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))
