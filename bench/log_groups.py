"""How much the SQLite group commit groups under unary load, and what waiting for more would do.

Run: python bench/log_groups.py [--seconds 4] [--linger-ms 0 0.5 1 2] [--durability full normal]
bench/server_cpu.py's server (the real servicer, 16 calls in flight from a load generator in
its own process) with its decision log; per variant: calls/s, the server's CPU per call, the
mean number of entries per transaction and the CPU the committing thread spent per entry. A
linger above 0 is an experiment, not the shipped store: the thread about to commit first
sleeps that long (holding the store's lock) so that more entries can join its transaction.
"""

from __future__ import annotations

import argparse
import collections
import time
from typing import Any

import server_cpu
from corpus import add_source_options, corpus, machine, percentile, table

from gongkai.check.runtime import build_checker
from gongkai.journal import sqlite
from gongkai.service.convert import check_request_to_proto

groups: collections.Counter[int] = collections.Counter()
commit_cpu = [0.0]
linger = [0.0]
_commit = sqlite.SqliteStore._commit
_append_many = sqlite.SqliteStore.append_many


def counted_commit(self: sqlite.SqliteStore, group: list[Any]) -> None:
    started = time.thread_time()
    _commit(self, group)
    commit_cpu[0] += time.thread_time() - started
    groups[len(group)] += 1


def lingering_append_many(self: sqlite.SqliteStore, placings: list[Any], seal: Any) -> list[Any]:
    """The store's append_many, but the committer sleeps ``linger`` before taking the group."""
    if not linger[0]:
        return _append_many(self, placings, seal)
    mine = [sqlite._Pending(placing, seal) for placing in placings]
    with self._waiting_lock:
        self._waiting.extend(mine)
    with self._lock:
        if mine[0].entry is None and mine[0].error is None:
            time.sleep(linger[0])
        with self._waiting_lock:
            group, self._waiting = self._waiting, []
        if group:
            self._commit(group)
    for pending in mine:
        if pending.error is not None:
            raise pending.error
    return [pending.entry for pending in mine]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--linger-ms", type=float, nargs="+", default=[0.0])
    parser.add_argument("--durability", nargs="+", default=["normal", "full"], choices=["normal", "full"])
    add_source_options(parser)
    args = parser.parse_args()
    print(machine())
    sqlite.SqliteStore._commit = counted_commit  # type: ignore[method-assign]
    sqlite.SqliteStore.append_many = lingering_append_many  # type: ignore[method-assign]
    checker = build_checker(args.rules_dir)
    payloads = [check_request_to_proto(c.request).SerializeToString() for c in corpus(checker, args.features)]
    results: dict[str, Any] = {}
    generate = server_cpu.generate

    def kept(*a: Any, **k: Any) -> Any:
        results["last"] = generate(*a, **k)
        return results["last"]

    server_cpu.generate = kept
    rows = []
    for durability in args.durability:
        for ms in args.linger_ms:
            groups.clear()
            commit_cpu[0], linger[0] = 0.0, ms / 1000
            row = server_cpu.run(f"log {durability}", checker, payloads, 2129, args.seconds)
            entries, commits = sum(k * n for k, n in groups.items()), max(sum(groups.values()), 1)
            latencies = results["last"].latencies_ms
            rows.append(
                [
                    durability,
                    ms,
                    row[1],
                    row[2],
                    entries / commits,
                    commit_cpu[0] / max(entries, 1) * 1e6,
                    percentile(latencies, 50),
                    percentile(latencies, 99),
                ]
            )
    print(
        table(
            [
                "log",
                "linger ms",
                "calls/s",
                "server CPU µs per call",
                "entries per commit",
                "commit CPU µs per entry",
                "p50 ms",
                "p99 ms",
            ],
            rows,
        )
    )


if __name__ == "__main__":
    main()
